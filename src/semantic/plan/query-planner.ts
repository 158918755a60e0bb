import { SemanticError, didYouMean } from '../errors';
import type { Expr, FilterReference } from '../filter/filter-ast';
import { parseExpression, parseWhereFilter } from '../filter/filter-parser';
import { collectReferences } from '../filter/filter-walk';
import type { JoinResolver, ResolvedLinkable } from '../model/join-resolver';
import { METRIC_TIME, type GroupByInput, type LinkableName } from '../model/linkable-name';
import { dimensionGrain, grainRank, isStandardGrain, type ModelNode, type SemanticGraph } from '../model/semantic-graph';
import { TIME_GRANULARITIES, type Dimension, type Measure, type Metric, type MetricInput, type MetricInputMeasure, type WhereFilterIntersection } from '../spec/manifest';
import type { ConversionPlan, CumulativeSpec, FilterRef, LeafPlan, LogicalPlan, MetricExpr, SpineJoin, TimeOffset } from './logical-plan';
import { DimensionValuesPlanner } from './dimension-values-planner';
import { LinkableParser } from './linkable-parser';
import type { MetricQuery } from './metric-query';
import { resolveOrderBy } from './order-by';
import { refKey } from './ref-key';
import { addGrain, truncateToGrain } from './time-literal';

/** Turns a validated metric query into a logical plan: which measures, filtered how, joined to what. */
export class QueryPlanner {
  private readonly parser: LinkableParser;
  private readonly dimensionValues: DimensionValuesPlanner;
  /** Metrics being planned for a filter, to catch filters that refer to each other in a cycle. */
  private readonly metricRefStack: string[] = [];
  /** Definition filters and derived expressions are immutable: parse each once. */
  private readonly definitionExprs = new Map<string, Expr>();

  constructor(
    private readonly graph: SemanticGraph,
    private readonly resolver: JoinResolver,
  ) {
    this.parser = new LinkableParser(graph);
    this.dimensionValues = new DimensionValuesPlanner(graph, resolver, this.parser);
  }

  plan(query: MetricQuery): LogicalPlan {
    if (query.metrics.length === 0) return this.dimensionValues.plan(query);
    const queryFilters = query.where.map((w) => parseWhereFilter(w));
    const requested = query.metrics.map((m) => this.metric(m.name));
    const defaultGrain = this.defaultMetricTimeGrain(requested);
    const groupByNames = query.groupBy.map((g) => {
      const name = this.parser.parse(g, 'INVALID_GROUP_BY');
      // metric_time without a grain: one grain for every measure, so the leaves line up.
      return name.element === METRIC_TIME && !name.grain && !name.datePart ? { ...name, grain: defaultGrain } : name;
    });
    const leaves = new Map<string, LeafPlan>();
    const metricTime = groupByNames.find((n) => n.element === METRIC_TIME && n.entityPath.length === 0);
    const ctx: BuildContext = { query, groupByNames, leaves, byMetricTime: metricTime !== undefined };

    const metrics = query.metrics.map((m, i) => {
      const metric = requested[i]!;
      return { outputName: m.alias ?? metric.name, metric, expr: this.metricExpr(metric, queryFilters, [], ctx, [], []) };
    });
    const outputs = new Set<string>();
    const first = [...leaves.values()][0]!;
    const groupBy = first.groupBy.map((g) => {
      if (outputs.has(g.outputName)) throw new SemanticError('INVALID_GROUP_BY', `'${g.outputName}' is grouped by twice.`);
      outputs.add(g.outputName);
      return { outputName: g.outputName, kind: g.kind };
    });
    for (const m of metrics) {
      if (outputs.has(m.outputName)) throw new SemanticError('INVALID_QUERY', `Two output columns are named '${m.outputName}': give one an alias.`);
      outputs.add(m.outputName);
    }
    const orderBy = query.orderBy.map((o) => ({ outputName: resolveOrderBy(o, groupByNames, groupBy, metrics, this.parser), desc: o.descending }));
    return { groupBy, leaves: [...leaves.values()], metrics, orderBy, limit: query.limit };
  }

  /**
   * The grain of metric_time asked for without one: the coarsest of the measures' data grains and of
   * the metrics' own `time_granularity` defaults (MetricFlow's default granularity).
   */
  private defaultMetricTimeGrain(metrics: Metric[]): string {
    const ranks: number[] = [];
    for (const metric of metrics) {
      if (metric.time_granularity && isStandardGrain(metric.time_granularity)) ranks.push(grainRank(metric.time_granularity));
      for (const measureName of this.graph.measuresOf(metric.name)) {
        const model = this.graph.measureModels.get(measureName);
        const dim = model?.aggTimeDimension(model.measures.get(measureName)!);
        if (dim) ranks.push(grainRank(dimensionGrain(dim)));
      }
    }
    return ranks.length === 0 ? 'day' : TIME_GRANULARITIES[Math.max(...ranks)]!;
  }

  private metric(name: string): Metric {
    const metric = this.graph.metrics.get(name);
    if (!metric) {
      throw new SemanticError('UNKNOWN_METRIC', `Unknown metric '${name}'.`, didYouMean(name, this.graph.metrics.keys()));
    }
    return metric;
  }

  private definitionExpr(text: string, allowIdentifiers: boolean, where: string): Expr {
    const key = `${allowIdentifiers}:${text}`;
    let expr = this.definitionExprs.get(key);
    if (!expr) {
      try {
        expr = (allowIdentifiers ? parseExpression(text, { allowIdentifiers }) : parseWhereFilter(text));
      } catch (e) {
        throw new SemanticError('INVALID_DEFINITION', `${where}: ${(e as Error).message}`);
      }
      this.definitionExprs.set(key, expr);
    }
    return expr;
  }

  private filtersOf(filter: WhereFilterIntersection | undefined, where: string): Expr[] {
    return (filter?.where_filters ?? []).map((f) => this.definitionExpr(f.where_sql_template, false, where));
  }

  private metricExpr(
    metric: Metric,
    inherited: Expr[],
    inheritedKeys: string[],
    ctx: BuildContext,
    stack: string[],
    offsets: TimeOffset[],
  ): MetricExpr {
    if (stack.includes(metric.name)) {
      throw new SemanticError('INVALID_DEFINITION', `Metric '${metric.name}' depends on itself: ${[...stack, metric.name].join(' -> ')}.`);
    }
    const where = `metric '${metric.name}' filter`;
    const own = this.filtersOf(metric.filter, where);
    const filters = [...inherited, ...own];
    const keys = [...inheritedKeys, ...(metric.filter?.where_filters.map((f) => f.where_sql_template) ?? [])];
    const p = metric.type_params;
    const input = (i: MetricInput): MetricExpr => {
      const inputFilters = this.filtersOf(i.filter, `metric '${metric.name}' input '${i.name}' filter`);
      const inputKeys = i.filter?.where_filters.map((f) => f.where_sql_template) ?? [];
      const offset = this.inputOffset(metric, i, ctx);
      return this.metricExpr(this.metric(i.name), [...filters, ...inputFilters], [...keys, ...inputKeys], ctx, [...stack, metric.name], offset ? [...offsets, offset] : offsets);
    };
    const measureLeaf = (m: MetricInputMeasure, mode: LeafMode): MetricExpr => {
      const measureFilters = this.filtersOf(m.filter, `metric '${metric.name}' measure filter`);
      const measureKeys = m.filter?.where_filters.map((f) => f.where_sql_template) ?? [];
      const fillFromSpine = m.join_to_timespine && ctx.byMetricTime ? true : undefined;
      const expr = this.leaf(metric, m.name, [...filters, ...measureFilters], [...keys, ...measureKeys], ctx, { ...mode, fillFromSpine });
      return m.fill_nulls_with === undefined ? expr : { ...expr, fillNullsWith: m.fill_nulls_with };
    };
    switch (metric.type) {
      case 'simple':
        return measureLeaf(p.measure!, { offsets });
      case 'cumulative':
        return measureLeaf(p.measure!, { offsets, cumulative: this.cumulativeSpec(metric) });
      case 'ratio':
        return { k: 'ratio', num: input(p.numerator!), den: input(p.denominator!) };
      case 'derived': {
        const inputs = new Map<string, MetricExpr>();
        for (const i of p.metrics ?? []) inputs.set((i.alias ?? i.name).toLowerCase(), input(i));
        return { k: 'derived', expr: this.definitionExpr(p.expr!, true, `metric '${metric.name}' expr`), inputs };
      }
      case 'conversion': {
        const c = p.conversion_type_params!;
        const base = measureLeaf(c.base_measure, { offsets });
        // The base measure's filter selects base events; the conversion measure's filter and fill apply to conversions.
        const converted = measureLeaf({ ...c.base_measure, fill_nulls_with: undefined, join_to_timespine: undefined }, { offsets, conversion: c });
        const fill = c.conversion_measure.fill_nulls_with;
        const conversions: MetricExpr = fill === undefined ? converted : { ...converted, fillNullsWith: fill } as MetricExpr;
        return c.calculation === 'conversions' ? conversions : { k: 'ratio', num: conversions, den: base };
      }
    }
  }

  /** An input's offset; offsets compare periods, so they need metric_time in the query. */
  private inputOffset(metric: Metric, i: MetricInput, ctx: BuildContext): TimeOffset | undefined {
    if (!i.offset_window && !i.offset_to_grain) return undefined;
    if (!ctx.byMetricTime) {
      throw new SemanticError(
        'INVALID_QUERY',
        `Metric '${metric.name}' offsets its input '${i.name}' in time, so the query must group by metric_time (e.g. 'metric_time__day').`,
      );
    }
    if (i.offset_window) return { k: 'window', count: i.offset_window.count, grain: i.offset_window.granularity };
    return { k: 'toGrain', grain: i.offset_to_grain! };
  }

  /** dbt's cumulative params: `cumulative_type_params` (current) or the legacy top-level `window` / `grain_to_date`. */
  private cumulativeSpec(metric: Metric): CumulativeSpec {
    const p = metric.type_params;
    const c = p.cumulative_type_params;
    return {
      window: c?.window ?? p.window,
      grainToDate: c?.grain_to_date ?? p.grain_to_date,
      periodAgg: c?.period_agg ?? 'first',
    };
  }

  private leaf(
    metric: Metric,
    measureName: string,
    filters: Expr[],
    filterKeys: string[],
    ctx: BuildContext,
    mode: LeafMode,
  ): Extract<MetricExpr, { k: 'measure' }> {
    const model = this.graph.measureModels.get(measureName);
    const measure = model?.measures.get(measureName);
    if (!model || !measure) {
      throw new SemanticError('INVALID_DEFINITION', `Metric '${metric.name}' uses unknown measure '${measureName}'.`);
    }
    const aggTime = model.aggTimeDimension(measure);
    const spineJoin = this.spineJoin(metric, mode, ctx);
    const conversion = mode.conversion ? this.conversionPlan(metric, measure, mode.conversion, ctx) : undefined;
    const output = conversion?.conversionMeasure ?? measure;
    const fillFromSpine = mode.fillFromSpine ? this.graph.timeSpines.forGrain(this.metricTimeGrain(ctx) ?? 'day', `'join_to_timespine' on metric '${metric.name}'`) : undefined;
    // Query filters are shared by every leaf; the key only needs the definition filters and the leaf's shape.
    const key = [
      model.name,
      aggTime?.name ?? '',
      // A semi-additive measure, and a conversion, reads rows its own way: a leaf of its own.
      measure.non_additive_dimension || conversion ? `${metric.name}/${measure.name}` : '',
      spineJoin ? JSON.stringify([spineJoin.offsetsBefore, spineJoin.offsetsAfter, spineJoin.cumulative]) : '',
      // Through the spine, a distinct count is reduced on its own (see SpineLeafBuilder).
      spineJoin && measure.agg === 'count_distinct' ? measure.name : '',
      fillFromSpine ? 'fill' : '',
      ...[...filterKeys].sort(),
    ].join('|');
    const existing = ctx.leaves.get(key);
    if (existing) {
      if (!existing.measures.includes(output)) existing.measures.push(output);
      return { k: 'measure', leaf: existing, measure: output };
    }
    const groupBy = ctx.groupByNames.map((n) => this.resolver.resolve(n, measure, metric.name, 'INVALID_GROUP_BY'));
    const leaf: LeafPlan = {
      id: `leaf_${ctx.leaves.size}`,
      measures: [output],
      model,
      metricName: metric.name,
      filters,
      groupBy,
      filterRefs: this.resolveRefs(filters, measure, metric.name),
      timeRange: aggTime ? this.timeRange(ctx.query, groupBy, model, aggTime) : undefined,
      spineJoin,
      fillFromSpine,
      conversion,
    };
    ctx.leaves.set(key, leaf);
    return { k: 'measure', leaf, measure: output };
  }

  private resolveRefs(filters: Expr[], measure: Measure, metricName: string): Map<string, FilterRef> {
    const refs = new Map<string, FilterRef>();
    for (const f of filters) {
      for (const ref of collectReferences(f)) {
        const k = refKey(ref);
        if (!refs.has(k)) refs.set(k, this.resolveRef(ref, measure, metricName));
      }
    }
    return refs;
  }

  /** The finest standard grain metric_time is queried at, if any. */
  private metricTimeGrain(ctx: BuildContext): string | undefined {
    const grains = ctx.groupByNames.filter((n) => n.element === METRIC_TIME && n.entityPath.length === 0 && n.grain && isStandardGrain(n.grain));
    return grains.length === 0 ? undefined : grains.map((n) => n.grain!).reduce((a, b) => (grainRank(a) <= grainRank(b) ? a : b));
  }

  /**
   * Cumulative windows and offsets relate periods to rows through the time spine — when the query
   * has periods, i.e. groups by metric_time. Without it, a cumulative metric is its measure over the
   * whole (constrained) range, as in MetricFlow; a window or grain-to-date one then makes no sense.
   */
  private spineJoin(metric: Metric, mode: LeafMode, ctx: BuildContext): SpineJoin | undefined {
    if (!ctx.byMetricTime) {
      if (mode.cumulative && (mode.cumulative.window || mode.cumulative.grainToDate)) {
        throw new SemanticError(
          'INVALID_QUERY',
          `Cumulative metric '${metric.name}' accumulates over a ${mode.cumulative.window ? 'window' : 'grain to date'}, so the query must group by metric_time (e.g. 'metric_time__day').`,
        );
      }
      return undefined;
    }
    if (mode.offsets.length === 0 && !mode.cumulative) return undefined;
    const grain = this.metricTimeGrain(ctx);
    const what = mode.cumulative ? `Cumulative metric '${metric.name}'` : `Offsetting metric '${metric.name}' in time`;
    // MetricFlow's rule: offset aggregated periods when the query is no coarser than every offset;
    // otherwise offset the rows day by day and roll them up.
    const after =
      grain !== undefined &&
      mode.offsets.every((o) => grainRank(grain) <= grainRank(o.grain) && !(o.k === 'toGrain' && grain === 'week'));
    return {
      spine: this.graph.timeSpines.forGrain(after && !mode.cumulative ? grain : 'day', what),
      offsetsBefore: after ? [] : mode.offsets,
      offsetsAfter: after ? mode.offsets : [],
      cumulative: mode.cumulative,
    };
  }

  private conversionPlan(metric: Metric, baseMeasure: Measure, params: NonNullable<LeafMode['conversion']>, ctx: BuildContext): ConversionPlan {
    const conversionModel = this.graph.measureModels.get(params.conversion_measure.name);
    const conversionMeasure = conversionModel?.measures.get(params.conversion_measure.name);
    if (!conversionModel || !conversionMeasure) {
      throw new SemanticError('INVALID_DEFINITION', `Metric '${metric.name}' uses unknown conversion measure '${params.conversion_measure.name}'.`);
    }
    const baseModel = this.graph.measureModels.get(baseMeasure.name)!;
    for (const [model, role] of [[baseModel, 'base'], [conversionModel, 'conversion']] as const) {
      if (!model.entities.has(params.entity)) {
        throw new SemanticError('INVALID_DEFINITION', `Conversion metric '${metric.name}': the ${role} model '${model.name}' has no entity '${params.entity}'.`);
      }
    }
    const property = (name: string, measure: Measure): ResolvedLinkable =>
      this.resolver.resolve(this.parser.parse({ name }, 'INVALID_GROUP_BY'), measure, metric.name, 'INVALID_GROUP_BY');
    const conversionFilters = this.filtersOf(params.conversion_measure.filter, `metric '${metric.name}' conversion measure filter`);
    void ctx;
    return {
      baseMeasure,
      conversionModel,
      conversionMeasure,
      entity: params.entity,
      window: params.window,
      constantProperties: (params.constant_properties ?? []).map((c) => ({
        base: property(c.base_property, baseMeasure),
        conversion: property(c.conversion_property, conversionMeasure),
      })),
      conversionFilters,
      conversionFilterRefs: this.resolveRefs(conversionFilters, conversionMeasure, metric.name),
    };
  }

  private resolveRef(ref: FilterReference, measure: Measure, metricName: string): FilterRef {
    if (ref.type === 'metric') return this.metricRef(ref, measure, metricName);
    const input: GroupByInput =
      ref.type === 'entity' ? { name: ref.name } : { name: ref.name, grain: ref.grain, datePart: ref.datePart };
    const name: LinkableName = this.parser.parse(input, 'INVALID_FILTER');
    return this.resolver.resolve(name, measure, metricName, 'INVALID_FILTER');
  }

  /**
   * A metric in a filter: planned on its own, grouped by the given entities, and joined to the
   * filtered rows on them. As in MetricFlow, only entities can group it (a join key must be unique
   * on the metric's side), and it takes no time offsets or windows.
   */
  private metricRef(ref: Extract<FilterReference, { type: 'metric' }>, measure: Measure, metricName: string): FilterRef {
    const where = `{{ Metric('${ref.name}', group_by=[${ref.groupBy.map((g) => `'${g}'`).join(', ')}]) }} in a filter of '${metricName}'`;
    if (ref.groupBy.length === 0) {
      throw new SemanticError('INVALID_FILTER', `${where}: name the entity to group the metric by, e.g. group_by=['customer'].`);
    }
    const entities = ref.groupBy.map((g) => {
      const resolved = this.resolver.resolve(this.parser.parse({ name: g }, 'INVALID_FILTER'), measure, metricName, 'INVALID_FILTER');
      if (resolved.kind !== 'entity') {
        throw new SemanticError('INVALID_FILTER', `${where}: '${g}' is not an entity; a metric in a filter is grouped by entities only.`);
      }
      return resolved;
    });
    const stack = this.metricRefStack;
    if (stack.includes(ref.name)) {
      throw new SemanticError('INVALID_DEFINITION', `${where}: metric filters refer to each other in a cycle (${[...stack, ref.name].join(' -> ')}).`);
    }
    stack.push(ref.name);
    try {
      const plan = this.plan({ metrics: [{ name: ref.name }], groupBy: ref.groupBy.map((name) => ({ name })), where: [], orderBy: [] });
      for (const leaf of plan.leaves) leaf.id = `${ref.name}_${leaf.id}`;
      return { kind: 'metric', outputName: `${ref.groupBy.join('__')}__${ref.name}`, entities, plan };
    } catch (e) {
      if (e instanceof SemanticError && e.code !== 'INVALID_DEFINITION') throw new SemanticError(e.code === 'UNKNOWN_METRIC' ? 'INVALID_FILTER' : e.code, `${where}: ${e.message}`);
      throw e;
    } finally {
      stack.pop();
    }
  }

  /** startTime/endTime constrain metric_time, widened to whole periods of the queried grain (as MetricFlow does). */
  private timeRange(query: MetricQuery, groupBy: ResolvedLinkable[], model: ModelNode, dimension: Dimension): LeafPlan['timeRange'] {
    if (!query.startTime && !query.endTime) return undefined;
    const metricTime = groupBy.find((g) => g.kind === 'time' && g.isMetricTime && !g.datePart);
    // A custom granularity's periods are rows of the spine: the range aligns to whole days there.
    const grain = metricTime?.kind === 'time' && !metricTime.customGrain ? metricTime.grain : metricTime ? 'day' : dimensionGrain(dimension);
    return {
      dimension,
      rawType: this.graph.rawTimeType(model, dimension),
      start: query.startTime ? truncateToGrain(query.startTime, grain) : undefined,
      end: query.endTime ? addGrain(truncateToGrain(query.endTime, grain), grain, 1) : undefined,
    };
  }
}

interface BuildContext {
  query: MetricQuery;
  groupByNames: LinkableName[];
  leaves: Map<string, LeafPlan>;
  /** Whether the query groups by metric_time (at any grain or date part). */
  byMetricTime: boolean;
}

/** How a metric reads a measure. */
interface LeafMode {
  offsets: TimeOffset[];
  cumulative?: CumulativeSpec;
  fillFromSpine?: boolean;
  conversion?: NonNullable<Metric['type_params']['conversion_type_params']>;
}
