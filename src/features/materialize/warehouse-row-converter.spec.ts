import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FeatureValueError } from '../online-store/feature-value-error';
import type { FeatureField, FeatureView } from '../spec/feature-manifest';
import type { ColumnType, WarehouseResult } from '../../warehouse/warehouse';
import { MaterializationError } from './materialization-error';
import { toFeatureValue, toOnlineRows, type RowMapping } from './warehouse-row-converter';

function view(features: FeatureField[]): FeatureView {
  return {
    name: 'user_features', entities: ['user'], joinKeys: ['user_id'], features,
    source: { kind: 'query', query: 'SELECT 1' }, timestampField: 'ts', ttlSeconds: 60,
    onlineStore: 'embedded', version: 1, tags: {},
  };
}

function result(columns: [string, ColumnType][], rows: WarehouseResult['rows']): WarehouseResult {
  return { columns: columns.map(([name, type]) => ({ name, type })), rows };
}

const byName = (v: FeatureView): RowMapping => ({
  entityColumn: 'user_id',
  eventTime: { column: 'ts' },
  featureColumns: Object.fromEntries(v.features.map((f) => [f.name, f.name])),
});
const at = { view: 'user_features', feature: 'f', entityKey: 'u1' };

describe('toOnlineRows', () => {
  it('converts the warehouse port\'s JSON values by dtype', () => {
    const v = view([
      { name: 'country', dtype: 'String' }, { name: 'sessions', dtype: 'Int64' }, { name: 'big', dtype: 'Int64' },
      { name: 'seconds', dtype: 'Float64' }, { name: 'active', dtype: 'Bool' }, { name: 'signup', dtype: 'UnixTimestamp' },
      { name: 'last_seen', dtype: 'UnixTimestamp' }, { name: 'missing', dtype: 'String' },
    ]);
    const rows = toOnlineRows(
      v,
      result(
        [['user_id', 'STRING'], ['country', 'STRING'], ['sessions', 'INTEGER'], ['big', 'INTEGER'], ['seconds', 'NUMERIC'], ['active', 'BOOLEAN'], ['signup', 'DATE'], ['last_seen', 'TIMESTAMP'], ['missing', 'STRING'], ['ts', 'TIMESTAMP']],
        [['u1', 'FR', 12, '9007199254740991', 1.5, true, '2024-03-19', '2024-04-09T21:16:23.361Z', null, '2024-04-10T00:00:00.000Z']],
      ),
      byName(v),
    );
    assert.deepEqual(rows, [
      {
        entityKey: 'u1',
        values: { country: 'FR', sessions: 12, big: 9007199254740991, seconds: 1.5, active: true, signup: 1710806400, last_seen: 1712697383.361, missing: null },
        eventTimestamp: new Date('2024-04-10T00:00:00.000Z'),
      },
    ]);
  });

  it('keys rows by the join key as text, skips rows without one, and reads DATE event times as midnight UTC', () => {
    const v = view([{ name: 'n', dtype: 'Int32' }]);
    const rows = toOnlineRows(v, result([['user_id', 'INTEGER'], ['n', 'INTEGER'], ['ts', 'DATE']], [[42, 1, '2024-01-02'], [null, 2, '2024-01-02']]), byName(v));
    assert.deepEqual(rows, [{ entityKey: '42', values: { n: 1 }, eventTimestamp: new Date('2024-01-02T00:00:00Z') }]);
  });

  it('stamps every row with a fixed event time and reads features from other columns (metric views)', () => {
    const v = view([{ name: 'sessions_7d', dtype: 'Int64', metric: 'sessions' }]);
    const end = new Date('2024-07-01T00:00:00Z');
    const rows = toOnlineRows(v, result([['user', 'STRING'], ['sessions', 'INTEGER']], [['u1', 3], ['u2', null]]), {
      entityColumn: 'user',
      eventTime: { fixed: end },
      featureColumns: { sessions_7d: 'sessions' },
    });
    assert.deepEqual(rows, [
      { entityKey: 'u1', values: { sessions_7d: 3 }, eventTimestamp: end },
      { entityKey: 'u2', values: { sessions_7d: null }, eventTimestamp: end },
    ]);
  });

  it('names the view, feature and entity of a value that does not fit', () => {
    const v = view([{ name: 'sessions', dtype: 'Int64' }]);
    assert.throws(
      () => toOnlineRows(v, result([['user_id', 'STRING'], ['sessions', 'FLOAT'], ['ts', 'TIMESTAMP']], [['u7', 2.5, '2024-01-01T00:00:00.000Z']]), byName(v)),
      (e: unknown) =>
        e instanceof FeatureValueError && e.view === 'user_features' && e.feature === 'sessions' && e.entityKey === 'u7' && /number 2\.5, which is not a Int64/.test(e.message),
    );
    assert.throws(
      () => toOnlineRows(v, result([['user_id', 'STRING'], ['sessions', 'INTEGER'], ['ts', 'STRING']], [['u8', 1, 'yesterday']]), byName(v)),
      (e: unknown) => e instanceof FeatureValueError && e.feature === 'ts' && e.entityKey === 'u8' && /"yesterday"/.test(e.message),
    );
  });

  it('says which column the source lacks, and which it has', () => {
    const v = view([{ name: 'sessions', dtype: 'Int64' }]);
    assert.throws(
      () => toOnlineRows(v, result([['user_id', 'STRING'], ['ts', 'TIMESTAMP']], []), byName(v)),
      (e: unknown) => e instanceof MaterializationError && e.code === 'SOURCE_MISMATCH' && /no column 'sessions' \(feature 'sessions'\); it returned: user_id, ts/.test(e.message),
    );
  });
});

describe('toFeatureValue', () => {
  it('accepts integers as digit strings only while a JS number holds them exactly', () => {
    assert.equal(toFeatureValue('Int64', '-9007199254740991', at), -9007199254740991);
    assert.throws(() => toFeatureValue('Int64', '9007199254740993', at), /beyond 2\^53.*declare it as String/);
    assert.throws(() => toFeatureValue('Int32', 2 ** 31, at), /does not fit Int32; declare the feature as Int64/);
  });

  it('converts strings, numbers, bytes and lists by dtype, and refuses the rest', () => {
    assert.equal(toFeatureValue('String', 12, at), '12');
    assert.equal(toFeatureValue('Float32', '0.25', at), 0.25);
    assert.deepEqual(toFeatureValue('Bytes', 'AP8H', at), new Uint8Array([0, 255, 7]));
    assert.deepEqual(toFeatureValue('Array(Int64)', '[1, "2"]', at), [1, 2]);
    assert.deepEqual(toFeatureValue('Array(String)', ['a'], at), ['a']);
    assert.throws(() => toFeatureValue('Array(Int64)', '[1, null]', at), (e: unknown) => e instanceof FeatureValueError && e.feature === 'f[1]');
    assert.throws(() => toFeatureValue('Bool', 'true', at), /the string "true", which is not a Bool/);
    assert.throws(() => toFeatureValue('Float64', 'NaN', at), FeatureValueError);
    assert.throws(() => toFeatureValue('UnixTimestamp', '2024-13-01', at), FeatureValueError);
  });
});
