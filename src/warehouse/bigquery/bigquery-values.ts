/**
 * BigQuery REST wire format → the Warehouse port's normalized JSON values. Rows arrive raw (`{ f: [{ v }] }`,
 * every scalar a string) because the SDK's own parsing turns INT64 beyond 2^53 into an error or a wrapper
 * object and keys rows by column name; parsing here keeps column order and the port's conventions in one place.
 */
import type { TableField, TableRow } from '@google-cloud/bigquery';
import type { ColumnType, ParameterValue, ResultColumn } from '../warehouse';

type JsonValue = string | number | boolean | null;
type Raw = unknown;

const COLUMN_TYPES: Record<string, ColumnType> = {
  STRING: 'STRING',
  INT64: 'INTEGER',
  INTEGER: 'INTEGER',
  FLOAT64: 'FLOAT',
  FLOAT: 'FLOAT',
  NUMERIC: 'NUMERIC',
  BIGNUMERIC: 'NUMERIC',
  BOOL: 'BOOLEAN',
  BOOLEAN: 'BOOLEAN',
  DATE: 'DATE',
  TIMESTAMP: 'TIMESTAMP',
  DATETIME: 'TIMESTAMP',
};

/** Label keys and values: lowercase letters, digits, `_` and `-`, at most 63 characters. */
const LABEL_MAX = 63;

/** A stored column's type, for the engine: DATETIME stays DATETIME (compared as a TIMESTAMP in UTC). */
export function storedColumnTypeOf(field: TableField): ColumnType {
  return String(field.type).toUpperCase() === 'DATETIME' ? 'DATETIME' : columnTypeOf(field);
}

export function columnTypeOf(field: TableField): ColumnType {
  // A repeated scalar is an array, which only JSON can carry.
  if (field.mode === 'REPEATED') return 'JSON';
  return COLUMN_TYPES[(field.type ?? '').toUpperCase()] ?? 'JSON';
}

export function toColumns(fields: TableField[]): ResultColumn[] {
  return fields.map((field) => ({ name: field.name ?? '', type: columnTypeOf(field) }));
}

export function toRow(fields: TableField[], row: TableRow): JsonValue[] {
  const cells = row.f ?? [];
  return fields.map((field, i) => normalizeCell(field, cells[i]?.v));
}

function normalizeCell(field: TableField, value: Raw): JsonValue {
  if (value === null || value === undefined) return null;
  if (columnTypeOf(field) === 'JSON') {
    // JSON, GEOGRAPHY, TIME, BYTES stay BigQuery's text; records and arrays are rebuilt and serialized.
    const plain = toPlain(field, value);
    return plain !== null && typeof plain === 'object' ? JSON.stringify(plain) : (plain as JsonValue);
  }
  return normalizeScalar((field.type ?? '').toUpperCase(), String(value));
}

function normalizeScalar(type: string, text: string): JsonValue {
  switch (type) {
    case 'INT64':
    case 'INTEGER': {
      const n = Number(text);
      return Number.isSafeInteger(n) ? n : text;
    }
    case 'FLOAT64':
    case 'FLOAT': {
      // NaN and ±Infinity have no JSON number; keep BigQuery's spelling.
      const n = Number(text);
      return Number.isFinite(n) ? n : text;
    }
    case 'NUMERIC':
    case 'BIGNUMERIC':
      return Number(text);
    case 'BOOL':
    case 'BOOLEAN':
      return text === 'true';
    case 'TIMESTAMP':
      return timestampToIso(text);
    case 'DATETIME':
      return datetimeToIso(text);
    default:
      return text;
  }
}

/**
 * TIMESTAMP comes as microseconds since the epoch (the SDK asks for `formatOptions.useInt64Timestamp`),
 * or as float seconds ('1.7E9') from servers that ignore that option.
 */
export function timestampToIso(text: string): string {
  const millis = /^-?\d+$/.test(text) ? Number(BigInt(text) / 1000n) : Math.round(Number(text) * 1000);
  return new Date(millis).toISOString();
}

/** DATETIME is a civil time without zone ('2024-01-02T03:04:05.123456'); the port reads it as UTC. */
export function datetimeToIso(text: string): string {
  const match = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})(?:\.(\d+))?$/.exec(text);
  if (!match) return text;
  const fraction = (match[3] ?? '').padEnd(3, '0').slice(0, 3);
  return `${match[1]}T${match[2]}.${fraction}Z`;
}

function toPlain(field: TableField, value: Raw): unknown {
  if (value === null || value === undefined) return null;
  if (field.mode === 'REPEATED' && Array.isArray(value)) {
    const item = { ...field, mode: 'NULLABLE' };
    return value.map((cell) => toPlain(item, (cell as { v?: Raw }).v));
  }
  const type = (field.type ?? '').toUpperCase();
  if (type === 'RECORD' || type === 'STRUCT') {
    const cells = (value as TableRow).f ?? [];
    const children = field.fields ?? [];
    return Object.fromEntries(children.map((child, i) => [child.name ?? `f${i}`, toPlain(child, cells[i]?.v)]));
  }
  if (type === 'JSON') return String(value);
  return normalizeScalar(type, String(value));
}

/**
 * Explicit parameter types, so integers always travel as INT64 and other numbers as FLOAT64
 * (an integer beyond 2^53 is not exact as a JS number, so it goes as FLOAT64 too).
 */
export function parameterTypes(parameters: Record<string, ParameterValue>): Record<string, string> {
  const types: Record<string, string> = {};
  for (const [name, value] of Object.entries(parameters)) {
    if (typeof value === 'boolean') types[name] = 'BOOL';
    else if (typeof value === 'number') types[name] = Number.isSafeInteger(value) ? 'INT64' : 'FLOAT64';
    else types[name] = 'STRING';
  }
  return types;
}

/** Rewrites labels to BigQuery's rules instead of failing the query over a label. */
export function sanitizeLabels(labels: Record<string, string>): Record<string, string> {
  const clean = (text: string) =>
    text
      .toLowerCase()
      .replace(/[^a-z0-9_-]/g, '_')
      .slice(0, LABEL_MAX);
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(labels)) {
    let k = clean(key);
    if (k === '') continue;
    // Keys must start with a letter.
    if (!/^[a-z]/.test(k)) k = `l_${k}`.slice(0, LABEL_MAX);
    out[k] = clean(String(value));
  }
  return out;
}
