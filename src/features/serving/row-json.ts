import type { FeatureValue, StoredRow } from '../online-store/online-store';
import type { FeatureValueCodec } from '../online-store/embedded/feature-value-codec';
import type { FeatureView } from '../spec/feature-manifest';
import { perView } from '../spec/per-view';

/**
 * The JSON text of a stored row's cells, as Feast's response writes them: what the REST route
 * joins into its body instead of serialising values again. Rows that arrived as JSON text (the
 * shared cache's copy: its cells are cut out of the cached text, never parsed and re-printed)
 * carry it from the start (TextRow); rows handed out again (near cache) get it on first use, kept
 * in a WeakMap.
 */
export interface RowJson {
  /** The row's event time, quoted. */
  stamp: string;
  /** By the feature's position in its view: the value's JSON text, null for a null value (NULL_VALUE), undefined until first asked. */
  cells: (string | null | undefined)[];
}

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

/** Position of each feature in its view, for RowJson.cells. */
export const featurePositions = perView((view: FeatureView) => new Map(view.features.map((f, i) => [f.name, i])));

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

/** RFC 3339 as Feast prints it: whole seconds unless there is a fraction. */
export function isoSeconds(date: Date): string {
  return date.toISOString().replace('.000Z', 'Z');
}

/** A cached row cut into its parts: the entity key, the event time, and each value's JSON text. */
export interface EncodedRowText {
  entityKey: string;
  eventTimeMs: number;
  cells: string[];
}

/** One value as the codec writes it: a JSON number, string, boolean or null, or a flat array of those. */
const STRING = String.raw`"(?:[^"\\\u0000-\u001f]|\\.)*"`;
const SCALAR = String.raw`-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|${STRING}|true|false|null`;
const CELL = String.raw`(?:${SCALAR}|\[(?:(?:${SCALAR})(?:,(?:${SCALAR}))*)?\])`;
/** `JSON.stringify` of the codec's EncodedRow, whole: key, event time, and the values array checked cell by cell. */
const ENCODED_ROW = new RegExp(String.raw`^\{"entityKey":(${STRING}),"eventTimeMs":(-?\d+),"values":\[((?:${CELL}(?:,${CELL})*)?)\]\}$`);
/** The cells of a values array that ENCODED_ROW accepted: each match is one whole cell (the alternatives differ in their first character). */
const CELLS = new RegExp(CELL, 'g');

/**
 * Cuts the cache's text of a row — exactly `JSON.stringify` of the codec's EncodedRow,
 * `{"entityKey":"…","eventTimeMs":…,"values":[…]}` — into its parts without parsing the values:
 * each cell's text is already what Feast's response prints for it (the codec's JSON form is the
 * response's: numbers, strings, booleans, base64 for bytes, flat arrays of those). Text not in
 * exactly that layout, checked against the grammar of those forms, gives undefined and the caller
 * parses it instead; so a cell spliced into a response is always valid JSON.
 */
export function splitEncodedRow(text: string): EncodedRowText | undefined {
  const match = ENCODED_ROW.exec(text);
  if (match === null) return undefined;
  const values = match[3]!;
  return { entityKey: JSON.parse(match[1]!) as string, eventTimeMs: Number(match[2]), cells: values === '' ? [] : values.match(CELLS)! };
}

/**
 * A stored row made from the cache's text: its cells' JSON stays with it for the REST body, and its
 * values are parsed only if something asks for them (GraphQL, the recommendation filter). A class
 * with the JSON as a field, not a WeakMap entry: one of these is made per cached key read, and
 * short-lived WeakMap entries lengthen every young-generation GC.
 */
class TextRow implements StoredRow {
  readonly eventTimestamp: Date;
  readonly json: RowJson;
  private decoded: Record<string, FeatureValue> | undefined;

  constructor(
    readonly entityKey: string,
    eventTimeMs: number,
    private readonly cells: string[],
    private readonly codec: Pick<FeatureValueCodec, 'decodeCells'>,
  ) {
    this.eventTimestamp = new Date(eventTimeMs);
    this.json = { stamp: JSON.stringify(isoSeconds(this.eventTimestamp)), cells: cells.map((cell) => (cell === 'null' ? null : cell)) };
  }

  get values(): Record<string, FeatureValue> {
    return (this.decoded ??= this.codec.decodeCells(this.cells));
  }
}

export function rowFromEncodedText(split: EncodedRowText, codec: Pick<FeatureValueCodec, 'decodeCells'>): StoredRow {
  return new TextRow(split.entityKey, split.eventTimeMs, split.cells, codec);
}
