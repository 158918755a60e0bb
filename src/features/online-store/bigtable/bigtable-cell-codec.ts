import type { FeatureDtype, FeatureView } from '../../spec/feature-manifest';
import { FeatureValueError } from '../feature-value-error';
import { FeatureValueCodec, type EncodedValue } from '../embedded/feature-value-codec';
import type { OnlineRow, StoredRow } from '../online-store';
import { cellBytes, type RawCell } from './bigtable-client';

/** The qualifier of the event-time cell; `@` cannot start a feature name, so it never collides. */
export const EVENT_TIME_QUALIFIER = '@event_ts';

/** Marks a present variable-width value, so '' / empty bytes / [] differ from null (an empty cell). */
const PRESENT = Buffer.from([0x01]);
const EMPTY = Buffer.alloc(0);

/** One row ready to be written: a cell per feature plus the event-time cell. */
export interface CellRow {
  entityKey: string;
  eventTimeMs: number;
  cells: [qualifier: string, value: Buffer][];
}

/**
 * Typed cells for one view, one cell per feature (qualifier = feature name):
 *
 * | dtype | cell value |
 * |---|---|
 * | null (any dtype) | empty |
 * | Int32, Int64 | 8-byte big-endian two's complement (Bigtable's own integer layout) |
 * | Float32, Float64, UnixTimestamp | 8-byte big-endian IEEE double |
 * | Bool | 1 byte, 0 or 1 |
 * | String | 0x01 + UTF-8 |
 * | Bytes | 0x01 + the bytes |
 * | Array(T) | 0x01 + JSON array (Bytes elements base64) |
 * | `@event_ts` | event time, epoch ms, 8-byte big-endian |
 *
 * Float32 is kept as a double: the shared checks accept any finite number for it, and a value
 * must read back exactly as written on every store. Values are checked by the same
 * FeatureValueCodec the embedded store uses, so every adapter rejects the same bad values with
 * the same FeatureValueError, before anything is sent.
 */
export class BigtableCellCodec {
  private readonly checks: FeatureValueCodec;

  constructor(private readonly view: FeatureView) {
    this.checks = new FeatureValueCodec(view);
  }

  /** Checks and encodes a row; throws FeatureValueError naming view, feature and entity. */
  encodeRow(row: OnlineRow): CellRow {
    const encoded = this.checks.encodeRow(row);
    // Cell timestamps are the event time (that is how newest-wins works) and cannot be negative.
    if (encoded.eventTimeMs < 0) {
      throw new FeatureValueError(this.view.name, this.view.timestampField, row.entityKey, 'the Bigtable store keeps event times from 1970-01-01 on; got an earlier one');
    }
    const cells: [string, Buffer][] = this.view.features.map((f, i) => [f.name, encodeCell(f.dtype, encoded.values[i] ?? null)]);
    cells.push([EVENT_TIME_QUALIFIER, int64(encoded.eventTimeMs)]);
    return { entityKey: encoded.entityKey, eventTimeMs: encoded.eventTimeMs, cells };
  }

  /** Decodes the newest cell of each column of one row's family. */
  decodeRow(entityKey: string, columns: Record<string, RawCell[]>): StoredRow {
    const values = this.view.features.map((f) => {
      const cell = columns[f.name]?.[0];
      return cell === undefined ? null : decodeCell(f.dtype, cellBytes(cell.value), `${this.view.name}.${f.name} of '${entityKey}'`);
    });
    const eventCell = columns[EVENT_TIME_QUALIFIER]?.[0];
    const eventBytes = eventCell === undefined ? undefined : cellBytes(eventCell.value);
    // The event-time cell is written with every row; its cell timestamp is the same instant.
    const eventTimeMs = eventBytes?.length === 8
      ? Number(eventBytes.readBigInt64BE())
      : Math.floor(Number(Object.values(columns)[0]?.[0]?.timestamp ?? 0) / 1000);
    return { entityKey, values: this.checks.decodeValues(values), eventTimestamp: new Date(eventTimeMs) };
  }
}

export function int64(n: number): Buffer {
  const buffer = Buffer.allocUnsafe(8);
  buffer.writeBigInt64BE(BigInt(n));
  return buffer;
}

function encodeCell(dtype: FeatureDtype, value: EncodedValue): Buffer {
  if (value === null) return EMPTY;
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
      return Buffer.concat([PRESENT, Buffer.from(value as string, 'utf8')]);
    case 'Bytes':
      return Buffer.concat([PRESENT, Buffer.from(value as string, 'base64')]);
    default:
      return Buffer.concat([PRESENT, Buffer.from(JSON.stringify(value), 'utf8')]);
  }
}

/** Back to the FeatureValueCodec's encoded form (Bytes as base64), which it turns into values. */
function decodeCell(dtype: FeatureDtype, cell: Buffer, where: string): EncodedValue {
  if (cell.length === 0) return null;
  const expect = (length: number) => {
    if (cell.length !== length) throw new Error(`Bigtable cell ${where} holds ${cell.length} bytes, expected ${length} for ${dtype}: it was not written by this store's encoding`);
  };
  switch (dtype) {
    case 'Int32':
    case 'Int64':
      expect(8);
      return Number(cell.readBigInt64BE());
    case 'Float32':
    case 'Float64':
    case 'UnixTimestamp':
      expect(8);
      return cell.readDoubleBE();
    case 'Bool':
      expect(1);
      return cell[0] === 1;
    case 'String':
      return cell.subarray(1).toString('utf8');
    case 'Bytes':
      return cell.subarray(1).toString('base64');
    default:
      return JSON.parse(cell.subarray(1).toString('utf8')) as EncodedValue;
  }
}
