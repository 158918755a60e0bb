import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { SpannerStoreSettings } from '../../src/config/serving-config';
import type { FeatureField, FeatureView } from '../../src/features/spec/feature-manifest';
import { FeatureValueError } from '../../src/features/online-store/feature-value-error';
import type { FeatureValue, OnlineRow } from '../../src/features/online-store/online-store';
import { ensureEmulatorInstanceAndDatabase, openSpannerConnection, READ_OPTIONS, readSingleUse } from '../../src/features/online-store/spanner/spanner-client';
import { featureTableName } from '../../src/features/online-store/spanner/spanner-feature-schema';
import { spannerSchemaStatements } from '../../src/features/online-store/spanner/spanner-migration';
import { SpannerOnlineStore } from '../../src/features/online-store/spanner/spanner-online-store';
import { prepareEmulatorEnvironment, startSpannerEmulator, type RealServer } from '../support/real-servers';
import { contractView, onlineStoreContract } from './online-store-contract';

/** Every scalar dtype and every array dtype, so each Spanner column type is exercised. */
const FIELDS: FeatureField[] = [
  { name: 'i32', dtype: 'Int32' }, { name: 'i64', dtype: 'Int64' }, { name: 'f32', dtype: 'Float32' },
  { name: 'f64', dtype: 'Float64' }, { name: 's', dtype: 'String' }, { name: 'b', dtype: 'Bool' },
  { name: 'ts', dtype: 'UnixTimestamp' }, { name: 'by', dtype: 'Bytes' },
  { name: 'ai32', dtype: 'Array(Int32)' }, { name: 'ai64', dtype: 'Array(Int64)' }, { name: 'af32', dtype: 'Array(Float32)' },
  { name: 'af', dtype: 'Array(Float64)' }, { name: 'as', dtype: 'Array(String)' }, { name: 'ab', dtype: 'Array(Bool)' },
  { name: 'ats', dtype: 'Array(UnixTimestamp)' }, { name: 'aby', dtype: 'Array(Bytes)' },
];

function view(version = 1, features: FeatureField[] = FIELDS, name = 'sp_features'): FeatureView {
  return {
    name, entities: ['user'], joinKeys: ['user_id'], features,
    source: { kind: 'table', table: 'marts.users' }, timestampField: 'feature_timestamp', ttlSeconds: 86400,
    onlineStore: 'spanner', version, tags: {},
  };
}
const V2_FIELDS: FeatureField[] = [{ name: 's', dtype: 'Int64' }];

function row(entityKey: string, values: Record<string, FeatureValue>, iso = '2024-05-01T00:00:00Z'): OnlineRow {
  return { entityKey, values, eventTimestamp: new Date(iso) };
}

function allValues(n: number): Record<string, FeatureValue> {
  return {
    i32: -(2 ** 31) + n, i64: Number.MAX_SAFE_INTEGER - n, f32: n / 4, f64: -1.25e-9 * n, s: `é ✓ ${n}`, b: n % 2 === 0,
    ts: 1_714_557_600 + n, by: new Uint8Array([n % 256, 0, 255]),
    ai32: [1, -2, 2 ** 31 - 1], ai64: [Number.MIN_SAFE_INTEGER, 0, 3], af32: [0.5, 2], af: [n, -0.5, 1e300], as: ['a', '', `b${n}`],
    ab: [true, false], ats: [0, 1_700_000_000.5], aby: [new Uint8Array([1, 2]), new Uint8Array([])],
  };
}

describe('SpannerOnlineStore (Spanner emulator)', () => {
  let emulator: RealServer;
  let settings: SpannerStoreSettings;
  let store: SpannerOnlineStore;
  const contractViews = [contractView('spanner', 1), contractView('spanner', 2, [{ name: 's', dtype: 'Int64' }])];
  const ownViews = [view(1), view(2, V2_FIELDS)];

  before(async () => {
    prepareEmulatorEnvironment();
    emulator = await startSpannerEmulator();
    settings = { kind: 'spanner', projectId: 'stratum-test', instanceId: 'test-instance', databaseId: 'serving', readStalenessMs: 0, emulatorHost: emulator.host };
    await ensureEmulatorInstanceAndDatabase(settings);
    await ensureEmulatorInstanceAndDatabase(settings); // idempotent
    await SpannerOnlineStore.migrate(settings, [...contractViews, ...ownViews]);
    store = SpannerOnlineStore.open(settings);
  });
  after(async () => {
    await store?.close();
    await emulator?.stop();
  });

  onlineStoreContract('SpannerOnlineStore', {
    kind: 'spanner',
    views: contractViews,
    open: async () => SpannerOnlineStore.open(settings),
    reopen: async (s) => {
      await s.close();
      return SpannerOnlineStore.open(settings);
    },
    bulkKeys: 2_000,
  });

  it('creates one table per view version with one typed column per feature', async () => {
    const connection = openSpannerConnection(settings);
    try {
      const [rows] = await connection.database.run({
        sql: 'SELECT column_name, spanner_type FROM information_schema.columns WHERE table_name = @table ORDER BY ordinal_position',
        params: { table: featureTableName(view(1)) },
        json: true,
      });
      const types = Object.fromEntries((rows as { column_name: string; spanner_type: string }[]).map((r) => [r.column_name, r.spanner_type]));
      assert.equal(featureTableName(view(1)), 'fv_sp_features_v1');
      assert.deepEqual(types, {
        entity_key: 'STRING(MAX)', i32: 'INT64', i64: 'INT64', f32: 'FLOAT64', f64: 'FLOAT64', s: 'STRING(MAX)', b: 'BOOL',
        ts: 'TIMESTAMP', by: 'BYTES(MAX)', ai32: 'ARRAY<INT64>', ai64: 'ARRAY<INT64>', af32: 'ARRAY<FLOAT64>', af: 'ARRAY<FLOAT64>',
        as: 'ARRAY<STRING(MAX)>', ab: 'ARRAY<BOOL>', ats: 'ARRAY<TIMESTAMP>', aby: 'ARRAY<BYTES(MAX)>', event_timestamp: 'TIMESTAMP',
      });
    } finally {
      await connection.close();
    }
  });

  it('round-trips every scalar and array dtype, nulls and empty arrays included', async () => {
    const nulls = Object.fromEntries(FIELDS.map((f) => [f.name, null]));
    const empties = Object.fromEntries(FIELDS.filter((f) => f.dtype.startsWith('Array')).map((f) => [f.name, []]));
    await store.write(view(), [row('all1', allValues(1), '2024-05-01T12:34:56.789Z'), row('all2', nulls), row('all3', empties)]);
    const got = await store.read(view(), ['all1', 'all2', 'all3']);
    assert.deepEqual(got, [
      { entityKey: 'all1', values: allValues(1), eventTimestamp: new Date('2024-05-01T12:34:56.789Z') },
      { entityKey: 'all2', values: nulls, eventTimestamp: new Date('2024-05-01T00:00:00Z') },
      { entityKey: 'all3', values: { ...nulls, ...empties }, eventTimestamp: new Date('2024-05-01T00:00:00Z') },
    ]);
    assert.ok(got[0]!.values.by instanceof Uint8Array && !Buffer.isBuffer(got[0]!.values.by), 'Bytes come back as a plain Uint8Array');
  });

  it('reads a multi-key batch in ONE store round trip, in key order with undefined for missing keys', async () => {
    const keys = Array.from({ length: 50 }, (_, i) => `k${i}`);
    await store.write(view(), keys.filter((_, i) => i % 2 === 0).map((k, i) => row(k, { i32: i })));
    const asked = [...keys].reverse().flatMap((k) => [k, `${k}-missing`]);
    const before = store.stats.reads;
    const got = await store.read(view(), asked);
    assert.equal(store.stats.reads - before, 1);
    assert.equal(got.length, asked.length);
    got.forEach((r, i) => {
      const key = asked[i]!;
      const written = !key.endsWith('-missing') && Number(key.slice(1)) % 2 === 0;
      assert.equal(r?.entityKey, written ? key : undefined, `position ${i} (${key})`);
    });
  });

  it('reads in a single-use transaction: one StreamingRead and no BeginTransaction, where Table#read makes both', async () => {
    await store.write(view(), [row('su1', { i32: 7 })]);
    const connection = openSpannerConnection(settings);
    try {
      const table = featureTableName(view());
      const request = { keys: ['su1'], columns: ['entity_key', 'i32'], ...READ_OPTIONS };
      await readSingleUse(connection.database, table, request, { strong: true }); // creates the gRPC client counted below
      // Count the RPCs the real client sends, at its gapic client (no stub: the calls go on to the emulator).
      const gapic = connection.spanner.clients_.get('SpannerClient') as Record<string, (...args: unknown[]) => unknown>;
      const calls: string[] = [];
      for (const method of ['beginTransaction', 'streamingRead']) {
        const real = gapic[method]!;
        gapic[method] = (...args: unknown[]) => (calls.push(method), real.apply(gapic, args));
      }
      const rows = await readSingleUse(connection.database, table, request, { strong: true });
      assert.deepEqual(rows, [{ entity_key: 'su1', i32: 7 }]);
      assert.deepEqual(calls, ['streamingRead']);
      calls.length = 0;
      await connection.database.table(table).read(request, { strong: true });
      assert.deepEqual(calls, ['beginTransaction', 'streamingRead'], 'the count sees what Table#read sends');
    } finally {
      await connection.close();
    }
  });

  it('keeps the newest row by event time across calls and within a batch', async () => {
    await store.write(view(), [row('nw', { s: 'new' }, '2024-02-01T00:00:00Z')]);
    await store.write(view(), [row('nw', { s: 'older' }, '2024-01-01T00:00:00Z'), row('nw2', { s: 'b' }, '2024-01-01T00:00:00Z'), row('nw2', { s: 'a' }, '2023-01-01T00:00:00Z')]);
    const [nw, nw2] = await store.read(view(), ['nw', 'nw2']);
    assert.equal(nw?.values.s, 'new');
    assert.deepEqual(nw?.eventTimestamp, new Date('2024-02-01T00:00:00Z'));
    assert.equal(nw2?.values.s, 'b', 'the older row of the batch did not overwrite, and the rest of the batch was written');
  });

  it('isolates versions in separate tables', async () => {
    await store.write(view(1), [row('iso', { s: 'v1' })]);
    assert.deepEqual(await store.read(view(2, V2_FIELDS), ['iso']), [undefined]);
    await store.write(view(2, V2_FIELDS), [row('iso', { s: 7 })]);
    assert.equal((await store.read(view(1), ['iso']))[0]?.values.s, 'v1');
    assert.equal((await store.read(view(2, V2_FIELDS), ['iso']))[0]?.values.s, 7);
  });

  it('writes nothing of a batch with a bad value, including values only Spanner cannot hold', async () => {
    await store.write(view(), [row('bad1', { s: 'before' })]);
    const writesBefore = store.stats.writes;
    await assert.rejects(
      store.write(view(), [row('bad1', { s: 'after' }, '2025-01-01T00:00:00Z'), row('bad2', { f64: Number.POSITIVE_INFINITY })]),
      (e: unknown) => e instanceof FeatureValueError && e.feature === 'f64' && e.entityKey === 'bad2',
    );
    // Year 33658: a finite UnixTimestamp the codec accepts but a Spanner TIMESTAMP cannot hold.
    await assert.rejects(
      store.write(view(), [row('bad1', { s: 'after' }, '2025-01-01T00:00:00Z'), row('bad3', { ts: 1e12 })]),
      (e: unknown) => e instanceof FeatureValueError && e.feature === 'ts' && e.entityKey === 'bad3' && /Spanner TIMESTAMP/.test(e.message),
    );
    await assert.rejects(
      store.write(view(), [row('bad4', { s: 'x' }, '0000-12-31T00:00:00Z')]),
      (e: unknown) => e instanceof FeatureValueError && e.feature === 'feature_timestamp',
    );
    assert.equal(store.stats.writes, writesBefore, 'no transaction was even started');
    assert.deepEqual((await store.read(view(), ['bad1', 'bad2', 'bad3', 'bad4'])).map((r) => r?.values.s), ['before', undefined, undefined, undefined]);
  });

  it('deletes idempotently', async () => {
    await store.write(view(), [row('del1', { s: 'x' }), row('del2', { s: 'y' })]);
    await store.delete(view(), ['del1', 'never-written', 'del1']);
    await store.delete(view(), ['del1']);
    await store.delete(view(), []);
    assert.deepEqual((await store.read(view(), ['del1', 'del2'])).map((r) => r?.values.s), [undefined, 'y']);
  });

  it('keeps the watermark per view version, overwriting the previous one', async () => {
    assert.equal(await store.readWatermark(view(2, V2_FIELDS)), undefined);
    await store.writeWatermark(view(1), new Date('2024-06-01T00:00:00.123Z'));
    await store.writeWatermark(view(1), new Date('2024-06-02T00:00:00Z'));
    assert.deepEqual(await store.readWatermark(view(1)), new Date('2024-06-02T00:00:00Z'));
    assert.equal(await store.readWatermark(view(2, V2_FIELDS)), undefined);
  });

  it('serves data written earlier through exact-staleness reads', async () => {
    await store.write(view(), [row('stale1', { s: 'written before' }), row('stale2', { s: 'also' })]);
    const staleMs = 250;
    const stale = SpannerOnlineStore.open({ ...settings, readStalenessMs: staleMs });
    try {
      // Exact staleness reads the database as it was staleMs ago: wait until the write is that old.
      await new Promise((r) => setTimeout(r, staleMs * 3));
      const got = await stale.read(view(), ['stale2', 'nope', 'stale1']);
      assert.deepEqual(got.map((r) => r?.values.s), ['also', undefined, 'written before']);
      assert.equal(stale.stats.reads, 1);
    } finally {
      await stale.close();
    }
  });

  it('fails with a clear error naming the missing table and `stratum spanner migrate`', async () => {
    const unmigrated = view(99, [{ name: 's', dtype: 'String' }]);
    const expected = (e: unknown) => e instanceof Error && /fv_sp_features_v99/.test(e.message) && /stratum spanner migrate/.test(e.message);
    await assert.rejects(store.read(unmigrated, ['a']), expected);
    await assert.rejects(store.write(unmigrated, [row('a', { s: 'x' })]), expected);
  });

  it('migrates idempotently: a second run applies nothing', async () => {
    const again = await SpannerOnlineStore.migrate(settings, [...contractViews, ...ownViews]);
    assert.deepEqual(again.applied, []);
    assert.deepEqual(again.existing.sort(), spannerSchemaStatements([...contractViews, ...ownViews]).map((o) => o.name).sort());
    // A new version is added alone.
    const v3 = view(3, [{ name: 'x', dtype: 'Bool' }]);
    const added = await SpannerOnlineStore.migrate(settings, [...ownViews, v3]);
    assert.equal(added.applied.length, 1);
    assert.match(added.applied[0]!, /CREATE TABLE `fv_sp_features_v3`/);
    await store.write(v3, [row('v3', { x: true })]);
    assert.equal((await store.read(v3, ['v3']))[0]?.values.x, true);
  });

  it('refuses to migrate a view whose features changed without a version bump', async () => {
    const changed = view(2, [{ name: 's', dtype: 'String' }, { name: 'extra', dtype: 'Float64' }]);
    await assert.rejects(SpannerOnlineStore.migrate(settings, [changed]), (e: unknown) =>
      e instanceof Error && /column s is INT64, the view wants STRING\(MAX\)/.test(e.message) && /no column extra/.test(e.message) && /bump the `version`/.test(e.message));
  });
});
