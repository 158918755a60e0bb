import type { Expr } from '../filter/filter-ast';
import { collectReferences } from '../filter/filter-walk';
import { grainValueType, type SemanticGraph } from '../model/semantic-graph';
import type { FilterRef, LeafPlan, SpineJoin } from '../plan/logical-plan';
import { refKey } from '../plan/ref-key';
import type { Measure } from '../spec/manifest';
import { compileFilters } from './filter-compiler';
import { measureAggregate } from './measure-aggregate';
import { ModelReader } from './model-reader';
import type { SqlBuildContext } from './sql-build-context';
import { and, col, type SelectNode, type SqlExpr } from './sql-node';
import {
  anchorExpr,
  customColumns,
  isMetricTime,
  isMetricTimeBound,
  periodAs,
  periodColumn,
  periodRange,
  rowRange,
  spinePeriods,
} from './time-spine-sql';

/** Aggregations whose per-day partials combine into the whole (so rows can be pre-aggregated per day). */
const DECOMPOSABLE = new Set(['sum', 'sum_boolean', 'count', 'min', 'max', 'average', 'count_distinct']);

type Column = { expr: SqlExpr; alias: string };

/**
 * A leaf computed per time-spine day (MetricFlow's join over a time range): each spine day joins
 * the measure rows it covers — its cumulative window, or its offset day — and the rows are
 * aggregated by the spine's periods. A cumulative metric queried only at coarser grains is computed
 * per day, then each period takes its first, last or average daily value (`period_agg`).
 *
 * MetricFlow joins the raw rows. Where the answer cannot change, the rows are first reduced per day
 * (partial sums and counts, the distinct values of a day, or for an all-time or grain-to-date
 * distinct count each value's first day): the join then multiplies days by days, not days by rows.
 */
export class SpineLeafBuilder {
  private readonly graph: SemanticGraph;
  private readonly reader: ModelReader;
  private readonly rowColumns: Column[] = [];
  private readonly projected = new Map<string, string>();

  constructor(
    private readonly leaf: LeafPlan,
    private readonly join: SpineJoin,
    private readonly ctx: SqlBuildContext,
  ) {
    this.graph = ctx.graph;
    this.reader = new ModelReader(ctx.graph, leaf.model, leaf.measures[0]!, ctx.nested);
  }

  build(): SelectNode {
    const { leaf, join, reader } = this;
    const { spine, cumulative } = join;
    const spineAlias = 'ts';
    const period = periodColumn(spineAlias);
    const outputExpr = (g: FilterRef): SqlExpr => (isMetricTime(g) ? periodAs(g, period, spine.grain, spineAlias) : this.through(g));
    const groupExprs = leaf.groupBy.map(outputExpr);

    // Filters on metric_time select spine periods; the others select rows. A filter mixing both is
    // applied after the join, which needs the raw rows.
    const { timeFilters, rowFilters, mixed } = this.splitFilters();
    const reduced = !mixed && leaf.measures.every((m) => DECOMPOSABLE.has(m.agg)) && (leaf.measures.length === 1 || leaf.measures.every((m) => m.agg !== 'count_distinct'));
    const outer = compileFilters(reduced ? timeFilters : leaf.filters, leaf.filterRefs, outputExpr);
    const inner = reduced ? compileFilters(rowFilters, leaf.filterRefs, (r) => reader.filterRef(r)) : { where: [], bounds: [] };
    const bounds = [...outer.bounds, ...inner.bounds];
    reader.pushDownTimeBounds(bounds.filter((b) => !isMetricTimeBound(b)));
    const periods = periodRange(bounds.filter(isMetricTimeBound), leaf.timeRange);
    const aggTime = leaf.model.aggTimeDimension(leaf.measures[0]!)!;
    reader.pushDownTimeBounds([], { dimension: aggTime, rawType: this.graph.rawTimeType(leaf.model, aggTime), ...rowRange(periods, join) });
    const rows = reduced ? this.reducedRows(inner.where) : this.rawRows();

    const rowTime = col('r', 'row_period');
    const anchor = anchorExpr(period, join.offsetsBefore);
    const conditions: SqlExpr[] = [];
    if (!cumulative) conditions.push({ k: 'binary', op: '=', left: rowTime, right: anchor });
    else {
      conditions.push({ k: 'binary', op: '<=', left: rowTime, right: anchor });
      // Span changes are summed from the start of time; the window is in the spans already.
      if (cumulative.window && !(reduced && this.countsActivity())) {
        const start: SqlExpr = { k: 'dateAdd', arg: anchor, count: -cumulative.window.count, grain: cumulative.window.granularity, type: 'DATE' };
        conditions.push({ k: 'binary', op: '>', left: rowTime, right: start });
      } else if (cumulative.grainToDate) {
        const start: SqlExpr = { k: 'dateTrunc', grain: cumulative.grainToDate, arg: anchor, from: 'DATE', to: 'DATE' };
        conditions.push({ k: 'binary', op: '>=', left: rowTime, right: start });
      }
    }
    // An offset to a grain start, rolled up to a coarser period: the period's value is its first day's.
    const periodStarts = join.offsetsBefore.some((o) => o.k === 'toGrain')
      ? leaf.groupBy
          .filter(isMetricTime)
          .filter((g) => !g.datePart && !g.customGrain && g.grain !== spine.grain)
          .map((g): SqlExpr => ({ k: 'binary', op: '=', left: periodAs(g, period, spine.grain), right: period }))
      : [];
    const rollUp = cumulative !== undefined && !leaf.groupBy.some((g) => isMetricTime(g) && !g.datePart && !g.customGrain && g.grain === spine.grain);
    const custom = customColumns([...leaf.groupBy, ...leaf.filterRefs.values()].filter(isMetricTime));
    const aggregated: SelectNode = {
      columns: [
        ...groupExprs.map((expr, i) => ({ expr, alias: leaf.groupBy[i]!.outputName })),
        ...(rollUp ? [{ expr: period, alias: 'spine_period' }] : []),
        ...leaf.measures.map((m) => ({ expr: reduced ? this.combine(m) : measureAggregate(m, col('r', m.name), this.ctx.dialect), alias: m.name })),
      ],
      from: { k: 'subquery', query: spinePeriods(spine, periods, spine.grain, custom), alias: spineAlias },
      joins: [{ type: 'INNER', item: { k: 'subquery', query: rows, alias: 'r' }, on: and(conditions) }],
      where: and([...outer.where, ...periodStarts]),
      groupBy: rollUp ? [...groupExprs, period] : groupExprs,
      // Counted from span changes, a day no value is active on sums to 0: the window join has no row there.
      having: reduced && this.countsActivity() ? { k: 'binary', op: '>', left: this.combine(leaf.measures[0]!), right: { k: 'definition', sql: '0' } } : undefined,
    };
    return rollUp ? this.periodAgg(aggregated, cumulative!.periodAgg) : aggregated;
  }

  /** A row reference projected by the rows subquery (once per reference). */
  private through(r: FilterRef): SqlExpr {
    const key = r.kind === 'metric' ? `metric:${r.outputName}` : `${r.kind}:${r.outputName}:${r.path.map((p) => `${p.entity}>${p.to.name}`).join('/')}`;
    let alias = this.projected.get(key);
    if (!alias) {
      alias = `ref_${this.projected.size}`;
      this.projected.set(key, alias);
      this.rowColumns.push({ expr: this.reader.filterRef(r), alias });
    }
    return col('r', alias);
  }

  private splitFilters(): { timeFilters: Expr[]; rowFilters: Expr[]; mixed: boolean } {
    const { leaf } = this;
    const timeFilters: Expr[] = [];
    const rowFilters: Expr[] = [];
    let mixed = false;
    for (const f of leaf.filters) {
      const refs = collectReferences(f).map((ref) => leaf.filterRefs.get(refKey(ref))!);
      const time = refs.filter(isMetricTime).length;
      if (time === 0) rowFilters.push(f);
      else if (time === refs.length) timeFilters.push(f);
      else mixed = true;
    }
    return { timeFilters, rowFilters, mixed };
  }

  /** The agg time at the spine's grain, as each row's day. */
  private rowDay(): SqlExpr {
    const { leaf } = this;
    const aggTime = leaf.model.aggTimeDimension(leaf.measures[0]!)!;
    return this.reader.linkable({
      kind: 'time',
      outputName: 'row_period',
      path: [],
      model: leaf.model,
      dimension: aggTime,
      grain: this.join.spine.grain,
      valueType: grainValueType(this.join.spine.grain),
      rawType: this.graph.rawTimeType(leaf.model, aggTime),
      isMetricTime: true,
    });
  }

  /** Every row, with its day, measure values and the references the join's SELECT and WHERE read. */
  private rawRows(): SelectNode {
    const columns: Column[] = [
      { expr: this.rowDay(), alias: 'row_period' },
      ...this.leaf.measures.map((m) => ({ expr: this.reader.measure(m), alias: m.name })),
      ...this.rowColumns,
    ];
    return { columns, ...this.reader.from() };
  }

  /** Rows reduced per day and group-by values: partial aggregates, or the distinct values counted. */
  private reducedRows(where: SqlExpr[]): SelectNode {
    const { leaf, join } = this;
    const day = this.rowDay();
    const keys = this.rowColumns;
    const measure = leaf.measures[0]!;
    if (measure.agg === 'count_distinct') {
      const value = this.reader.measure(measure);
      const cumulative = join.cumulative;
      if (cumulative && !cumulative.window) {
        // All-time or grain-to-date: a value counts from its first day (in the grain's period).
        const periodKey: SqlExpr[] = cumulative.grainToDate ? [{ k: 'dateTrunc', grain: cumulative.grainToDate, arg: day, from: 'DATE', to: 'DATE' }] : [];
        const firsts: SelectNode = {
          columns: [{ expr: { k: 'aggregate', fn: 'MIN', arg: day }, alias: 'row_period' }, ...keys, { expr: value, alias: 'distinct_value' }],
          ...this.reader.from(),
          where: and(where),
          groupBy: [...keys.map((k) => k.expr), value, ...periodKey],
        };
        const f = (alias: string) => col('f', alias);
        return {
          columns: [
            { expr: f('row_period'), alias: 'row_period' },
            ...keys.map((k) => ({ expr: f(k.alias), alias: k.alias })),
            { expr: { k: 'aggregate', fn: 'COUNT', arg: f('distinct_value') }, alias: measure.name },
          ],
          from: { k: 'subquery', query: firsts, alias: 'f' },
          groupBy: [f('row_period'), ...keys.map((k) => f(k.alias))],
        };
      }
      if (this.countsActivity()) return this.activityChanges(day, value, where);
      // An offset alone: the distinct values of each day.
      return { distinct: true, columns: [{ expr: day, alias: 'row_period' }, ...keys, { expr: value, alias: measure.name }], ...this.reader.from(), where: and(where) };
    }
    const partials: Column[] = leaf.measures.flatMap((m): Column[] => {
      const arg = this.reader.measure(m);
      if (m.agg === 'average') {
        return [
          { expr: { k: 'aggregate', fn: 'SUM', arg }, alias: `${m.name}__sum` },
          { expr: { k: 'aggregate', fn: 'COUNT', arg }, alias: `${m.name}__count` },
        ];
      }
      return [{ expr: measureAggregate(m, arg, this.ctx.dialect), alias: m.name }];
    });
    return {
      columns: [{ expr: day, alias: 'row_period' }, ...keys, ...partials],
      ...this.reader.from(),
      where: and(where),
      groupBy: [day, ...keys.map((k) => k.expr)],
    };
  }

  /**
   * A distinct count over a window of fixed length (days, weeks): WAU, MAU. Joining every day to
   * every value seen in its window multiplies rows by the window's length; instead each value's
   * active days are merged into spans it stays counted over ([first day, last day + window)), and
   * the spans become +1 / −1 changes on their bounds. A spine day's count is the sum of the
   * changes up to it (the all-time join), and a day counting nobody has no row, as with the join.
   */
  private countsActivity(): boolean {
    const { cumulative } = this.join;
    const measure = this.leaf.measures[0]!;
    return measure.agg === 'count_distinct' && !!cumulative?.window && ['day', 'week'].includes(cumulative.window.granularity);
  }

  private activityChanges(day: SqlExpr, value: SqlExpr, where: SqlExpr[]): SelectNode {
    const window = this.join.cumulative!.window!;
    const measure = this.leaf.measures[0]!;
    const keys = this.rowColumns;
    const active: SelectNode = { distinct: true, columns: [{ expr: day, alias: 'active_day' }, ...keys, { expr: value, alias: 'active_value' }], ...this.reader.from(), where: and(where) };
    const a = (alias: string) => col('a', alias);
    const perValue = [a('active_value'), ...keys.map((k) => a(k.alias))];
    const previous: SqlExpr = { k: 'window', fn: 'MAX', arg: a('active_day'), partitionBy: perValue, orderBy: [{ expr: a('active_day'), desc: false }], frame: 'preceding' };
    // A day starts a new span unless the value was active within the window before it.
    const starts: SelectNode = {
      columns: [
        { expr: a('active_day'), alias: 'active_day' },
        ...keys.map((k) => ({ expr: a(k.alias), alias: k.alias })),
        { expr: a('active_value'), alias: 'active_value' },
        {
          expr: { k: 'case', whens: [{ when: { k: 'binary', op: '>=', left: previous, right: { k: 'dateAdd', arg: a('active_day'), count: -window.count, grain: window.granularity, type: 'DATE' } }, then: { k: 'definition', sql: '0' } }], else: { k: 'definition', sql: '1' } },
          alias: 'starts_span',
        },
      ],
      from: { k: 'subquery', query: active, alias: 'a' },
    };
    const s = (alias: string) => col('s', alias);
    const numbered: SelectNode = {
      columns: [
        ...['active_day', ...keys.map((k) => k.alias), 'active_value'].map((alias) => ({ expr: s(alias), alias })),
        {
          expr: { k: 'window', fn: 'SUM', arg: s('starts_span'), partitionBy: [s('active_value'), ...keys.map((k) => s(k.alias))], orderBy: [{ expr: s('active_day'), desc: false }], frame: 'running' },
          alias: 'span',
        },
      ],
      from: { k: 'subquery', query: starts, alias: 's' },
    };
    const n = (alias: string) => col('n', alias);
    const spans: SelectNode = {
      columns: [
        ...keys.map((k) => ({ expr: n(k.alias), alias: k.alias })),
        { expr: { k: 'aggregate', fn: 'MIN', arg: n('active_day') }, alias: 'span_start' },
        { expr: { k: 'dateAdd', arg: { k: 'aggregate', fn: 'MAX', arg: n('active_day') }, count: window.count, grain: window.granularity, type: 'DATE' }, alias: 'span_end' },
      ],
      from: { k: 'subquery', query: numbered, alias: 'n' },
      groupBy: [n('active_value'), ...keys.map((k) => n(k.alias)), n('span')],
    };
    const p = (alias: string) => col('p', alias);
    // The spans are read twice (their starts and their ends): a CTE, so they are computed once.
    const change = (bound: string, delta: number): SelectNode => ({
      columns: [{ expr: p(bound), alias: 'row_period' }, ...keys.map((k) => ({ expr: p(k.alias), alias: k.alias })), { expr: { k: 'definition', sql: String(delta) }, alias: 'change' }],
      from: { k: 'cteRef', name: 'activity_spans', alias: 'p' },
    });
    const changes: SelectNode = { ctes: [{ name: 'activity_spans', query: spans }], ...change('span_start', 1), unionAll: [change('span_end', -1)] };
    const c = (alias: string) => col('c', alias);
    return {
      columns: [{ expr: c('row_period'), alias: 'row_period' }, ...keys.map((k) => ({ expr: c(k.alias), alias: k.alias })), { expr: { k: 'aggregate', fn: 'SUM', arg: c('change') }, alias: measure.name }],
      from: { k: 'subquery', query: changes, alias: 'c' },
      groupBy: [c('row_period'), ...keys.map((k) => c(k.alias))],
    };
  }

  /** The aggregate over the reduced rows a spine period joins. */
  private combine(m: Measure): SqlExpr {
    const r = (alias: string) => col('r', alias);
    switch (m.agg) {
      case 'min':
        return { k: 'aggregate', fn: 'MIN', arg: r(m.name) };
      case 'max':
        return { k: 'aggregate', fn: 'MAX', arg: r(m.name) };
      case 'average':
        return { k: 'ratio', num: { k: 'aggregate', fn: 'SUM', arg: r(`${m.name}__sum`) }, den: { k: 'aggregate', fn: 'SUM', arg: r(`${m.name}__count`) } };
      case 'count_distinct':
        return (this.join.cumulative && !this.join.cumulative.window) || this.countsActivity()
          ? { k: 'aggregate', fn: 'SUM', arg: r(m.name) }
          : { k: 'aggregate', fn: 'COUNT', arg: r(m.name), distinct: true };
      default:
        // Sums of sums and of counts.
        return { k: 'aggregate', fn: 'SUM', arg: r(m.name) };
    }
  }

  /** Daily values rolled up to the queried periods: each period's first, last or average value. */
  private periodAgg(daily: SelectNode, how: 'first' | 'last' | 'average'): SelectNode {
    const { leaf } = this;
    const partitionBy = leaf.groupBy.map((g) => col('d', g.outputName));
    const day = col('d', 'spine_period');
    return {
      distinct: true,
      columns: [
        ...leaf.groupBy.map((g) => ({ expr: col('d', g.outputName), alias: g.outputName })),
        ...leaf.measures.map((m) => ({
          expr: (how === 'average'
            ? { k: 'window', fn: 'AVG', arg: col('d', m.name), partitionBy }
            : { k: 'window', fn: how === 'first' ? 'FIRST_VALUE' : 'LAST_VALUE', arg: col('d', m.name), partitionBy, orderBy: [{ expr: day, desc: false }], frame: 'all' }) as SqlExpr,
          alias: m.name,
        })),
      ],
      from: { k: 'subquery', query: daily, alias: 'd' },
    };
  }
}
