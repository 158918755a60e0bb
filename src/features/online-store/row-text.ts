import type { EncodedRow, FeatureValueCodec } from './embedded/feature-value-codec';
import type { FeatureValue, StoredRow } from './online-store';

/**
 * A row's text form: exactly `JSON.stringify` of the codec's EncodedRow,
 * `{"entityKey":"…","eventTimeMs":…,"values":[…]}`. The shared cache holds rows in this form, and
 * so do the embedded and Bigtable stores: each value's JSON is already what Feast's response
 * prints for it (numbers, strings, booleans, base64 for bytes, flat arrays of those), so a row read
 * as text is served by splicing its cells, never parsed and printed again, whether it came from
 * the cache or the store. That is what keeps a cache miss to its store round trip.
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
  entityKey: string;
  eventTimeMs: number;
  cells: string[];
}

/** One value as the codec writes it: a JSON number, string, boolean or null, or a flat array of those. */
const STRING = String.raw`"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"`;
const SCALAR = String.raw`-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|${STRING}|true|false|null`;
const CELL = String.raw`(?:${SCALAR}|\[(?:(?:${SCALAR})(?:,(?:${SCALAR}))*)?\])`;
/** The start of `JSON.stringify` of the codec's EncodedRow: key, event time, and the opening of the values array. */
const HEAD = new RegExp(String.raw`^\{"entityKey":(${STRING}),"eventTimeMs":(-?\d+),"values":\[`);
/** One cell at a position (sticky): the alternatives differ in their first character, so a match is one whole cell. */
const CELL_AT = new RegExp(CELL, 'y');
/** What closes the text after the last cell. */
const TAIL = ']}';

/**
 * Cuts a row's text (encodedRowText) into its parts without parsing the values, in one pass: the
 * head, then cell after cell, each checked against the grammar of the codec's JSON forms, with a
 * comma between them and `]}` after the last. Text not in exactly that layout gives undefined and
 * the caller parses it instead; so a cell spliced into a response is always valid JSON.
 */
export function splitEncodedRow(text: string): EncodedRowText | undefined {
  const head = HEAD.exec(text);
  if (head === null) return undefined;
  const cells: string[] = [];
  let at = head[0].length;
  if (text.startsWith(TAIL, at)) return at + TAIL.length === text.length ? row(head, cells) : undefined;
  for (;;) {
    CELL_AT.lastIndex = at;
    const cell = CELL_AT.exec(text);
    if (cell === null) return undefined;
    cells.push(cell[0]);
    at = CELL_AT.lastIndex;
    const next = text.charCodeAt(at);
    if (next === COMMA) {
      at++;
      continue;
    }
    return text.startsWith(TAIL, at) && at + TAIL.length === text.length ? row(head, cells) : undefined;
  }
}

const COMMA = 0x2c;

function row(head: RegExpExecArray, cells: string[]): EncodedRowText {
  return { entityKey: JSON.parse(head[1]!) as string, eventTimeMs: Number(head[2]), cells };
}

/**
 * A row back from its text, for a view of `codec`: cut into cells when it is in encodedRowText's
 * layout with one cell per feature (a TextRow, values parsed only if asked for), else parsed
 * whole. Throws when the text is not a row at all.
 */
export function rowFromText(text: string, codec: FeatureValueCodec): StoredRow {
  const split = splitEncodedRow(text);
  if (split !== undefined && split.cells.length === codec.featureCount) return rowFromEncodedText(split, codec);
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
