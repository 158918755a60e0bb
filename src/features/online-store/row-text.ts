import type { EncodedRow, FeatureValueCodec } from './embedded/feature-value-codec';
import type { FeatureValue, StoredRow } from './online-store';

/**
 * A row's text form: exactly `JSON.stringify` of the codec's EncodedRow,
 * `{"entityKey":"…","eventTimeMs":…,"values":[…]}`, as the shared cache holds rows. Each value's
 * JSON is already what Feast's response prints for it (numbers, strings, booleans, base64 for
 * bytes, flat arrays of those), so a row read as text is served by splicing its cells, never parsed
 * and printed again.
 */
export function encodedRowText(encoded: EncodedRow): string {
  return JSON.stringify(encoded);
}

/**
 * The JSON text of a stored row's cells, as Feast's response writes them: what the REST route
 * joins into its body instead of serialising values again. Rows read as text carry it from the
 * start (TextRow); rows handed out again (near cache) get it on first use (serving/row-json.ts).
 */
export interface RowJson {
  /** The row's event time, quoted. */
  stamp: string;
  /** By the feature's position in its view: the value's JSON text, null for a null value (NULL_VALUE), undefined until first asked. */
  cells: (string | null | undefined)[];
}

/** RFC 3339 as Feast prints it: whole seconds unless there is a fraction. */
export function isoSeconds(date: Date): string {
  return date.toISOString().replace('.000Z', 'Z');
}

/** A row's text cut into its parts: the entity key, the event time, and each value's JSON text. */
export interface EncodedRowText {
  /** The whole text, as cut. */
  text: string;
  entityKey: string;
  eventTimeMs: number;
  cells: string[];
}

/** One value as the codec writes it: a JSON number, string, boolean or null, or a flat array of those. */
const STRING = String.raw`"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"`;
const SCALAR = String.raw`-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|${STRING}|true|false|null`;
const CELL = String.raw`(?:${SCALAR}|\[(?:(?:${SCALAR})(?:,(?:${SCALAR}))*)?\])`;
/** `JSON.stringify` of the codec's EncodedRow, whole: key, event time, and the values array checked cell by cell. */
const ENCODED_ROW = new RegExp(String.raw`^\{"entityKey":(${STRING}),"eventTimeMs":(-?\d+),"values":\[((?:${CELL}(?:,${CELL})*)?)\]\}$`);
/** The cells of a values array that ENCODED_ROW accepted: each match is one whole cell (the alternatives differ in their first character). */
const CELLS = new RegExp(CELL, 'g');

/**
 * Cuts a row's text (encodedRowText) into its parts without parsing the values. Text not in
 * exactly that layout, checked against the grammar of the codec's JSON forms, gives undefined and
 * the caller parses it instead; so a cell spliced into a response is always valid JSON. Two
 * regular expressions rather than one pass cell by cell: `match` with /g makes only the cells'
 * strings, where a sticky exec per cell makes a match array each (measured: faster alone, but
 * its garbage lengthened the p99 of cache hits by half).
 */
export function splitEncodedRow(text: string): EncodedRowText | undefined {
  const match = ENCODED_ROW.exec(text);
  if (match === null) return undefined;
  const values = match[3]!;
  return { text, entityKey: JSON.parse(match[1]!) as string, eventTimeMs: Number(match[2]), cells: values === '' ? [] : values.match(CELLS)! };
}

/** The start of a row's text, up to its event time. */
const EVENT_TIME = new RegExp(String.raw`^\{"entityKey":${STRING},"eventTimeMs":(-?\d+),`);

/** A row's event time (epoch ms) from its text, without cutting the cells (the embedded store's newest-wins check). */
export function eventTimeOfText(text: string): number {
  const match = EVENT_TIME.exec(text);
  return match !== null ? Number(match[1]) : (JSON.parse(text) as EncodedRow).eventTimeMs;
}

/**
 * A row back from its text, for a view of `codec`: cut into cells when it is in encodedRowText's
 * layout with one cell per feature (a TextRow, values parsed only if asked for), else parsed
 * whole. Throws when the text is not a row at all.
 */
export function rowFromText(text: string, codec: FeatureValueCodec): StoredRow {
  const split = splitEncodedRow(text);
  if (split !== undefined && split.cells.length === codec.featureCount) return new TextRow(split, codec);
  const encoded = JSON.parse(text) as EncodedRow;
  return { entityKey: encoded.entityKey, values: codec.decodeValues(encoded.values), eventTimestamp: new Date(encoded.eventTimeMs) };
}

/**
 * A stored row made from its text: its cells' JSON stays with it for the REST body, and its
 * values are parsed only if something asks for them (GraphQL, the recommendation filter). A class
 * with the JSON as a field, not a WeakMap entry: one of these is made per key read, and
 * short-lived WeakMap entries lengthen every young-generation GC.
 */
export class TextRow implements StoredRow {
  readonly entityKey: string;
  readonly eventTimestamp: Date;
  readonly json: RowJson;
  /** The row's whole text (encodedRowText's layout): what the shared cache stores for it, as it is. */
  readonly text: string;
  private readonly cells: string[];
  private decoded: Record<string, FeatureValue> | undefined;

  constructor(
    { text, entityKey, eventTimeMs, cells }: EncodedRowText,
    private readonly codec: Pick<FeatureValueCodec, 'decodeCells'>,
  ) {
    this.text = text;
    this.entityKey = entityKey;
    this.cells = cells;
    this.eventTimestamp = new Date(eventTimeMs);
    this.json = { stamp: JSON.stringify(isoSeconds(this.eventTimestamp)), cells: cells.map((cell) => (cell === 'null' ? null : cell)) };
  }

  get values(): Record<string, FeatureValue> {
    return (this.decoded ??= this.codec.decodeCells(this.cells));
  }
}
