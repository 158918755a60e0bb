import { didYouMean } from '../../semantic/errors';
import type { FeatureScalar, FeatureValue, OnlineRow } from '../online-store/online-store';
import type { FeatureDtype, FeatureView } from '../spec/feature-manifest';
import type { FeatureRegistry } from './feature-registry';
import { isObject } from './online-features-request';
import { ServingRequestError, type RequestProblem } from './serving-errors';

export interface PushRequest {
  view: FeatureView;
  rows: OnlineRow[];
}

const FIELDS = ['push_source_name', 'df', 'to', 'allow_registry_cache', 'transform_on_write'];

/**
 * Parses Feast's `/push` body: `{"push_source_name": "<feature view>", "df": {"<join key>": […],
 * "<feature>": […], "<timestamp column>": […]}, "to": "online"}`. Columns are converted by each
 * feature's dtype (Bytes from base64, UnixTimestamp from epoch seconds or RFC 3339, Int64 from
 * digit strings); the store then checks every value again before writing anything.
 */
export function parsePushRequest(body: unknown, registry: FeatureRegistry, maxRows: number): PushRequest {
  const problems: RequestProblem[] = [];
  if (!isObject(body)) throw new ServingRequestError([{ path: '', message: 'The body must be a JSON object.', fix: 'Send {"push_source_name": "<view>", "df": {…}, "to": "online"}.' }]);
  for (const key of Object.keys(body)) {
    if (!FIELDS.includes(key)) {
      const guess = didYouMean(key, FIELDS);
      problems.push({ path: key, message: `Unknown field '${key}'.${guess.length > 0 ? ` Did you mean '${guess[0]}'?` : ''}` });
    }
  }
  const to = body.to ?? 'online';
  if (to !== 'online') {
    problems.push({ path: 'to', message: `'${String(to)}' is not supported: Stratum pushes to the online store only (the warehouse is written by dbt).`, fix: 'Use "to": "online".' });
  }
  const name = body.push_source_name;
  const view = typeof name === 'string' ? registry.requireView(name, 'push_source_name', problems) : undefined;
  if (typeof name !== 'string') problems.push({ path: 'push_source_name', message: 'must name a feature view.' });
  const df = body.df;
  if (!isObject(df)) problems.push({ path: 'df', message: 'must be an object of column name → array of values.' });
  if (view === undefined || !isObject(df) || problems.length > 0) throw new ServingRequestError(problems);

  const joinKey = view.joinKeys[0]!;
  const columns = new Map<string, unknown[]>();
  let length: number | undefined;
  for (const [column, values] of Object.entries(df)) {
    const path = `df.${column}`;
    const known = column === joinKey || column === view.timestampField || view.features.some((f) => f.name === column);
    if (!known) {
      const names = [joinKey, view.timestampField, ...view.features.map((f) => f.name)];
      const guess = didYouMean(column, names);
      problems.push({ path, message: `'${column}' is not a column of '${view.name}'.${guess.length > 0 ? ` Did you mean '${guess[0]}'?` : ''}`, fix: `Columns: ${names.join(', ')}.` });
    } else if (!Array.isArray(values) || values.length === 0) {
      problems.push({ path, message: 'must be a non-empty array.' });
    } else if (values.length > maxRows) {
      problems.push({ path, message: `has ${values.length} rows; at most ${maxRows} are accepted per push.`, fix: `Split the push into batches of ${maxRows} or fewer.` });
    } else if (length !== undefined && values.length !== length) {
      problems.push({ path, message: `has ${values.length} values but the other columns have ${length}.` });
    } else {
      length = values.length;
      columns.set(column, values);
    }
  }
  for (const required of [joinKey, view.timestampField]) {
    if (!(required in df)) problems.push({ path: `df.${required}`, message: `is required (${required === joinKey ? 'the join key' : 'the event timestamp column'}).` });
  }
  if (problems.length > 0) throw new ServingRequestError(problems);

  const rows: OnlineRow[] = [];
  const keys = columns.get(joinKey)!;
  const times = columns.get(view.timestampField)!;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i];
    if ((typeof key !== 'string' || key === '') && !(typeof key === 'number' && Number.isSafeInteger(key))) {
      problems.push({ path: `df.${joinKey}[${i}]`, message: `${JSON.stringify(key)} is not an entity key.`, fix: 'Send non-empty strings or integers.' });
      continue;
    }
    const eventTimestamp = toDate(times[i]);
    if (eventTimestamp === undefined) {
      problems.push({ path: `df.${view.timestampField}[${i}]`, message: `${JSON.stringify(times[i])} is not a timestamp.`, fix: 'Send RFC 3339 strings (2024-05-01T12:00:00Z) or epoch seconds.' });
      continue;
    }
    const values: Record<string, FeatureValue> = {};
    for (const f of view.features) {
      const column = columns.get(f.name);
      if (column !== undefined) values[f.name] = fromJson(f.dtype, column[i]);
    }
    rows.push({ entityKey: String(key), values, eventTimestamp });
    if (problems.length > 5) break;
  }
  if (problems.length > 0) throw new ServingRequestError(problems);
  return { view, rows };
}

/** JSON → the store's value for a dtype; anything that does not convert is passed on for the codec to refuse with its message. */
function fromJson(dtype: FeatureDtype, value: unknown): FeatureValue {
  if (value === null || value === undefined) return null;
  const element = /^Array\((\w+)\)$/.exec(dtype)?.[1];
  if (element !== undefined) return Array.isArray(value) ? value.map((v) => scalarFromJson(element, v)) : (value as FeatureValue);
  return scalarFromJson(dtype, value);
}

function scalarFromJson(dtype: string, value: unknown): FeatureScalar {
  if (dtype === 'Bytes' && typeof value === 'string' && /^[A-Za-z0-9+/]*={0,2}$/.test(value)) return new Uint8Array(Buffer.from(value, 'base64'));
  if (dtype === 'UnixTimestamp' && typeof value === 'string') {
    const ms = Date.parse(value);
    if (Number.isFinite(ms)) return ms / 1000;
  }
  if ((dtype === 'Int64' || dtype === 'Int32') && typeof value === 'string' && /^-?\d+$/.test(value)) return Number(value);
  return value as FeatureScalar;
}

function toDate(value: unknown): Date | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return new Date(value * 1000);
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}([T ][\d:.]+)?(Z|[+-]\d{2}:?\d{2})?$/.test(value)) {
    const ms = Date.parse(/[T ]/.test(value) && !/(Z|[+-]\d{2}:?\d{2})$/.test(value) ? `${value}Z` : value);
    if (Number.isFinite(ms)) return new Date(ms);
  }
  return undefined;
}
