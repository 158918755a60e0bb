import { Spanner } from '@google-cloud/spanner';
import type { FeatureDtype, FeatureView, ScalarDtype } from '../../spec/feature-manifest';
import { FeatureValueCodec } from '../embedded/feature-value-codec';
import { FeatureValueError } from '../feature-value-error';
import type { FeatureScalar, FeatureValue, OnlineRow, StoredRow } from '../online-store';
import { ENTITY_KEY_COLUMN, EVENT_TIMESTAMP_COLUMN } from './spanner-feature-schema';

/** Spanner TIMESTAMP's range, 0001-01-01T00:00:00Z to 9999-12-31T23:59:59.999Z, in epoch ms. */
const MIN_TIMESTAMP_MS = -62_135_596_800_000;
const MAX_TIMESTAMP_MS = 253_402_300_799_999;

/** A row as `table.read({ json: true, jsonOptions: { wrapNumbers: false } })` returns it. */
export type SpannerJsonRow = Record<string, unknown>;

/**
 * Converts one view's rows to Spanner mutations and back. Every value is first checked by the
 * shared FeatureValueCodec, so Spanner rejects exactly what the other stores reject, with the same
 * FeatureValueError; the only extra check is Spanner's TIMESTAMP range (years 1–9999) for event
 * times and UnixTimestamp features, which JS dates exceed.
 */
export class SpannerFeatureCodec {
  private readonly checker: FeatureValueCodec;
  /** The table's columns in read order. */
  readonly columns: readonly string[];

  constructor(private readonly view: FeatureView) {
    this.checker = new FeatureValueCodec(view);
    this.columns = [ENTITY_KEY_COLUMN, ...view.features.map((f) => f.name), EVENT_TIMESTAMP_COLUMN];
  }

  /** Checks one row (throwing FeatureValueError) and returns it as an upsert mutation. */
  toMutation(row: OnlineRow): Record<string, unknown> {
    this.checker.encodeRow(row);
    if (!inTimestampRange(row.eventTimestamp.getTime())) {
      throw new FeatureValueError(this.view.name, this.view.timestampField, row.entityKey, 'the event timestamp must be between years 1 and 9999 (Spanner TIMESTAMP)');
    }
    const mutation: Record<string, unknown> = { [ENTITY_KEY_COLUMN]: row.entityKey };
    for (const feature of this.view.features) {
      const value = row.values[feature.name];
      mutation[feature.name] = value === undefined || value === null ? null : this.encode(feature.dtype, value, feature.name, row.entityKey);
    }
    mutation[EVENT_TIMESTAMP_COLUMN] = row.eventTimestamp;
    return mutation;
  }

  fromRow(row: SpannerJsonRow): StoredRow {
    const values: Record<string, FeatureValue> = {};
    for (const feature of this.view.features) {
      const value = row[feature.name];
      values[feature.name] = value === null || value === undefined ? null : decode(feature.dtype, value);
    }
    return {
      entityKey: row[ENTITY_KEY_COLUMN] as string,
      values,
      eventTimestamp: new Date((row[EVENT_TIMESTAMP_COLUMN] as Date).getTime()),
    };
  }

  private encode(dtype: FeatureDtype, value: FeatureValue, feature: string, entityKey: string): unknown {
    const element = /^Array\((\w+)\)$/.exec(dtype)?.[1] as ScalarDtype | undefined;
    if (element === undefined) return this.encodeScalar(dtype as ScalarDtype, value as FeatureScalar, feature, entityKey);
    return (value as FeatureScalar[]).map((v, i) => this.encodeScalar(element, v, `${feature}[${i}]`, entityKey));
  }

  private encodeScalar(dtype: ScalarDtype, value: FeatureScalar, feature: string, entityKey: string): unknown {
    switch (dtype) {
      // The client sends whole JS numbers as strings: fine for INT64, refused by FLOAT64 columns.
      case 'Int32':
      case 'Int64':
        return Spanner.int(value as number);
      case 'Float32':
      case 'Float64':
        return Spanner.float(value as number);
      case 'UnixTimestamp': {
        const ms = (value as number) * 1000;
        if (!inTimestampRange(ms)) {
          throw new FeatureValueError(this.view.name, feature, entityKey, `expected epoch seconds between years 1 and 9999 (UnixTimestamp in a Spanner TIMESTAMP), got ${String(value)}`);
        }
        return new Date(ms);
      }
      case 'Bytes': {
        const bytes = value as Uint8Array;
        return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      }
      default:
        return value;
    }
  }
}

function decode(dtype: FeatureDtype, value: unknown): FeatureValue {
  const element = /^Array\((\w+)\)$/.exec(dtype)?.[1] as ScalarDtype | undefined;
  if (element === undefined) return decodeScalar(dtype as ScalarDtype, value);
  return (value as unknown[]).map((v) => decodeScalar(element, v));
}

function decodeScalar(dtype: ScalarDtype, value: unknown): FeatureScalar {
  switch (dtype) {
    case 'UnixTimestamp':
      return (value as Date).getTime() / 1000;
    case 'Bytes': {
      // A plain Uint8Array, not the client's Buffer, as every store returns.
      const buffer = value as Buffer;
      return new Uint8Array(buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength));
    }
    default:
      return value as FeatureScalar;
  }
}

function inTimestampRange(ms: number): boolean {
  return Number.isFinite(ms) && ms >= MIN_TIMESTAMP_MS && ms <= MAX_TIMESTAMP_MS;
}
