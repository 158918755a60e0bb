import type { FeatureDtype, FeatureView, ScalarDtype } from '../../spec/feature-manifest';
import { FeatureValueError } from '../feature-value-error';
import { perView } from '../../spec/per-view';
import type { FeatureScalar, FeatureValue, OnlineRow } from '../online-store';

/** A feature value in a JSON-safe form (Bytes as base64), as the embedded store persists it. */
export type EncodedScalar = string | number | boolean;
export type EncodedValue = EncodedScalar | EncodedScalar[] | null;

/** One row as persisted: event time in epoch ms, then one value per feature in the view's order. */
export interface EncodedRow {
  entityKey: string;
  eventTimeMs: number;
  values: EncodedValue[];
}

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

/**
 * Checks and encodes one view's rows by each feature's dtype. Checking here, before anything is
 * stored, is what makes a bad value reject its whole batch instead of being served later as a
 * wrong type. Values are kept positionally (the view's feature order): the view's version changes
 * with its shape, so a stored row is only ever decoded by the same shape.
 */
export class FeatureValueCodec {
  private readonly index = new Map<string, number>();

  /** The codec of a view, built once per view object. */
  static readonly for = perView((view) => new FeatureValueCodec(view));

  constructor(private readonly view: FeatureView) {
    view.features.forEach((f, i) => this.index.set(f.name, i));
  }

  /** Values per row: one per feature of the view. */
  get featureCount(): number {
    return this.view.features.length;
  }

  /** The position of a feature of the view among a row's values (undefined when the view has no such feature). */
  positionOf(feature: string): number | undefined {
    return this.index.get(feature);
  }

  /** Encodes a row or throws FeatureValueError naming the view, feature and entity. */
  encodeRow(row: OnlineRow): EncodedRow {
    const { entityKey } = row;
    const joinKey = this.view.joinKeys[0] ?? 'entity key';
    if (typeof entityKey !== 'string' || entityKey.length === 0) {
      throw new FeatureValueError(this.view.name, joinKey, String(entityKey), 'the entity key must be a non-empty string');
    }
    const eventTimeMs = row.eventTimestamp instanceof Date ? row.eventTimestamp.getTime() : Number.NaN;
    if (!Number.isFinite(eventTimeMs)) {
      throw new FeatureValueError(this.view.name, this.view.timestampField, entityKey, 'the event timestamp must be a valid Date');
    }
    for (const name of Object.keys(row.values)) {
      if (!this.index.has(name)) {
        const known = this.view.features.map((f) => f.name).join(', ');
        throw new FeatureValueError(this.view.name, name, entityKey, `the view has no such feature (it has: ${known})`);
      }
    }
    // A feature the row leaves out is stored as null: it is served as NULL_VALUE, never invented.
    const values = this.view.features.map((f) => {
      const value = row.values[f.name];
      return value === undefined ? null : this.encodeValue(f.dtype, value, f.name, entityKey);
    });
    return { entityKey, eventTimeMs, values };
  }

  /** Decodes a persisted row back to feature name → value. */
  decodeValues(values: readonly EncodedValue[]): Record<string, FeatureValue> {
    const out: Record<string, FeatureValue> = {};
    this.view.features.forEach((f, i) => {
      const v = values[i];
      out[f.name] = v === undefined || v === null ? null : decodeValue(f.dtype, v);
    });
    return out;
  }

  /** Decodes a row from each value's JSON text, as a row's text holds them (row-text.ts). */
  decodeCells(cells: readonly string[]): Record<string, FeatureValue> {
    return this.decodeValues(JSON.parse(`[${cells.join(',')}]`) as EncodedValue[]);
  }

  private encodeValue(dtype: FeatureDtype, value: FeatureValue, feature: string, entityKey: string): EncodedValue {
    if (value === null) return null;
    const element = arrayElementDtype(dtype);
    if (element === undefined) {
      if (Array.isArray(value)) throw this.mismatch(feature, entityKey, dtype, 'an array');
      return this.encodeScalar(dtype as ScalarDtype, value, feature, entityKey);
    }
    if (!Array.isArray(value)) throw this.mismatch(feature, entityKey, dtype, describe(value));
    // Feast's list values have no null elements; refusing them keeps every store able to hold them.
    return value.map((v, i) => {
      if (v === null || v === undefined) throw this.mismatch(`${feature}[${i}]`, entityKey, element, String(v));
      return this.encodeScalar(element, v, `${feature}[${i}]`, entityKey);
    });
  }

  private encodeScalar(dtype: ScalarDtype, value: FeatureScalar, feature: string, entityKey: string): EncodedScalar {
    switch (dtype) {
      case 'String':
        if (typeof value === 'string') return value;
        break;
      case 'Bool':
        if (typeof value === 'boolean') return value;
        break;
      case 'Int32':
        if (Number.isInteger(value) && (value as number) >= INT32_MIN && (value as number) <= INT32_MAX) return value as number;
        break;
      case 'Int64':
        // Beyond 2^53 a JS number has already lost digits: refuse rather than store a wrong id.
        if (Number.isSafeInteger(value)) return value as number;
        break;
      case 'Float32':
      case 'Float64':
      case 'UnixTimestamp':
        // NaN/Infinity have no JSON form and no meaning as a served feature.
        if (typeof value === 'number' && Number.isFinite(value)) return value;
        break;
      case 'Bytes':
        if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
        break;
    }
    return this.fail(feature, entityKey, dtype, value);
  }

  private fail(feature: string, entityKey: string, dtype: string, value: FeatureScalar): never {
    throw this.mismatch(feature, entityKey, dtype, describe(value));
  }

  private mismatch(feature: string, entityKey: string, dtype: string, got: string): FeatureValueError {
    return new FeatureValueError(this.view.name, feature, entityKey, `expected ${expectation(dtype)}, got ${got}`);
  }
}

function arrayElementDtype(dtype: FeatureDtype): ScalarDtype | undefined {
  const match = /^Array\((\w+)\)$/.exec(dtype);
  return match ? (match[1] as ScalarDtype) : undefined;
}

function decodeValue(dtype: FeatureDtype, value: EncodedScalar | EncodedScalar[]): FeatureValue {
  if (dtype === 'Bytes') return fromBase64(value as string);
  if (dtype === 'Array(Bytes)') return (value as string[]).map(fromBase64);
  return Array.isArray(value) ? [...value] : value;
}

/** A plain Uint8Array, not a Buffer, so callers see exactly the type they wrote. */
function fromBase64(text: string): Uint8Array {
  const buffer = Buffer.from(text, 'base64');
  return new Uint8Array(buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength));
}

function expectation(dtype: string): string {
  switch (dtype) {
    case 'String': return 'a string (String)';
    case 'Bool': return 'a boolean (Bool)';
    case 'Int32': return 'an integer between -2^31 and 2^31-1 (Int32)';
    case 'Int64': return 'a safe integer, |n| <= 2^53-1 (Int64)';
    case 'Float32':
    case 'Float64': return `a finite number (${dtype})`;
    case 'UnixTimestamp': return 'epoch seconds as a finite number (UnixTimestamp)';
    case 'Bytes': return 'a Uint8Array (Bytes)';
    default: return `an array (${dtype})`;
  }
}

function describe(value: unknown): string {
  if (value instanceof Uint8Array) return 'bytes';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (typeof value === 'number' || typeof value === 'boolean') return `${typeof value} ${String(value)}`;
  return value === undefined ? 'undefined' : typeof value;
}
