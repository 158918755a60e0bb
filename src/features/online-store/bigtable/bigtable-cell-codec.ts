import type { FeatureDtype, FeatureView } from '../../spec/feature-manifest';
import { FeatureValueError } from '../feature-value-error';
import { FeatureValueCodec, type EncodedValue } from '../embedded/feature-value-codec';
import type { OnlineRow, StoredRow } from '../online-store';

/** The qualifier of the one cell that holds a whole row of a view version. */
export const ROW_QUALIFIER = 'row';

/** First byte of every row cell: a layout marker, so a foreign or future cell fails loudly instead of decoding as garbage. */
const FORMAT_V1 = 0x01;
/** Marks a present variable-width value, so '' / empty bytes / [] differ from null (length 0). */
const PRESENT = 0x01;
/** format byte + 8-byte event time. */
const HEADER_BYTES = 9;

/** One row ready to be written: its single cell's value, and the event time that is its cell timestamp. */
export interface CellRow {
  entityKey: string;
  eventTimeMs: number;
  value: Buffer;
}

/**
 * A view's whole row as ONE cell value (qualifier `row`): a read then moves one cell per entity
 * instead of one per feature, which is what the client's per-cell chunk parsing costs.
 *
 * `0x01` (format) · event time (epoch ms, 8-byte big-endian int64) · then, for every feature in the
 * view's order, a varint (LEB128) byte length followed by that many bytes of its value:
 *
 * | dtype | value bytes |
 * |---|---|
 * | null (any dtype) | none (length 0) |
 * | Int32, Int64 | 8-byte big-endian two's complement (Bigtable's own integer layout) |
 * | Float32, Float64, UnixTimestamp | 8-byte big-endian IEEE double |
 * | Bool | 1 byte, 0 or 1 |
 * | String | 0x01 + UTF-8 |
 * | Bytes | 0x01 + the bytes |
 * | Array(T) | 0x01 + JSON array (Bytes elements base64) |
 *
 * Values are positional: the view's version changes with its shape and has its own family, so a
 * cell is only ever decoded by the shape that wrote it. Decoding still checks every length and the
 * total, and throws on any mismatch rather than serve a misread value.
 *
 * Float32 is kept as a double: the shared checks accept any finite number for it, and a value
 * must read back exactly as written on every store. Values are checked by the same
 * FeatureValueCodec the embedded store uses, so every adapter rejects the same bad values with
 * the same FeatureValueError, before anything is sent.
 */
export class BigtableCellCodec {
  private readonly checks: FeatureValueCodec;
  private readonly dtypes: readonly FeatureDtype[];

  constructor(private readonly view: FeatureView) {
    this.checks = FeatureValueCodec.for(view);
    this.dtypes = view.features.map((f) => f.dtype);
  }

  /** Checks and encodes a row; throws FeatureValueError naming view, feature and entity. */
  encodeRow(row: OnlineRow): CellRow {
    const encoded = this.checks.encodeRow(row);
    // Cell timestamps are the event time (that is how newest-wins works) and cannot be negative.
    if (encoded.eventTimeMs < 0) {
      throw new FeatureValueError(this.view.name, this.view.timestampField, row.entityKey, 'the Bigtable store keeps event times from 1970-01-01 on; got an earlier one');
    }
    const parts: Buffer[] = [Buffer.from([FORMAT_V1]), int64(encoded.eventTimeMs)];
    this.dtypes.forEach((dtype, i) => {
      const value = encodeValue(dtype, encoded.values[i] ?? null);
      parts.push(varint(value.length), value);
    });
    return { entityKey: encoded.entityKey, eventTimeMs: encoded.eventTimeMs, value: Buffer.concat(parts) };
  }

  /**
   * Decodes one row cell. Throws a plain Error saying what does not fit (the caller adds table,
   * family and row); a cell of this store's layout never fails.
   */
  decodeRow(entityKey: string, cell: Buffer): StoredRow {
    if (cell.length < HEADER_BYTES || cell[0] !== FORMAT_V1) {
      throw new Error(`the cell (${cell.length} bytes) does not start with this store's row format (0x01 + 8-byte event time)`);
    }
    const eventTimeMs = Number(cell.readBigInt64BE(1));
    let offset = HEADER_BYTES;
    const values = this.dtypes.map((dtype, i): EncodedValue => {
      const { length, next } = readVarint(cell, offset, () => this.where(i));
      const end = next + length;
      if (end > cell.length) throw new Error(`${this.where(i)} claims ${length} bytes but the cell ends ${cell.length - next} bytes later`);
      offset = end;
      return decodeValue(dtype, cell, next, end, () => this.where(i));
    });
    if (offset !== cell.length) {
      throw new Error(`${cell.length - offset} bytes follow the view's last feature: the cell was written for a different shape of the view`);
    }
    return { entityKey, values: this.checks.decodeValues(values), eventTimestamp: new Date(eventTimeMs) };
  }

  private where(i: number): string {
    const feature = this.view.features[i]!;
    return `feature '${feature.name}' (${feature.dtype}, #${i + 1} of ${this.dtypes.length})`;
  }
}

export function int64(n: number): Buffer {
  const buffer = Buffer.allocUnsafe(8);
  buffer.writeBigInt64BE(BigInt(n));
  return buffer;
}

function encodeValue(dtype: FeatureDtype, value: EncodedValue): Buffer {
  if (value === null) return Buffer.alloc(0);
  switch (dtype) {
    case 'Int32':
    case 'Int64':
      return int64(value as number);
    case 'Float32':
    case 'Float64':
    case 'UnixTimestamp': {
      const buffer = Buffer.allocUnsafe(8);
      buffer.writeDoubleBE(value as number);
      return buffer;
    }
    case 'Bool':
      return Buffer.from([value ? 1 : 0]);
    case 'String':
      return withPresent(Buffer.from(value as string, 'utf8'));
    case 'Bytes':
      return withPresent(Buffer.from(value as string, 'base64'));
    default:
      return withPresent(Buffer.from(JSON.stringify(value), 'utf8'));
  }
}

function withPresent(bytes: Buffer): Buffer {
  const out = Buffer.allocUnsafe(bytes.length + 1);
  out[0] = PRESENT;
  bytes.copy(out, 1);
  return out;
}

/** Back to the FeatureValueCodec's encoded form (Bytes as base64), which it turns into values. */
function decodeValue(dtype: FeatureDtype, cell: Buffer, start: number, end: number, where: () => string): EncodedValue {
  const length = end - start;
  if (length === 0) return null;
  const expect = (wanted: number) => {
    if (length !== wanted) throw new Error(`${where()} holds ${length} bytes, expected ${wanted}`);
  };
  switch (dtype) {
    case 'Int32':
    case 'Int64':
      expect(8);
      return Number(cell.readBigInt64BE(start));
    case 'Float32':
    case 'Float64':
    case 'UnixTimestamp':
      expect(8);
      return cell.readDoubleBE(start);
    case 'Bool':
      expect(1);
      return cell[start] === 1;
  }
  if (cell[start] !== PRESENT) throw new Error(`${where()} does not start with the present marker 0x01`);
  switch (dtype) {
    case 'String':
      return cell.toString('utf8', start + 1, end);
    case 'Bytes':
      return cell.toString('base64', start + 1, end);
    default:
      return JSON.parse(cell.toString('utf8', start + 1, end)) as EncodedValue;
  }
}

/** Unsigned LEB128: one byte for any length under 128, so fixed-width values cost one extra byte. */
function varint(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  while (n >= 0x80) {
    bytes.push((n % 0x80) | 0x80);
    n = Math.floor(n / 0x80);
  }
  bytes.push(n);
  return Buffer.from(bytes);
}

function readVarint(cell: Buffer, offset: number, where: () => string): { length: number; next: number } {
  let length = 0;
  let scale = 1;
  // 5 bytes cover 2^35, above any cell Bigtable accepts (100 MB).
  for (let i = offset; i < cell.length && i < offset + 5; i++) {
    const byte = cell[i]!;
    length += (byte & 0x7f) * scale;
    if (byte < 0x80) return { length, next: i + 1 };
    scale *= 0x80;
  }
  throw new Error(`${where()} has no valid length at byte ${offset}: the cell is truncated or not this store's layout`);
}
