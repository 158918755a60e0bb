import { SemanticError, didYouMean } from '../errors';
import type { Expr, FilterReference } from '../filter/filter-ast';
import { parseExpression, parseWhereFilter } from '../filter/filter-parser';
import { collectReferences } from '../filter/filter-walk';
import type { JoinResolver, ResolvedLinkable } from '../model/join-resolver';
import { METRIC_TIME, linkableOutputName, parseLinkableName, type GroupByInput, type LinkableName } from '../model/linkable-name';
import { dimensionGrain, grainRank, isStandardGrain, type ModelNode, type SemanticGraph } from '../model/semantic-graph';
import { TIME_GRANULARITIES, type Dimension, type Measure, type Metric, type MetricInput, type WhereFilterIntersection } from '../spec/manifest';
import type { LeafPlan, LogicalPlan, MetricExpr } from './logical-plan';
import type { MetricQuery } from './metric-query';
import { addGrain, truncateToGrain } from './time-literal';

/** A stable key for a filter reference, so each is resolved once per leaf. */
export function refKey(ref: FilterReference): string {
  switch (ref.type) {
    case 'dimension':
    case 'timeDimension':
      return `${ref.type}:${ref.name}:${ref.grain ?? ''}:${ref.datePart ?? ''}`;
    case 'entity':
      return `entity:${ref.name}`;
    case 'metric':
      return `metric:${ref.name}:${ref.groupBy.join(',')}`;
  }
}

/** Turns a validated metric query into a logical plan: which measures, filtered how, joined to what. */
export class QueryPlanner {
  private readonly timeElements = new Set<string>([METRIC_TIME]);
  /** Definition filters and derived expressions are immutable: parse each once. */
  private readonly definitionExprs = new Map<string, Expr>();

  constructor(
    private readonly graph: SemanticGraph,
    private readonly resolver: JoinResolver,
  ) {
    for (const model of graph.models.values()) {
      for (const d of model.dimensions.values()) if (d.type === 'time') this.timeElements.add(d.name);
    }
  }

  isTimeElement = (name: string): boolean => this.timeElements.has(name);

  plan(query: MetricQuery): LogicalPlan {
    const queryFilters = query.where.map((w) => parseWhereFilter(w));
    const requested = query.metrics.map((m) => this.metric(m.name));
    const defaultGrain = this.defaultMetricTimeGrain(requested);
    const groupByNames = query.groupBy.map((g) => {
      const name = parseLinkableName(g, this.isTimeElement);
      // metric_time without a grain: one grain for every measure, so the leaves line up.
      return name.element === METRIC_TIME && !name.grain && !name.datePart ? { ...name, grain: defaultGrain } : name;
    });
    const leaves = new Map<string, LeafPlan>();
    const ctx: BuildContext = { query, groupByNames, leaves };

    const metrics = query.metrics.map((m, i) => {
      const metric = requested[i]!;
      return { outputName: m.alias ?? metric.name, metric, expr: this.metricExpr(metric, queryFilters, [], ctx, []) };
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
    const orderBy = query.orderBy.map((o) => ({ outputName: this.orderByName(o, groupByNames, groupBy, metrics), desc: o.descending }));
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

  private metricExpr(metric: Metric, inherited: Expr[], inheritedKeys: string[], ctx: BuildContext, stack: string[]): MetricExpr {
    if (stack.includes(metric.name)) {
      throw new SemanticError('INVALID_DEFINITION', `Metric '${metric.name}' depends on itself: ${[...stack, metric.name].join(' -> ')}.`);
    }
    const where = `metric '${metric.name}' filter`;
    const own = this.filtersOf(metric.filter, where);
    const filters = [...inherited, ...own];
    const keys = [...inheritedKeys, ...(metric.filter?.where_filters.map((f) => f.where_sql_template) ?? [])];
    const p = metric.type_params;
    const input = (i: MetricInput): MetricExpr => {
      if (i.offset_window || i.offset_to_grain) {
        throw new SemanticError('UNSUPPORTED', `Metric '${metric.name}': input offsets (offset_window/offset_to_grain) are not supported yet.`);
      }
      const inputFilters = this.filtersOf(i.filter, `metric '${metric.name}' input '${i.name}' filter`);
      const inputKeys = i.filter?.where_filters.map((f) => f.where_sql_template) ?? [];
      return this.metricExpr(this.metric(i.name), [...filters, ...inputFilters], [...keys, ...inputKeys], ctx, [...stack, metric.name]);
    };
    switch (metric.type) {
      case 'simple': {
        const measureInput = p.measure!;
        const measureFilters = this.filtersOf(measureInput.filter, `metric '${metric.name}' measure filter`);
        const measureKeys = measureInput.filter?.where_filters.map((f) => f.where_sql_template) ?? [];
        const expr = this.leaf(metric, measureInput.name, [...filters, ...measureFilters], [...keys, ...measureKeys], ctx);
        return measureInput.fill_nulls_with === undefined ? expr : { ...expr, fillNullsWith: measureInput.fill_nulls_with };
      }
      case 'ratio':
        return { k: 'ratio', num: input(p.numerator!), den: input(p.denominator!) };
      case 'derived': {
        const inputs = new Map<string, MetricExpr>();
        for (const i of p.metrics ?? []) inputs.set((i.alias ?? i.name).toLowerCase(), input(i));
        return { k: 'derived', expr: this.definitionExpr(p.expr!, true, `metric '${metric.name}' expr`), inputs };
      }
      default:
        throw new SemanticError(
          'UNSUPPORTED',
          `Metric '${metric.name}' is a ${metric.type} metric; ${metric.type} metrics are not supported yet.`,
        );
    }
  }

  private leaf(metric: Metric, measureName: string, filters: Expr[], filterKeys: string[], ctx: BuildContext): Extract<MetricExpr, { k: 'measure' }> {
    const model = this.graph.measureModels.get(measureName);
    const measure = model?.measures.get(measureName);
    if (!model || !measure) {
      throw new SemanticError('INVALID_DEFINITION', `Metric '${metric.name}' uses unknown measure '${measureName}'.`);
    }
    const aggTime = model.aggTimeDimension(measure);
    // Query filters are shared by every leaf; the key only needs the definition filters.
    const key = `${model.name}|${aggTime?.name ?? ''}|${[...filterKeys].sort().join('|')}`;
    const existing = ctx.leaves.get(key);
    if (existing) {
      if (!existing.measures.includes(measure)) existing.measures.push(measure);
      return { k: 'measure', leaf: existing, measure };
    }
    const groupBy = ctx.groupByNames.map((n) => this.resolver.resolve(n, measure, metric.name, 'INVALID_GROUP_BY'));
    const filterRefs = new Map<string, ResolvedLinkable>();
    for (const f of filters) {
      for (const ref of collectReferences(f)) {
        const k = refKey(ref);
        if (!filterRefs.has(k)) filterRefs.set(k, this.resolveRef(ref, measure, metric.name));
      }
    }
    const leaf: LeafPlan = {
      id: `leaf_${ctx.leaves.size}`,
      measures: [measure],
      model,
      metricName: metric.name,
      filters,
      groupBy,
      filterRefs,
      timeRange: aggTime ? this.timeRange(ctx.query, groupBy, model, aggTime) : undefined,
    };
    ctx.leaves.set(key, leaf);
    return { k: 'measure', leaf, measure };
  }

  private resolveRef(ref: FilterReference, measure: Measure, metricName: string): ResolvedLinkable {
    if (ref.type === 'metric') {
      throw new SemanticError('UNSUPPORTED', `Filtering on metrics ({{ Metric('${ref.name}', …) }}) is not supported yet.`);
    }
    const input: GroupByInput =
      ref.type === 'entity' ? { name: ref.name } : { name: ref.name, grain: ref.grain, datePart: ref.datePart };
    const name: LinkableName = parseLinkableName(input, this.isTimeElement, 'INVALID_FILTER');
    return this.resolver.resolve(name, measure, metricName, 'INVALID_FILTER');
  }

  /** startTime/endTime constrain metric_time, widened to whole periods of the queried grain (as MetricFlow does). */
  private timeRange(query: MetricQuery, groupBy: ResolvedLinkable[], model: ModelNode, dimension: Dimension): LeafPlan['timeRange'] {
    if (!query.startTime && !query.endTime) return undefined;
    const metricTime = groupBy.find((g) => g.kind === 'time' && g.isMetricTime && !g.datePart);
    const grain = metricTime?.kind === 'time' ? metricTime.grain : dimensionGrain(dimension);
    return {
      dimension,
      rawType: this.graph.rawTimeType(model, dimension),
      start: query.startTime ? truncateToGrain(query.startTime, grain) : undefined,
      end: query.endTime ? addGrain(truncateToGrain(query.endTime, grain), grain, 1) : undefined,
    };
  }

  private orderByName(
    o: MetricQuery['orderBy'][number],
    names: LinkableName[],
    groupBy: LogicalPlan['groupBy'],
    metrics: LogicalPlan['metrics'],
  ): string {
    const outputs = [...groupBy.map((g) => g.outputName), ...metrics.map((m) => m.outputName)];
    let wanted = o.name;
    if (o.groupBy) {
      const parsed = parseLinkableName(o.groupBy, this.isTimeElement, 'INVALID_ORDER_BY');
      const exact = linkableOutputName(parsed.entityPath, parsed.element, parsed.grain, parsed.datePart);
      if (outputs.includes(exact)) return exact;
      wanted = [...parsed.entityPath, parsed.element].join('__');
      if (parsed.grain || parsed.datePart) {
        throw new SemanticError('INVALID_ORDER_BY', `Cannot order by '${exact}': group by it too, or order by one of ${outputs.join(', ')}.`, didYouMean(exact, outputs));
      }
    }
    if (wanted && outputs.includes(wanted)) return wanted;
    // `metric_time` (or `customer__country`) ordering a group-by asked for with a grain.
    const index = names.findIndex((n) => [...n.entityPath, n.element].join('__') === wanted);
    if (index >= 0) return groupBy[index]!.outputName;
    throw new SemanticError(
      'INVALID_ORDER_BY',
      `Cannot order by '${wanted}': order by a metric or group-by of the query (${outputs.join(', ')}).`,
      didYouMean(wanted ?? '', outputs),
    );
  }
}

interface BuildContext {
  query: MetricQuery;
  groupByNames: LinkableName[];
  leaves: Map<string, LeafPlan>;
}
