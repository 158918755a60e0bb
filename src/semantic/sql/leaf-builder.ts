import type { JoinStep, ResolvedLinkable } from '../model/join-resolver';
import type { ModelNode, SemanticGraph } from '../model/semantic-graph';
import type { LeafPlan } from '../plan/logical-plan';
import { measureAggregate } from './measure-aggregate';
import { FilterCompiler, type TimeBound } from './filter-compiler';
import { and, col, type FromItem, type JoinNode, type SelectNode, type SqlExpr } from './sql-node';

const BASE_ALIAS = 'm';

/** One model read once in a leaf: the fact (`m`) or a joined model (`j1`, `j2`, …), with the columns it must project. */
class ModelInstance {
  readonly projections = new Map<string, { alias: string; sql: string }>();
  private readonly used = new Set<string>();
  readonly pushdown: SqlExpr[] = [];

  constructor(
    readonly model: ModelNode,
    readonly alias: string,
  ) {}

  /** The alias under which this instance projects `sql` (named after `preferred`, unique within the instance). */
  project(key: string, preferred: string, sql: string): string {
    const existing = this.projections.get(key);
    if (existing) return existing.alias;
    let alias = preferred;
    for (let i = 2; this.used.has(alias); i++) alias = `${preferred}_${i}`;
    this.used.add(alias);
    this.projections.set(key, { alias, sql });
    return alias;
  }

  entity(name: string): SqlExpr {
    return col(this.alias, this.project(`entity:${name}`, name, this.model.entityExpr(name)));
  }

  dimension(name: string): SqlExpr {
    const dim = this.model.dimensions.get(name)!;
    return col(this.alias, this.project(`dimension:${name}`, name, dim.expr ?? dim.name));
  }

  toFrom(): FromItem {
    const query: SelectNode = {
      columns: [...this.projections.values()].map((p) => ({ expr: { k: 'definition', sql: p.sql }, alias: p.alias })),
      from: { k: 'table', relation: this.model.def.node_relation, alias: this.model.def.node_relation.alias },
      where: and(this.pushdown),
    };
    return { k: 'subquery', query, alias: this.alias };
  }
}

/**
 * Builds one leaf: measures aggregated at the query's grain. Their model is read as a
 * subquery projecting only what is needed (definition `expr`s stay unqualified and unambiguous),
 * joined many-to-one to the models its group-bys and filters live in, filtered, then aggregated.
 * Joins only ever go to models where the entity is unique, so aggregating after them cannot fan out.
 */
export class LeafBuilder {
  private readonly base: ModelInstance;
  private readonly joins = new Map<string, { instance: ModelInstance; on: SqlExpr }>();

  constructor(
    private readonly leaf: LeafPlan,
    private readonly graph: SemanticGraph,
  ) {
    this.base = new ModelInstance(leaf.model, BASE_ALIAS);
  }

  build(): SelectNode {
    const { leaf } = this;
    const aggregates = leaf.measures.map((m) => ({
      expr: measureAggregate(m, col(BASE_ALIAS, this.base.project(`measure:${m.name}`, m.name, m.expr ?? m.name))),
      alias: m.name,
    }));
    const groupExprs = leaf.groupBy.map((g) => this.linkableExpr(g));
    const filters = new FilterCompiler((key) => this.linkableExpr(leaf.filterRefs.get(key)!), (key) => leaf.filterRefs.get(key)!);
    const where = leaf.filters.map((f) => filters.compile(f));
    this.pushDownTimeBounds(filters.timeBounds);

    return {
      columns: [
        ...groupExprs.map((expr, i) => ({ expr, alias: leaf.groupBy[i]!.outputName })),
        ...aggregates,
      ],
      from: this.base.toFrom(),
      joins: [...this.joins.values()].map(({ instance, on }): JoinNode => ({ type: 'LEFT', item: instance.toFrom(), on })),
      where: and(where),
      groupBy: groupExprs,
    };
  }

  /** The instance holding a resolved reference's column, adding the joins on its path. */
  private instanceFor(path: JoinStep[]): ModelInstance {
    let current = this.base;
    let key = '';
    for (const step of path) {
      key += `>${step.entity}:${step.to.name}`;
      let join = this.joins.get(key);
      if (!join) {
        const instance = new ModelInstance(step.to, `j${this.joins.size + 1}`);
        const on: SqlExpr = { k: 'binary', op: '=', left: current.entity(step.entity), right: instance.entity(step.entity) };
        join = { instance, on: step.to.validity ? { k: 'and', args: [on, ...this.validAtFactTime(instance, step.to.validity)] } : on };
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
    const aggTime = this.leaf.model.aggTimeDimension(this.leaf.measures[0]!)!;
    const factType = this.graph.rawTimeType(this.leaf.model, aggTime);
    const fromType = this.graph.rawTimeType(instance.model, validity.from);
    const factTime = this.base.dimension(aggTime.name);
    // Compare in the window's type (a DATE fact against TIMESTAMP windows: as of midnight).
    const at: SqlExpr = factType === fromType ? factTime : { k: 'cast', arg: factTime, type: fromType };
    const to = instance.dimension(validity.to.name);
    return [
      { k: 'binary', op: '>=', left: at, right: instance.dimension(validity.from.name) },
      { k: 'or', args: [{ k: 'binary', op: '<', left: at, right: to }, { k: 'isNull', arg: to, negated: false }] },
    ];
  }

  private linkableExpr(r: ResolvedLinkable): SqlExpr {
    const instance = this.instanceFor(r.path);
    switch (r.kind) {
      case 'entity':
        return instance.entity(r.entity);
      case 'categorical':
        return instance.dimension(r.dimension.name);
      case 'time': {
        const raw = instance.dimension(r.dimension.name);
        if (r.datePart) return { k: 'extract', part: r.datePart, arg: raw };
        // A DATE is already at day grain; everything else is truncated (and typed by its grain).
        if (r.rawType === 'DATE' && r.grain === 'day') return raw;
        return { k: 'dateTrunc', grain: r.grain, arg: raw, from: r.rawType, to: r.valueType };
      }
    }
  }

  /**
   * Time bounds implied by the filters, and startTime/endTime, go into the subquery of the model
   * whose column they bound, on the column as stored: that is what BigQuery prunes partitions on.
   * Filter bounds are implied by top-level conditions that stay in the outer WHERE, so narrowing a
   * joined model's rows early cannot change the result; startTime/endTime apply only here.
   */
  private pushDownTimeBounds(fromFilters: TimeBound[]): void {
    const bounds = [...fromFilters];
    const range = this.leaf.timeRange;
    if (range) {
      const linkable = { path: [], dimension: range.dimension, rawType: range.rawType };
      if (range.start) bounds.push({ linkable, op: '>=', value: range.start });
      if (range.end) bounds.push({ linkable, op: '<', value: range.end });
    }
    for (const b of tightest(bounds)) {
      const { path, dimension, rawType } = b.linkable;
      this.instanceFor(path).pushdown.push(FilterCompiler.boundPredicate(dimension, rawType, b.op, b.value));
    }
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
