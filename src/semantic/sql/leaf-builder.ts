import { SemanticError } from '../errors';
import type { Expr } from '../filter/filter-ast';
import { collectReferences } from '../filter/filter-walk';
import type { ResolvedLinkable } from '../model/join-resolver';
import { grainRank, type SemanticGraph } from '../model/semantic-graph';
import type { LeafPlan, SpineJoin, TimeSpineRef } from '../plan/logical-plan';
import { refKey } from '../plan/ref-key';
import { ConversionLeafBuilder } from './conversion-leaf-builder';
import { compileFilters } from './filter-compiler';
import { measureAggregate } from './measure-aggregate';
import { ModelReader } from './model-reader';
import { SpineLeafBuilder } from './spine-leaf-builder';
import type { SqlBuildContext } from './sql-build-context';
import { and, col, type SelectNode, type SqlExpr } from './sql-node';
import { anchorExpr, anchoredRange, customColumns, isMetricTime, periodAs, periodColumn, periodRange, spinePeriods } from './time-spine-sql';

/**
 * Builds one leaf: its measures aggregated at the query's grain, as one SELECT with the group-by
 * columns (named by their output names) and one column per measure. The plain leaf reads its
 * model (with joins), filters and aggregates. Leaves that go through the time spine (cumulative
 * windows, offsets, join_to_timespine) and conversion leaves add their steps around that.
 */
export class LeafBuilder {
  private readonly graph: SemanticGraph;

  constructor(
    private readonly leaf: LeafPlan,
    private readonly ctx: SqlBuildContext,
  ) {
    this.graph = ctx.graph;
  }

  private reader(): ModelReader {
    return new ModelReader(this.graph, this.leaf.model, this.leaf.measures[0]!, this.ctx.nested);
  }

  build(): SelectNode {
    const { leaf } = this;
    let node = leaf.conversion
      ? new ConversionLeafBuilder(leaf, leaf.conversion, this.ctx).build()
      : leaf.spineJoin && (leaf.spineJoin.cumulative || leaf.spineJoin.offsetsBefore.length > 0)
        ? new SpineLeafBuilder(leaf, leaf.spineJoin, this.ctx).build()
        : this.aggregated();
    if (leaf.spineJoin && leaf.spineJoin.offsetsAfter.length > 0) node = this.offsetAfter(node, leaf.spineJoin);
    if (leaf.fillFromSpine) node = this.filledFromSpine(node, leaf.fillFromSpine);
    return node;
  }

  /**
   * The plain leaf: read, filter, aggregate (semi-additive measures: only the rows at their
   * window's end). Under offsets applied after aggregation, metric_time filters and the time range
   * apply to the offset periods instead (see offsetAfter), and the rows are read for the periods
   * those lead to.
   */
  private aggregated(): SelectNode {
    const { leaf } = this;
    const offsets = leaf.spineJoin?.offsetsAfter ?? [];
    const filters = offsets.length > 0 ? this.splitTimeFilters().rest : leaf.filters;
    const reader = this.reader();
    const measureArgs = leaf.measures.map((m) => reader.measure(m));
    const groupExprs = leaf.groupBy.map((g) => reader.linkable(g));
    const { where, bounds } = compileFilters(filters, leaf.filterRefs, (r) => reader.filterRef(r));
    if (offsets.length === 0) reader.pushDownTimeBounds(bounds, leaf.timeRange);
    else {
      const rows = anchoredRange(periodRange([], leaf.timeRange), offsets, this.offsetKey().grain);
      reader.pushDownTimeBounds(bounds, leaf.timeRange && { ...leaf.timeRange, ...rows });
    }
    const nonAdditive = leaf.measures[0]!.non_additive_dimension;
    if (!nonAdditive) {
      return {
        columns: [
          ...groupExprs.map((expr, i) => ({ expr, alias: leaf.groupBy[i]!.outputName })),
          ...leaf.measures.map((m, i) => ({ expr: measureAggregate(m, measureArgs[i]!, this.ctx.dialect), alias: m.name })),
        ],
        ...reader.from(),
        where: and(where),
        groupBy: groupExprs,
      };
    }
    // Semi-additive (MetricFlow's semi-additive join): per window grouping — and per queried period
    // of the non-additive dimension — only the rows at its last (or first) value count.
    const dim = leaf.model.dimensions.get(nonAdditive.name)!;
    const at = reader.dimension(dim);
    const partition = [
      ...nonAdditive.window_groupings.map((e) => reader.entity(e)),
      ...leaf.groupBy.flatMap((g, i) => (g.kind === 'time' && g.dimension === dim && g.path.length === 0 && !g.datePart ? [groupExprs[i]!] : [])),
    ];
    const rows: SelectNode = {
      columns: [
        ...groupExprs.map((expr, i) => ({ expr, alias: leaf.groupBy[i]!.outputName })),
        ...leaf.measures.map((m, i) => ({ expr: measureArgs[i]!, alias: m.name })),
        { expr: at, alias: 'non_additive_time' },
        {
          expr: { k: 'window', fn: nonAdditive.window_choice === 'min' ? 'MIN' : 'MAX', arg: at, partitionBy: partition },
          alias: 'non_additive_bound',
        },
      ],
      ...reader.from(),
      where: and(where),
    };
    const outputs = leaf.groupBy.map((g) => col('r', g.outputName));
    return {
      columns: [
        ...outputs.map((expr, i) => ({ expr, alias: leaf.groupBy[i]!.outputName })),
        ...leaf.measures.map((m) => ({ expr: measureAggregate(m, col('r', m.name), this.ctx.dialect), alias: m.name })),
      ],
      from: { k: 'subquery', query: rows, alias: 'r' },
      where: { k: 'binary', op: '=', left: col('r', 'non_additive_time'), right: col('r', 'non_additive_bound') },
      groupBy: outputs,
    };
  }

  /** The finest metric_time group-by: the periods offsets are applied to after aggregation. */
  private offsetKey(): Extract<ResolvedLinkable, { kind: 'time' }> {
    // The planner offsets after aggregation only when a standard grain of metric_time is queried.
    return this.leaf.groupBy
      .filter(isMetricTime)
      .filter((g) => !g.datePart && !g.customGrain)
      .reduce((a, b) => (grainRankOf(a.grain) <= grainRankOf(b.grain) ? a : b));
  }

  /** The leaf's filters that reference only metric_time, and the rest. */
  private splitTimeFilters(): { time: Expr[]; rest: Expr[] } {
    const { leaf } = this;
    const time: Expr[] = [];
    const rest: Expr[] = [];
    for (const f of leaf.filters) {
      const refs = collectReferences(f).map((ref) => leaf.filterRefs.get(refKey(ref))!);
      if (refs.length > 0 && refs.every(isMetricTime)) time.push(f);
      else if (refs.some(isMetricTime)) {
        throw new SemanticError('UNSUPPORTED', `A filter on metric '${leaf.metricName}' mixes metric_time with other references under a time offset: split it into separate filters.`);
      } else rest.push(f);
    }
    return { time, rest };
  }

  /** Each queried period shows the aggregate of the period its offsets lead to (MetricFlow's join to the time spine with an offset). */
  private offsetAfter(aggregated: SelectNode, join: SpineJoin): SelectNode {
    const { leaf } = this;
    const key = this.offsetKey();
    const period = periodColumn('ts');
    // metric_time filters and the time range select the offset periods, not the rows they show.
    const { where, bounds } = compileFilters(this.splitTimeFilters().time, leaf.filterRefs, (r) => periodAs(r as TimeLinkable, period, key.grain));
    const spine = spinePeriods(join.spine, periodRange(bounds, leaf.timeRange), key.grain);
    return {
      where: and(where),
      columns: [
        ...leaf.groupBy.map((g) => ({ expr: isMetricTime(g) ? periodAs(g, period, key.grain) : col('a', g.outputName), alias: g.outputName })),
        ...leaf.measures.map((m) => ({ expr: col('a', m.name), alias: m.name })),
      ],
      from: { k: 'subquery', query: spine, alias: 'ts' },
      joins: [{ type: 'INNER', item: { k: 'subquery', query: aggregated, alias: 'a' }, on: { k: 'binary', op: '=', left: col('a', key.outputName), right: anchorExpr(period, join.offsetsAfter) } }],
    };
  }

  /** `join_to_timespine`: every spine period (of the queried range) appears, NULL where the leaf has no row. */
  private filledFromSpine(aggregated: SelectNode, spine: TimeSpineRef): SelectNode {
    const { leaf } = this;
    const times = leaf.groupBy.filter(isMetricTime);
    if (times.length === 0) return aggregated;
    const day = periodColumn('s');
    // Filters on metric_time alone also bound the spine (as in MetricFlow); the rest stay on the rows.
    const timeOnly = leaf.filters.filter((f) => collectReferences(f).every((ref) => isMetricTime(leaf.filterRefs.get(refKey(ref))!)));
    const { where } = compileFilters(timeOnly, leaf.filterRefs, (r) => periodAs(r as TimeLinkable, day, spine.grain, 's'));
    const custom = customColumns([...times, ...leaf.filterRefs.values()].filter(isMetricTime));
    const periods: SelectNode = {
      distinct: true,
      columns: times.map((g) => ({ expr: periodAs(g, day, spine.grain, 's'), alias: g.outputName })),
      from: { k: 'subquery', query: spinePeriods(spine, periodRange([], leaf.timeRange), spine.grain, custom), alias: 's' },
      where: and(where),
    };
    const on = times.map((g): SqlExpr => ({ k: 'binary', op: '=', left: col('ts', g.outputName), right: col('a', g.outputName) }));
    return {
      columns: [
        ...leaf.groupBy.map((g) => ({ expr: col(isMetricTime(g) ? 'ts' : 'a', g.outputName), alias: g.outputName })),
        ...leaf.measures.map((m) => ({ expr: col('a', m.name), alias: m.name })),
      ],
      from: { k: 'subquery', query: periods, alias: 'ts' },
      joins: [{ type: 'LEFT', item: { k: 'subquery', query: aggregated, alias: 'a' }, on: and(on) }],
    };
  }
}

type TimeLinkable = Extract<ResolvedLinkable, { kind: 'time' }>;
const grainRankOf = grainRank;

