import { SemanticError } from '../errors';
import type { ResolvedLinkable } from '../model/join-resolver';
import type { FilterRef, LeafPlan, SpineJoin, TimeOffset, TimeSpineRef } from '../plan/logical-plan';
import type { TimeBound } from './filter-compiler';
import { addGrain, formatTimeParameter, truncateToGrain } from '../plan/time-literal';
import { and, col, type SelectNode, type SqlExpr } from './sql-node';

type TimeLinkable = Extract<ResolvedLinkable, { kind: 'time' }>;

/** A half-open range of spine periods (or of row days). */
export interface DayRange {
  start?: Date;
  end?: Date;
}

/** Whether a resolved group-by is metric_time itself (whose periods can come from the spine). */
export function isMetricTime(r: FilterRef): r is TimeLinkable {
  return r.kind === 'time' && r.isMetricTime && r.path.length === 0;
}

/**
 * A spine period value (a DATE at the spine's grain) at a group-by's grain or date part; a custom
 * granularity is the spine's own column, read from `spineAlias`.
 */
export function periodAs(g: TimeLinkable, period: SqlExpr, periodGrain: string, spineAlias?: string): SqlExpr {
  if (g.customGrain) {
    if (!spineAlias) throw new SemanticError('UNSUPPORTED', `'${g.outputName}': a custom granularity cannot be combined with a time offset yet.`);
    return col(spineAlias, g.customGrain.column);
  }
  if (g.datePart) return { k: 'extract', part: g.datePart, arg: period };
  if (g.grain === periodGrain) return period;
  return { k: 'dateTrunc', grain: g.grain, arg: period, from: 'DATE', to: 'DATE' };
}

/** `period` moved by each offset in turn: the period whose rows (or aggregate) it shows. */
export function anchorExpr(period: SqlExpr, offsets: TimeOffset[]): SqlExpr {
  return offsets.reduce<SqlExpr>(
    (at, o) => (o.k === 'window' ? { k: 'dateAdd', arg: at, count: -o.count, grain: o.grain, type: 'DATE' } : { k: 'dateTrunc', grain: o.grain, arg: at, from: 'DATE', to: 'DATE' }),
    period,
  );
}

/** The same as anchorExpr, on a JS date (for pruning bounds). Every step is monotonic. */
export function anchorDate(date: Date, offsets: TimeOffset[]): Date {
  return offsets.reduce((at, o) => (o.k === 'window' ? addGrain(at, o.grain, -o.count) : truncateToGrain(at, o.grain)), date);
}

const dateParam = (value: Date): SqlExpr => ({ k: 'cast', arg: { k: 'param', value: formatTimeParameter(value, 'DATE') }, type: 'DATE' });

/** `column` within a day range, as WHERE conditions. */
export function rangeConditions(column: SqlExpr, range: DayRange): SqlExpr[] {
  const out: SqlExpr[] = [];
  if (range.start) out.push({ k: 'binary', op: '>=', left: column, right: dateParam(range.start) });
  if (range.end) out.push({ k: 'binary', op: '<', left: column, right: dateParam(range.end) });
  return out;
}

/**
 * The spine's periods: `SELECT <column> AS period` (plus custom granularity columns), restricted
 * to a range on the stored column. At a coarser `grain`, one row per period (DISTINCT truncations).
 */
export function spinePeriods(spine: TimeSpineRef, range: DayRange, grain = spine.grain, customColumns: string[] = []): SelectNode {
  const day: SqlExpr = { k: 'definition', sql: spine.column };
  const period: SqlExpr = grain === spine.grain ? day : { k: 'dateTrunc', grain, arg: day, from: 'DATE', to: 'DATE' };
  return {
    distinct: grain !== spine.grain,
    columns: [{ expr: period, alias: 'period' }, ...[...new Set(customColumns)].map((c) => ({ expr: { k: 'definition', sql: c } as SqlExpr, alias: c }))],
    from: { k: 'table', relation: spine.relation, alias: spine.relation.alias },
    where: and(rangeConditions(day, range)),
  };
}

/** The spine columns the custom granularities among `refs` read. */
export function customColumns(refs: Iterable<FilterRef>): string[] {
  return [...refs].flatMap((r) => (r.kind === 'time' && r.customGrain ? [r.customGrain.column] : []));
}

export const periodColumn = (alias: string): SqlExpr => col(alias, 'period');

export function isMetricTimeBound(b: TimeBound): boolean {
  return 'isMetricTime' in b.linkable && (b.linkable as { isMetricTime: boolean }).isMetricTime && b.linkable.path.length === 0;
}

/** The spine periods a query covers: startTime/endTime and the metric_time bounds its filters imply. */
export function periodRange(bounds: TimeBound[], range: LeafPlan['timeRange']): DayRange {
  let start = range?.start;
  let end = range?.end;
  for (const b of bounds) {
    if (b.op === '>=' && (!start || b.value > start)) start = b.value;
    if (b.op === '<' && (!end || b.value < end)) end = b.value;
  }
  return { start, end };
}

/** The row days a range of spine days can reach through offsets and a cumulative window (for pruning only). */
export function rowRange(periods: DayRange, join: SpineJoin): DayRange {
  const { cumulative, offsetsBefore, spine } = join;
  const anchored = anchoredRange(periods, offsetsBefore, spine.grain);
  let start = anchored.start;
  if (start && cumulative) {
    if (cumulative.window) start = addGrain(start, cumulative.window.granularity, -cumulative.window.count);
    else if (cumulative.grainToDate) start = truncateToGrain(start, cumulative.grainToDate);
    else start = undefined;
  }
  return { start, end: anchored.end };
}

/** The periods (of `grain`) that a range of periods leads to through offsets; the end stays exclusive. */
export function anchoredRange(periods: DayRange, offsets: TimeOffset[], grain: string): DayRange {
  return {
    start: periods.start && anchorDate(periods.start, offsets),
    end: periods.end && addGrain(anchorDate(addGrain(periods.end, grain, -1), offsets), grain, 1),
  };
}

