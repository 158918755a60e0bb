import { FeatureValueError } from '../online-store/feature-value-error';
import type { FeatureScalar, FeatureValue, OnlineRow } from '../online-store/online-store';
import type { FeatureDtype, FeatureView, ScalarDtype } from '../spec/feature-manifest';
import type { WarehouseResult } from '../../warehouse/warehouse';
import { MaterializationError } from './materialization-error';

type Cell = WarehouseResult['rows'][number][number];

/** Where each part of an online row is in a warehouse result. */
export interface RowMapping {
  /** Column holding the join key's value. */
  entityColumn: string;
  /** Column holding each row's event time, or one event time for every row (metric views). */
  eventTime: { column: string } | { fixed: Date };
  /** Feature name → result column (features missing here are stored as null). */
  featureColumns: Record<string, string>;
}

/**
 * Converts warehouse rows (WarehouseResult's JSON-normalized values: DATE 'YYYY-MM-DD', TIMESTAMP ISO
 * strings, integers beyond 2^53 as strings) into online rows, value by value according to each
 * feature's dtype. A value that cannot become its dtype fails with FeatureValueError naming the view,
 * the feature and the entity, before anything is written. Rows without an entity key are skipped:
 * there is no key to serve them under (the latest-rows SQL already filters them; a metric grouped by
 * an entity has one NULL group for facts without it).
 */
export function toOnlineRows(view: FeatureView, result: WarehouseResult, mapping: RowMapping): OnlineRow[] {
  const index = new Map(result.columns.map((c, i) => [c.name, i]));
  const column = (name: string, role: string): number => {
    const i = index.get(name);
    if (i === undefined) {
      throw new MaterializationError(
        'SOURCE_MISMATCH',
        `The source of feature view '${view.name}' returned no column '${name}' (${role}); it returned: ${result.columns.map((c) => c.name).join(', ')}. ` +
          'Select that column in the source, or rename the feature to match the column.',
      );
    }
    return i;
  };
  const entityAt = column(mapping.entityColumn, 'the join key');
  const timeAt = 'column' in mapping.eventTime ? column(mapping.eventTime.column, 'the event timestamp') : undefined;
  const fixedTime = 'fixed' in mapping.eventTime ? mapping.eventTime.fixed : undefined;
  const features = view.features
    .filter((f) => mapping.featureColumns[f.name] !== undefined)
    .map((f) => ({ name: f.name, dtype: f.dtype, at: column(mapping.featureColumns[f.name]!, `feature '${f.name}'`) }));

  const rows: OnlineRow[] = [];
  for (const cells of result.rows) {
    const entityKey = toEntityKey(view, cells[entityAt] ?? null);
    if (entityKey === undefined) continue;
    const eventTimestamp = fixedTime ?? toEventTime(view, entityKey, cells[timeAt!] ?? null);
    const values: Record<string, FeatureValue> = {};
    for (const f of features) values[f.name] = toFeatureValue(f.dtype, cells[f.at] ?? null, { view: view.name, feature: f.name, entityKey });
    rows.push({ entityKey, values, eventTimestamp });
  }
  return rows;
}

/** The join key as the online stores key rows: a string (integers stringified, as push does). */
function toEntityKey(view: FeatureView, cell: Cell): string | undefined {
  if (cell === null || cell === '') return undefined;
  if (typeof cell === 'string') return cell;
  if (typeof cell === 'number' && Number.isSafeInteger(cell)) return String(cell);
  throw new FeatureValueError(view.name, view.joinKeys[0] ?? 'entity key', String(cell), `the join key must be a string or an integer, got ${typeof cell} ${String(cell)}`);
}

function toEventTime(view: FeatureView, entityKey: string, cell: Cell): Date {
  const date = typeof cell === 'string' ? parseWarehouseTime(cell) : undefined;
  if (date === undefined) {
    throw new FeatureValueError(
      view.name,
      view.timestampField,
      entityKey,
      `the event timestamp must be a DATE or TIMESTAMP, got ${describe(cell)}; cast the column in the source (CAST(x AS TIMESTAMP))`,
    );
  }
  return date;
}

/** 'YYYY-MM-DD' (a DATE: midnight UTC) or an ISO 8601 timestamp with its zone, as the warehouse port returns them. */
function parseWarehouseTime(text: string): Date | undefined {
  if (!/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2}))?$/.test(text)) return undefined;
  const ms = Date.parse(text.length === 10 ? `${text}T00:00:00Z` : text);
  return Number.isFinite(ms) ? new Date(ms) : undefined;
}

interface ValueContext {
  view: string;
  feature: string;
  entityKey: string;
}

/** One warehouse value as the store's value for `dtype`, or FeatureValueError saying why it cannot be. */
export function toFeatureValue(dtype: FeatureDtype, cell: unknown, at: ValueContext): FeatureValue {
  if (cell === null || cell === undefined) return null;
  const element = /^Array\((\w+)\)$/.exec(dtype)?.[1] as ScalarDtype | undefined;
  if (element === undefined) return toScalar(dtype as ScalarDtype, cell, at);
  // Lists arrive as arrays, or as JSON text from warehouses that return them as JSON.
  let list: unknown = cell;
  if (typeof cell === 'string' && cell.trimStart().startsWith('[')) {
    try {
      list = JSON.parse(cell);
    } catch {
      // reported below
    }
  }
  if (!Array.isArray(list)) throw mismatch(at, dtype, cell);
  return list.map((v, i) => {
    if (v === null || v === undefined) throw new FeatureValueError(at.view, `${at.feature}[${i}]`, at.entityKey, `lists hold no nulls (${dtype}); filter them out in the source`);
    return toScalar(element, v, { ...at, feature: `${at.feature}[${i}]` });
  });
}

function toScalar(dtype: ScalarDtype, cell: unknown, at: ValueContext): FeatureScalar {
  switch (dtype) {
    case 'String':
      // Numbers and booleans have one exact text form; dates already arrive as text.
      if (typeof cell === 'string') return cell;
      if ((typeof cell === 'number' && Number.isFinite(cell)) || typeof cell === 'boolean') return String(cell);
      break;
    case 'Bool':
      if (typeof cell === 'boolean') return cell;
      break;
    case 'Int32':
    case 'Int64': {
      // Integers beyond 2^53 arrive as digit strings; only those a JS number holds exactly are accepted.
      const n = typeof cell === 'string' && /^-?\d+$/.test(cell) ? Number(cell) : cell;
      if (typeof n === 'number' && Number.isSafeInteger(n)) {
        if (dtype === 'Int64' || (n >= -(2 ** 31) && n <= 2 ** 31 - 1)) return n;
        throw new FeatureValueError(at.view, at.feature, at.entityKey, `${n} does not fit Int32; declare the feature as Int64`);
      }
      if (typeof n === 'number' && Number.isInteger(n)) {
        throw new FeatureValueError(at.view, at.feature, at.entityKey, `${String(cell)} is beyond 2^53 and cannot be served exactly as ${dtype}; declare it as String`);
      }
      break;
    }
    case 'Float32':
    case 'Float64': {
      const n = typeof cell === 'string' && cell.trim() !== '' ? Number(cell) : cell;
      if (typeof n === 'number' && Number.isFinite(n)) return n;
      break;
    }
    case 'UnixTimestamp': {
      // Epoch seconds (with milliseconds), as push stores them.
      if (typeof cell === 'number' && Number.isFinite(cell)) return cell;
      const date = typeof cell === 'string' ? parseWarehouseTime(cell) : undefined;
      if (date !== undefined) return date.getTime() / 1000;
      break;
    }
    case 'Bytes':
      // BigQuery returns BYTES as base64 text.
      if (cell instanceof Uint8Array) return cell;
      if (typeof cell === 'string' && /^[A-Za-z0-9+/]*={0,2}$/.test(cell)) return new Uint8Array(Buffer.from(cell, 'base64'));
      break;
  }
  throw mismatch(at, dtype, cell);
}

function mismatch(at: ValueContext, dtype: string, cell: unknown): FeatureValueError {
  return new FeatureValueError(at.view, at.feature, at.entityKey, `the warehouse returned ${describe(cell)}, which is not a ${dtype}; cast it in the source or change the dtype`);
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (Array.isArray(value)) return 'a list';
  return `${typeof value} ${String(value)}`;
}
