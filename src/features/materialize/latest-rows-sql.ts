import type { SqlDialect } from '../../semantic';
import { formatTimeParameter } from '../../semantic/plan/time-literal';
import type { FeatureView, QueryFeatureSource, TableFeatureSource } from '../spec/feature-manifest';
import { dialectSpelling, type DialectSpelling } from './dialect-spelling';
import { MaterializationError } from './materialization-error';

/** A feature view read from a warehouse table or query (not a metric). */
export type WarehouseFeatureView = FeatureView & { source: TableFeatureSource | QueryFeatureSource };

export interface LatestRowsWindow {
  /** Inclusive lower bound of event time; undefined reads from the beginning of time. */
  start?: Date;
  /** Exclusive upper bound of event time. */
  end: Date;
  /**
   * The stored type of the timestamp column, when known (a table's column type). A known type is
   * compared as stored, which keeps BigQuery's partition pruning; unknown (a query's column) is cast
   * to TIMESTAMP first, because BigQuery refuses to compare a DATE with a TIMESTAMP.
   */
  timestampType?: 'DATE' | 'TIMESTAMP';
}

export interface LatestRowsSql {
  sql: string;
  parameters: Record<string, string>;
  /** Result columns, in order: the join key, the features, the timestamp field. */
  columns: string[];
}

/** Named like the bounds they hold, so a logged statement reads on its own. */
export const WINDOW_START_PARAMETER = 'window_start';
export const WINDOW_END_PARAMETER = 'window_end';

/**
 * The latest row per entity among the source rows whose event time is in [start, end) — what
 * Feast's offline stores run for `materialize` (`pull_latest_from_table_or_query`):
 *
 *   SELECT key, features…, ts FROM (<source>) AS s
 *   WHERE ts >= :start AND ts < :end AND key IS NOT NULL
 *   QUALIFY ROW_NUMBER() OVER (PARTITION BY key ORDER BY ts DESC, features…) = 1
 *
 * Bounds are parameters and identifiers are quoted by the dialect; the source (a table name or
 * query text) comes from the validated definitions, never from a caller. Ties on the timestamp are
 * broken by the scalar feature values so that a re-run picks the same row (newest-wins writes then
 * change nothing). BigQuery requires a WHERE beside QUALIFY, which the end bound always provides.
 */
export function buildLatestRowsSql(view: WarehouseFeatureView, dialect: SqlDialect, window: LatestRowsWindow): LatestRowsSql {
  if (view.joinKeys.length !== 1) {
    throw new MaterializationError(
      'UNSUPPORTED_VIEW',
      `Feature view '${view.name}' has ${view.joinKeys.length} join keys (${view.joinKeys.join(', ')}); online rows are keyed by one join key, ` +
        'so materialize reads views of one entity only.',
    );
  }
  if (window.start !== undefined && !(window.start < window.end)) {
    throw new MaterializationError('INVALID_WINDOW', `The materialization window of '${view.name}' is empty: start ${window.start.toISOString()} is not before end ${window.end.toISOString()}.`);
  }
  const s = dialectSpelling(dialect);
  const key = s.quote(view.joinKeys[0]!);
  const features = view.features.map((f) => s.quote(f.name));
  const ts = s.quote(view.timestampField);
  const parameters: Record<string, string> = {};
  const bound = (name: string, value: Date): string => {
    const type = window.timestampType ?? 'TIMESTAMP';
    parameters[name] = formatTimeParameter(type === 'DATE' ? ceilToDay(value) : value, type);
    return `CAST(${s.placeholder(name)} AS ${s.castType(type)})`;
  };
  const compared = window.timestampType === undefined ? `CAST(${ts} AS ${s.castType('TIMESTAMP')})` : ts;
  const where = [
    ...(window.start === undefined ? [] : [`${compared} >= ${bound(WINDOW_START_PARAMETER, window.start)}`]),
    `${compared} < ${bound(WINDOW_END_PARAMETER, window.end)}`,
    `${key} IS NOT NULL`,
  ];
  // Arrays cannot be ordered by in BigQuery; scalars are enough to make the choice repeatable.
  const tieBreak = view.features.filter((f) => !f.dtype.startsWith('Array(')).map((f) => s.quote(f.name));
  const rowNumber = `ROW_NUMBER() OVER (PARTITION BY ${key} ORDER BY ${[`${ts} DESC`, ...tieBreak].join(', ')})`;
  const selected = [key, ...features, ts].join(', ');
  const from = `FROM ${sourceSql(view, s)} AS ${s.quote('s')}`;
  const sql = dialect.capabilities.supportsQualify
    ? [`SELECT ${selected}`, from, `WHERE ${where.join('\n  AND ')}`, `QUALIFY ${rowNumber} = 1`].join('\n')
    : [
        `SELECT ${selected}`,
        'FROM (',
        `  SELECT ${selected}, ${rowNumber} AS ${s.quote('row_number')}`,
        `  ${from}`,
        `  WHERE ${where.join('\n    AND ')}`,
        `) AS ${s.quote('latest')}`,
        `WHERE ${s.quote('row_number')} = 1`,
      ].join('\n');
  return { sql, parameters, columns: [view.joinKeys[0]!, ...view.features.map((f) => f.name), view.timestampField] };
}

function sourceSql(view: WarehouseFeatureView, s: DialectSpelling): string {
  if (view.source.kind === 'table') return view.source.table.split('.').map((part) => s.quote(part)).join('.');
  // A trailing semicolon is harmless on its own but breaks the query once it is a subquery.
  return `(\n${view.source.query.trim().replace(/;+\s*$/, '')}\n)`;
}

/**
 * A DATE column holds midnights: `d >= t` ⇔ `d >= the first midnight at or after t`, so comparing
 * with that date is exact and keeps the column as stored.
 */
function ceilToDay(date: Date): Date {
  const day = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
  return day.getTime() === date.getTime() ? day : new Date(day.getTime() + 86_400_000);
}
