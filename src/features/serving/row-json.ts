import type { FeatureValue, StoredRow } from '../online-store/online-store';
import { isoSeconds, TextRow, type RowJson } from '../online-store/row-text';

/*
 * The JSON text of rows' cells for the REST body (RowJson, online-store/row-text.ts). Rows read as
 * text carry it (TextRow); rows handed out again (near cache) get it on first use, kept in a
 * WeakMap; other rows' cells are printed from their values.
 */

const rowJsons = new WeakMap<StoredRow, RowJson>();

/** The row's RowJson: the one kept with it, else a new one, kept when the row is shared. */
export function rowJson(row: StoredRow, shared: boolean): RowJson {
  if (row instanceof TextRow) return row.json;
  const known = rowJsons.get(row);
  if (known !== undefined) return known;
  const json: RowJson = { stamp: JSON.stringify(isoSeconds(row.eventTimestamp)), cells: [] };
  if (shared) rowJsons.set(row, json);
  return json;
}

/** Whether the row carries its cells' JSON already. */
export function hasRowJson(row: StoredRow): boolean {
  return row instanceof TextRow || rowJsons.has(row);
}

/** A cell's JSON text (the feature at position `at` of its view), computed from the row's value the first time it is asked for. */
export function cellJson(json: RowJson, row: StoredRow, at: number, feature: string): string | null {
  const known = json.cells[at];
  return known !== undefined ? known : (json.cells[at] = valueJson(row.values[feature]));
}

/** A value's JSON text (null when the value is null), as JSON.stringify(toJson(value)) writes it; scalars without the call. */
function valueJson(value: FeatureValue | undefined): string | null {
  if (value === null || value === undefined) return null;
  switch (typeof value) {
    case 'number':
      return Number.isFinite(value) ? String(value) : 'null';
    case 'boolean':
      return value ? 'true' : 'false';
    default:
      return JSON.stringify(toJson(value));
  }
}

/** JSON value of a feature: Bytes travel as base64 strings, as in Feast's JSON responses. */
export type JsonFeatureValue = string | number | boolean | null | (string | number | boolean)[];

export function toJson(value: FeatureValue): JsonFeatureValue {
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (Array.isArray(value)) return value.map((v) => (v instanceof Uint8Array ? Buffer.from(v).toString('base64') : v));
  return value;
}

