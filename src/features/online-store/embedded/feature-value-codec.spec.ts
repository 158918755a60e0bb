import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { FeatureField, FeatureView } from '../../spec/feature-manifest';
import { FeatureValueError } from '../feature-value-error';
import { FeatureValueCodec } from './feature-value-codec';

function view(features: FeatureField[]): FeatureView {
  return {
    name: 'v', entities: ['user'], joinKeys: ['user_id'], features,
    source: { kind: 'table', table: 't' }, timestampField: 'ts', ttlSeconds: 60,
    onlineStore: 'embedded', version: 1, tags: {},
  };
}
const at = new Date('2024-05-01T10:00:00Z');

describe('FeatureValueCodec', () => {
  it('round-trips every scalar and array dtype, null included', () => {
    const codec = new FeatureValueCodec(view([
      { name: 'i32', dtype: 'Int32' }, { name: 'i64', dtype: 'Int64' }, { name: 'f32', dtype: 'Float32' },
      { name: 'f64', dtype: 'Float64' }, { name: 's', dtype: 'String' }, { name: 'b', dtype: 'Bool' },
      { name: 'ts', dtype: 'UnixTimestamp' }, { name: 'by', dtype: 'Bytes' }, { name: 'ai', dtype: 'Array(Int64)' },
      { name: 'as', dtype: 'Array(String)' }, { name: 'ab', dtype: 'Array(Bytes)' }, { name: 'n', dtype: 'Float64' },
    ]));
    const values = {
      i32: -(2 ** 31), i64: Number.MAX_SAFE_INTEGER, f32: 0.5, f64: -1.25e-9, s: 'é ✓', b: false, ts: 1714557600,
      by: new Uint8Array([0, 255, 7]), ai: [1, -2], as: [], ab: [new Uint8Array([1]), new Uint8Array([])], n: null,
    };
    const encoded = codec.encodeRow({ entityKey: 'u1', values, eventTimestamp: at });
    // What the store persists must survive JSON, or a reopened store would read other values.
    const decoded = codec.decodeValues(JSON.parse(JSON.stringify(encoded.values)));
    assert.deepEqual(decoded, values);
    assert.equal(encoded.eventTimeMs, at.getTime());
    assert.ok(decoded.by instanceof Uint8Array && !Buffer.isBuffer(decoded.by));
  });

  it('stores a feature the row leaves out as null', () => {
    const codec = new FeatureValueCodec(view([{ name: 'a', dtype: 'String' }, { name: 'b', dtype: 'Int32' }]));
    const encoded = codec.encodeRow({ entityKey: 'u1', values: { b: 3 }, eventTimestamp: at });
    assert.deepEqual(codec.decodeValues(encoded.values), { a: null, b: 3 });
  });

  const rejected: [string, FeatureField['dtype'], unknown][] = [
    ['a string for Int64', 'Int64', '42'],
    ['an unsafe Int64', 'Int64', 2 ** 53],
    ['a fraction for Int32', 'Int32', 1.5],
    ['Int32 overflow', 'Int32', 2 ** 31],
    ['NaN for Float64', 'Float64', Number.NaN],
    ['a number for String', 'String', 7],
    ['a string for Bool', 'Bool', 'true'],
    ['a string for Bytes', 'Bytes', 'AAEC'],
    ['a scalar for an array', 'Array(Int32)', 1],
    ['an array for a scalar', 'Float32', [1]],
    ['a null element', 'Array(String)', ['a', null]],
    ['a wrong element', 'Array(Float64)', [1, 'x']],
  ];
  for (const [what, dtype, value] of rejected) {
    it(`rejects ${what}, naming view, feature and entity`, () => {
      const codec = new FeatureValueCodec(view([{ name: 'f', dtype }]));
      assert.throws(
        () => codec.encodeRow({ entityKey: 'u9', values: { f: value as never }, eventTimestamp: at }),
        (e: unknown) => e instanceof FeatureValueError && e.view === 'v' && e.feature.startsWith('f') && e.entityKey === 'u9'
          && /expected/.test(e.message) && e.message.includes("'u9'"),
      );
    });
  }

  it('rejects unknown features, empty keys and invalid timestamps', () => {
    const codec = new FeatureValueCodec(view([{ name: 'a', dtype: 'String' }]));
    assert.throws(() => codec.encodeRow({ entityKey: 'u1', values: { zz: 'x' }, eventTimestamp: at }), /feature 'zz'.*has: a/);
    assert.throws(() => codec.encodeRow({ entityKey: '', values: {}, eventTimestamp: at }), /feature 'user_id'.*non-empty/);
    assert.throws(() => codec.encodeRow({ entityKey: 'u1', values: {}, eventTimestamp: new Date('nope') }), /feature 'ts'.*valid Date/);
  });
});
