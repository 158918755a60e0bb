import type { FeatureView } from '../spec/feature-manifest';
import type { OnlineFeaturesRequest } from './online-features-request';
import type { RowRead } from './feature-read-path';
import { isoSeconds, type RowJson } from '../online-store/row-text';
import { FeatureValueCodec } from '../online-store/embedded/feature-value-codec';
import { cellJson, hasRowJson, rowJson, toJson, type JsonFeatureValue } from './row-json';

/** Feast's field statuses (feast.serving.ServingService FieldStatus), as its feature server writes them. */
export type FieldStatus = 'PRESENT' | 'NOT_FOUND' | 'NULL_VALUE' | 'OUTSIDE_MAX_AGE';

export interface FeatureColumn {
  values: JsonFeatureValue[];
  statuses: FieldStatus[];
  event_timestamps: string[];
}

/** Feast's `/get-online-features` response: one column per entity key, then per feature. */
export interface OnlineFeaturesResponse {
  metadata: { feature_names: string[] };
  results: FeatureColumn[];
}

/** What Feast writes as the event time of entity columns and of missing values. */
export const EPOCH = '1970-01-01T00:00:00Z';

/**
 * Assembles the column-wise response. `reads` holds, per view name, one read per entity row (in
 * row order). TTL is applied here, at read: a value older than its view's TTL is reported as
 * OUTSIDE_MAX_AGE with a null value, never served as fresh.
 */
export function buildOnlineFeaturesResponse(request: OnlineFeaturesRequest, reads: Map<string, (RowRead | undefined)[]>, now: Date): OnlineFeaturesResponse {
  const names: string[] = [];
  const results: FeatureColumn[] = [];
  for (const column of request.entityColumns) {
    names.push(column.joinKey);
    results.push({ values: column.values, statuses: column.values.map(() => 'PRESENT'), event_timestamps: column.values.map(() => EPOCH) });
  }
  for (const { view, features } of request.selections) {
    const rows = reads.get(view.name) ?? [];
    const oldest = oldestFresh(view, now);
    // Per row once, not per value: formatting timestamps was half the CPU of a 100 × 50 read.
    const stamps: string[] = [];
    const expired: boolean[] = [];
    for (let i = 0; i < request.rowCount; i++) {
      const row = rows[i]?.row;
      stamps.push(row === undefined ? EPOCH : isoSeconds(row.eventTimestamp));
      expired.push(row !== undefined && row.eventTimestamp.getTime() < oldest);
    }
    for (const feature of features) {
      names.push(request.fullFeatureNames ? `${view.name}__${feature.name}` : feature.name);
      const column: FeatureColumn = { values: [], statuses: [], event_timestamps: stamps };
      for (let i = 0; i < request.rowCount; i++) {
        const row = rows[i]?.row;
        if (row === undefined) {
          column.values.push(null);
          column.statuses.push('NOT_FOUND');
        } else if (expired[i]) {
          column.values.push(null);
          column.statuses.push('OUTSIDE_MAX_AGE');
        } else {
          const value = row.values[feature.name] ?? null;
          column.values.push(toJson(value));
          column.statuses.push(value === null ? 'NULL_VALUE' : 'PRESENT');
        }
      }
      results.push(column);
    }
  }
  return { metadata: { feature_names: names }, results };
}

/** The oldest event time still within the view's TTL at `now` (older values are OUTSIDE_MAX_AGE). */
function oldestFresh(view: FeatureView, now: Date): number {
  return view.ttlSeconds > 0 ? now.getTime() - view.ttlSeconds * 1000 : Number.NEGATIVE_INFINITY;
}

/** Each status as JSON text. */
const STATUS_JSON: Record<FieldStatus, string> = { PRESENT: '"PRESENT"', NOT_FOUND: '"NOT_FOUND"', NULL_VALUE: '"NULL_VALUE"', OUTSIDE_MAX_AGE: '"OUTSIDE_MAX_AGE"' };
const EPOCH_JSON = JSON.stringify(EPOCH);
/** Up to this many entity rows, the body is joined from cells' JSON whatever the rows (measured crossover: between 3 and 10 rows of 50 features). */
const FEW_ROWS = 4;

/**
 * The same response as `JSON.stringify(buildOnlineFeaturesResponse(…))`, as text, for the REST
 * route, joined from each row's cells' JSON (row-json.ts): rows the near cache shares have it made
 * once per row object, not once per request, and rows from the shared cache arrive with it (cut
 * out of the cached text). At 100 × 50 near hits this serves 1.7× the requests. Rows read from the
 * store for this request alone gain nothing from it, and V8's JSON.stringify of the built object
 * is then the faster way (by ~7% at 10 rows and more), except for a few rows: there the built
 * object's 50 columns of 3 arrays cost more than printing each cell (1 × 50: 19 µs, not 25).
 *
 * The text comes in pieces, in order: the head, then each column and the commas between them,
 * then the tail. A column is about 50 bytes a row (5 KB at 100 rows, 50 KB at the default limit
 * of 1000), so a large body need never be one string: the REST route writes the pieces into one
 * Buffer (api/json-body.ts).
 */
export function writeOnlineFeaturesJsonParts(request: OnlineFeaturesRequest, reads: Map<string, (RowRead | undefined)[]>, now: Date): string[] {
  let joined = request.rowCount <= FEW_ROWS;
  for (const list of reads.values()) joined ||= list.some((read) => read?.shared === true || (read?.row !== undefined && hasRowJson(read.row)));
  if (!joined) {
    const response = buildOnlineFeaturesResponse(request, reads, now);
    return bodyParts(response.metadata.feature_names, response.results.map((column) => JSON.stringify(column)));
  }
  const n = request.rowCount;
  const names: string[] = [];
  const columns: string[] = [];
  for (const column of request.entityColumns) {
    names.push(column.joinKey);
    columns.push(`{"values":${JSON.stringify(column.values)},"statuses":[${new Array<string>(n).fill(STATUS_JSON.PRESENT).join(',')}],"event_timestamps":[${new Array<string>(n).fill(EPOCH_JSON).join(',')}]}`);
  }
  for (const { view, features } of request.selections) {
    const rows = reads.get(view.name) ?? [];
    const oldest = oldestFresh(view, now);
    const stamps = new Array<string>(n);
    /** Per row: its JSON when its values are served, else the quoted status every cell of it has. */
    const served = new Array<RowJson | undefined>(n);
    const absent = new Array<string>(n);
    for (let i = 0; i < n; i++) {
      const read = rows[i];
      const row = read?.row;
      if (row === undefined) {
        stamps[i] = EPOCH_JSON;
        absent[i] = STATUS_JSON.NOT_FOUND;
        continue;
      }
      const json = rowJson(row, read!.shared === true);
      stamps[i] = json.stamp;
      if (row.eventTimestamp.getTime() < oldest) absent[i] = STATUS_JSON.OUTSIDE_MAX_AGE;
      else served[i] = json;
    }
    const stampList = stamps.join(',');
    const codec = FeatureValueCodec.for(view);
    for (const feature of features) {
      names.push(request.fullFeatureNames ? `${view.name}__${feature.name}` : feature.name);
      const at = codec.positionOf(feature.name)!;
      const values = new Array<string>(n);
      const statuses = new Array<string>(n);
      for (let i = 0; i < n; i++) {
        const json = served[i];
        const cell = json === undefined ? null : cellJson(json, rows[i]!.row!, at, feature.name);
        values[i] = cell ?? 'null';
        statuses[i] = json === undefined ? absent[i]! : cell === null ? STATUS_JSON.NULL_VALUE : STATUS_JSON.PRESENT;
      }
      columns.push(`{"values":[${values.join(',')}],"statuses":[${statuses.join(',')}],"event_timestamps":[${stampList}]}`);
    }
  }
  return bodyParts(names, columns);
}

/** `{"metadata":{"feature_names":…},"results":[` + the columns' JSON, comma-separated + `]}`, as pieces. */
function bodyParts(names: string[], columns: string[]): string[] {
  const parts = [`{"metadata":{"feature_names":${JSON.stringify(names)}},"results":[`];
  columns.forEach((column, i) => {
    if (i > 0) parts.push(',');
    parts.push(column);
  });
  parts.push(']}');
  return parts;
}
