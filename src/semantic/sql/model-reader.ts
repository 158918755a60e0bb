import type { JoinStep, ResolvedLinkable } from '../model/join-resolver';
import type { ModelNode, SemanticGraph } from '../model/semantic-graph';
import type { FilterRef, LogicalPlan, MetricFilterRef, TimeRange } from '../plan/logical-plan';
import type { Dimension, Measure } from '../spec/manifest';
import { FilterCompiler, type TimeBound } from './filter-compiler';
import { and, col, type FromItem, type JoinNode, type SelectNode, type SqlExpr } from './sql-node';

/** A dimension's column as stored; a civil time (BigQuery DATETIME) read as a TIMESTAMP in UTC. */
function storedTimeExpr(graph: SemanticGraph, model: ModelNode, dim: Dimension): SqlExpr {
  const column: SqlExpr = { k: 'definition', sql: dim.expr ?? dim.name };
  return dim.type === 'time' && graph.isCivilTime(model, dim) ? { k: 'cast', arg: column, type: 'TIMESTAMP' } : column;
}

/** One model read once: the fact (`m`) or a joined model (`j1`, `j2`, …), with the columns it must project. */
class ModelInstance {
  readonly projections = new Map<string, { alias: string; expr: SqlExpr }>();
  private readonly used = new Set<string>();
  readonly pushdown: SqlExpr[] = [];

  constructor(
    readonly model: ModelNode,
    readonly alias: string,
    private readonly graph: SemanticGraph,
  ) {}

  /** The alias under which this instance projects `sql` (named after `preferred`, unique within the instance). */
  project(key: string, preferred: string, sql: string | SqlExpr): string {
    const existing = this.projections.get(key);
    if (existing) return existing.alias;
    let alias = preferred;
    for (let i = 2; this.used.has(alias); i++) alias = `${preferred}_${i}`;
    this.used.add(alias);
    this.projections.set(key, { alias, expr: typeof sql === 'string' ? { k: 'definition', sql } : sql });
    return alias;
  }

  entity(name: string): SqlExpr {
    return col(this.alias, this.project(`entity:${name}`, name, this.model.entityExpr(name)));
  }

  dimension(name: string): SqlExpr {
    const dim = this.model.dimensions.get(name)!;
    return col(this.alias, this.project(`dimension:${name}`, name, storedTimeExpr(this.graph, this.model, dim)));
  }

  toFrom(): FromItem {
    return {
      k: 'subquery',
      query: {
        columns: [...this.projections.values()].map((p) => ({ expr: p.expr, alias: p.alias })),
        from: { k: 'table', relation: this.model.def.node_relation, alias: this.model.def.node_relation.alias },
        where: and(this.pushdown),
      },
      alias: this.alias,
    };
  }
}

/**
 * Reads one semantic model's rows with the models its references live in: the model as a
 * subquery projecting only what is needed (definition `expr`s stay unqualified and unambiguous),
 * LEFT JOINed many-to-one along resolved paths. Joins only ever go to models where the entity is
 * unique (or, for a versioned model, unique at the fact's time), so they cannot fan out.
 */
export class ModelReader {
  private readonly base: ModelInstance;
  private readonly joins = new Map<string, { instance: ModelInstance; on: SqlExpr }>();
  /** Time spine rows joined on a time column's day, for custom granularities. */
  private readonly spineJoins = new Map<string, JoinNode>();
  /** Metrics aggregated by entity, joined for metric filters. */
  private readonly metricJoins = new Map<string, JoinNode>();

  constructor(
    private readonly graph: SemanticGraph,
    model: ModelNode,
    /**
     * The measure whose agg time decides which version of a versioned (SCD2) model applies; without
     * one (a query without metrics), the current version does.
     */
    private readonly factMeasure: Measure | undefined,
    /** Builds the query of a metric used in a filter (the query builder, passed in to keep the layers acyclic). */
    private readonly buildNested: (plan: LogicalPlan) => SelectNode,
    /**
     * LEFT for measures (every fact row counts once); FULL for a query without metrics, which lists
     * the values of every joined model, matched or not (MetricFlow's dimension-only join).
     */
    private readonly joinType: 'LEFT' | 'FULL' = 'LEFT',
  ) {
    this.base = new ModelInstance(model, 'm', graph);
  }

  get alias(): string {
    return this.base.alias;
  }

  get model(): ModelNode {
    return this.base.model;
  }

  /** The measure's own column (its `expr`). */
  measure(measure: Measure): SqlExpr {
    return col(this.base.alias, this.base.project(`measure:${measure.name}`, measure.name, measure.expr ?? measure.name));
  }

  /** An entity of the read model itself. */
  entity(name: string): SqlExpr {
    return this.base.entity(name);
  }

  /** A dimension of the read model itself, as stored. */
  dimension(dim: Dimension): SqlExpr {
    return this.base.dimension(dim.name);
  }

  /** The column a resolved group-by or filter reference reads, at its grain, adding the joins on its path. */
  linkable(r: ResolvedLinkable): SqlExpr {
    const instance = this.instanceFor(r.path);
    switch (r.kind) {
      case 'entity':
        return instance.entity(r.entity);
      case 'categorical':
        return instance.dimension(r.dimension.name);
      case 'time': {
        const raw = instance.dimension(r.dimension.name);
        if (r.customGrain) return col(this.spineFor(r, raw), r.customGrain.column);
        if (r.datePart) return { k: 'extract', part: r.datePart, arg: raw };
        // A DATE is already at day grain; everything else is truncated (and typed by its grain).
        if (r.rawType === 'DATE' && r.grain === 'day') return raw;
        return { k: 'dateTrunc', grain: r.grain, arg: raw, from: r.rawType, to: r.valueType };
      }
    }
  }

  /** The FROM item and joins that read everything asked for so far. Call after every linkable(). */
  from(): { from: FromItem; joins: JoinNode[] } {
    return {
      from: this.base.toFrom(),
      joins: [
        ...[...this.joins.values()].map(({ instance, on }): JoinNode => ({ type: this.joinType, item: instance.toFrom(), on })),
        ...this.spineJoins.values(),
        ...this.metricJoins.values(),
      ],
    };
  }

  /**
   * A metric filter's value: the metric's query (grouped by entities), LEFT JOINed on those
   * entities as the filtered rows reach them; rows without a match read NULL.
   */
  /** What a filter reference reads: a column, or a metric joined by entity. */
  filterRef(r: FilterRef): SqlExpr {
    return r.kind === 'metric' ? this.metric(r) : this.linkable(r);
  }

  private metric(ref: MetricFilterRef): SqlExpr {
    let join = this.metricJoins.get(ref.outputName);
    if (!join) {
      const alias = `f${this.metricJoins.size + 1}`;
      const on = ref.entities.map((e, i): SqlExpr => ({ k: 'binary', op: '=', left: col(alias, ref.plan.groupBy[i]!.outputName), right: this.linkable(e) }));
      join = { type: 'LEFT', item: { k: 'subquery', query: this.buildNested(ref.plan), alias }, on: on.length === 1 ? on[0] : { k: 'and', args: on } };
      this.metricJoins.set(ref.outputName, join);
    }
    return col(join.item.alias, ref.plan.metrics[0]!.outputName);
  }

  /** The alias of the time spine joined on the day of `raw` (one join per time column). */
  private spineFor(r: Extract<ResolvedLinkable, { kind: 'time' }>, raw: SqlExpr): string {
    const { spine } = r.customGrain!;
    const key = `${r.path.map((s) => `${s.entity}>${s.to.name}`).join('/')}:${r.dimension.name}:${spine.relation.alias}`;
    let join = this.spineJoins.get(key);
    if (!join) {
      const alias = `s${this.spineJoins.size + 1}`;
      const day: SqlExpr = r.rawType === 'DATE' ? raw : { k: 'dateTrunc', grain: spine.grain, arg: raw, from: r.rawType, to: 'DATE' };
      join = { type: 'LEFT', item: { k: 'table', relation: spine.relation, alias }, on: { k: 'binary', op: '=', left: col(alias, spine.column), right: day } };
      this.spineJoins.set(key, join);
    }
    return join.item.alias;
  }

  /**
   * Time bounds implied by the filters, and startTime/endTime, go into the subquery of the model
   * whose column they bound, on the column as stored: that is what BigQuery prunes partitions on.
   * Filter bounds are implied by top-level conditions that stay in the outer WHERE, so narrowing a
   * joined model's rows early cannot change the result.
   */
  pushDownTimeBounds(fromFilters: TimeBound[], range?: Pick<TimeRange, 'dimension' | 'rawType' | 'start' | 'end'>): void {
    const bounds = [...fromFilters];
    if (range) {
      const linkable = { path: [], dimension: range.dimension, rawType: range.rawType };
      if (range.start) bounds.push({ linkable, op: '>=', value: range.start });
      if (range.end) bounds.push({ linkable, op: '<', value: range.end });
    }
    for (const b of tightest(bounds)) {
      const { path, dimension, rawType } = b.linkable;
      const instance = this.instanceFor(path);
      instance.pushdown.push(FilterCompiler.boundPredicate(storedTimeExpr(this.graph, instance.model, dimension), rawType, b.op, b.value));
    }
  }

  /** The instance holding a resolved reference's column, adding the joins on its path. */
  private instanceFor(path: JoinStep[]): ModelInstance {
    let current = this.base;
    let key = '';
    for (const step of path) {
      key += `>${step.entity}:${step.to.name}`;
      let join = this.joins.get(key);
      if (!join) {
        const instance = new ModelInstance(step.to, `j${this.joins.size + 1}`, this.graph);
        const on: SqlExpr = { k: 'binary', op: '=', left: current.entity(step.entity), right: instance.entity(step.entity) };
        const window = step.to.validity ? this.validAtFactTime(instance, step.to.validity) : [];
        join = { instance, on: window.length > 0 ? { k: 'and', args: [on, ...window] } : on };
        this.joins.set(key, join);
      }
      current = join.instance;
    }
    return current;
  }

  /**
   * A versioned (SCD type 2) model joins the version valid when the fact happened: its window
   * [from, to) holds the fact's agg time (metric_time at its own grain); an open window has no end.
   */
  private validAtFactTime(instance: ModelInstance, validity: NonNullable<ModelNode['validity']>): SqlExpr[] {
    if (!this.factMeasure) {
      // No fact time: the current version, selected inside the model's subquery (a FULL JOIN's ON
      // must be plain equality in BigQuery).
      instance.pushdown.push({ k: 'isNull', arg: { k: 'definition', sql: validity.to.expr ?? validity.to.name }, negated: false });
      return [];
    }
    const to = instance.dimension(validity.to.name);
    const aggTime = this.base.model.aggTimeDimension(this.factMeasure)!;
    const factType = this.graph.rawTimeType(this.base.model, aggTime);
    const fromType = this.graph.rawTimeType(instance.model, validity.from);
    const factTime = this.base.dimension(aggTime.name);
    // Compare in the window's type (a DATE fact against TIMESTAMP windows: as of midnight).
    const at: SqlExpr = factType === fromType ? factTime : { k: 'cast', arg: factTime, type: fromType };
    // An open window ends at the end of time. COALESCE, not `OR to IS NULL`: with an OR, DuckDB
    // cannot hash-join on the entity and falls back to a nested loop (500× slower on the demo).
    const toType = this.graph.rawTimeType(instance.model, validity.to);
    const endOfTime: SqlExpr = { k: 'cast', arg: { k: 'param', value: toType === 'DATE' ? '9999-12-31' : '9999-12-31 23:59:59' }, type: toType };
    return [
      { k: 'binary', op: '>=', left: at, right: instance.dimension(validity.from.name) },
      { k: 'binary', op: '<', left: at, right: { k: 'func', name: 'coalesce', args: [to, endOfTime] } },
    ];
  }
}

/** Per column, only the highest lower bound and the lowest upper bound matter. */
function tightest(bounds: TimeBound[]): TimeBound[] {
  const best = new Map<string, TimeBound>();
  for (const b of bounds) {
    const key = `${b.linkable.path.map((s) => `${s.entity}>${s.to.name}`).join('/')}:${b.linkable.dimension.name}:${b.op}`;
    const current = best.get(key);
    const tighter = !current || (b.op === '>=' ? b.value > current.value : b.value < current.value);
    if (tighter) best.set(key, b);
  }
  return [...best.values()];
}
