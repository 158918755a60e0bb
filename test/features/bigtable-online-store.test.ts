import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Bigtable, type Table } from '@google-cloud/bigtable';
import type { BigtableStoreSettings } from '../../src/config/app-config';
import { BigtableOnlineStore, featureFamily } from '../../src/features/online-store/bigtable/bigtable-online-store';
import { cellBytes, type RawCell } from '../../src/features/online-store/bigtable/bigtable-client';
import { BigtableSchemaError } from '../../src/features/online-store/bigtable/bigtable-schema-error';
import { FeatureValueError } from '../../src/features/online-store/feature-value-error';
import { prepareEmulatorEnvironment, startBigtableEmulator, type RealServer } from '../support/real-servers';
import { CONTRACT_FIELDS, contractRow as row, contractView, fullValues, onlineStoreContract } from './online-store-contract';

prepareEmulatorEnvironment();
// The emulator host must come from the settings, not from the environment.
delete process.env.BIGTABLE_EMULATOR_HOST;

const view = (version = 1, features = CONTRACT_FIELDS) => contractView('bigtable', version, features);
const CONTRACT_VIEWS = [view(1), view(2, [{ name: 's', dtype: 'Int64' }])];

let emulator: RealServer;
let settings: BigtableStoreSettings;
const started = (async () => {
  emulator = await startBigtableEmulator();
  settings = { kind: 'bigtable', projectId: 'stratum-test', instanceId: 'serving', emulatorHost: emulator.host };
})();
after(async () => {
  await emulator?.stop();
});

onlineStoreContract('BigtableOnlineStore', {
  kind: 'bigtable',
  views: CONTRACT_VIEWS,
  bulkKeys: 2_000,
  open: async () => {
    await started;
    await BigtableOnlineStore.init(settings, CONTRACT_VIEWS, { tableId: 'contract' });
    return BigtableOnlineStore.open(settings, { tableId: 'contract' });
  },
  reopen: async (store) => {
    await store.close();
    return BigtableOnlineStore.open(settings, { tableId: 'contract' });
  },
});

describe('BigtableOnlineStore (Bigtable emulator)', () => {
  let store: BigtableOnlineStore;
  /** A second, plain client to look at what the adapter stored. */
  let raw: Bigtable;
  let rawTable: Table;

  before(async () => {
    await started;
    await BigtableOnlineStore.init(settings, CONTRACT_VIEWS, { tableId: 'features' });
    store = BigtableOnlineStore.open(settings, { tableId: 'features' });
    raw = new Bigtable({ projectId: settings.projectId, metricsEnabled: false, apiEndpoint: emulator.host });
    rawTable = raw.instance(settings.instanceId).table('features');
  });
  after(async () => {
    await store?.close();
    await raw?.close();
  });

  it('stores the documented layout: salted row key, a family per view version, typed cells', async () => {
    await store.write(view(), [row('layout', fullValues(3), '2024-05-01T12:00:00.250Z')]);
    const [rows] = await rawTable.getRows({ prefixes: [], decode: false });
    const mine = rows.filter((r) => String(r.id).endsWith('#user_id#layout'));
    assert.equal(mine.length, 1);
    assert.match(String(mine[0]!.id), /^[0-9a-f]{4}#user_id#layout$/);
    const cells = mine[0]!.data[featureFamily(view())] as Record<string, RawCell[]>;
    const bytes = (q: string) => cellBytes(cells[q]![0]!.value);
    assert.equal(featureFamily(view()), 'user_features.v1');
    // Int64 as Bigtable's 8-byte big-endian integer, the event time as the cell timestamp (µs).
    assert.equal(bytes('i64').readBigInt64BE(), BigInt(fullValues(3).i64 as number));
    assert.equal(bytes('f64').readDoubleBE(), fullValues(3).f64);
    assert.deepEqual(bytes('s'), Buffer.concat([Buffer.from([1]), Buffer.from('user 3 ✓')]));
    assert.equal(cells['i64']![0]!.timestamp, String(Date.parse('2024-05-01T12:00:00.250Z') * 1000));
    assert.equal(Number(bytes('@event_ts').readBigInt64BE()), Date.parse('2024-05-01T12:00:00.250Z'));
  });

  it('tells empty strings, empty bytes and empty arrays apart from null', async () => {
    await store.write(view(), [row('empties', { s: '', by: new Uint8Array([]), as: [], af: null })]);
    const [got] = await store.read(view(), ['empties']);
    assert.equal(got?.values.s, '');
    assert.deepEqual(got?.values.by, new Uint8Array([]));
    assert.deepEqual(got?.values.as, []);
    assert.equal(got?.values.af, null);
    assert.equal(got?.values.i32, null);
  });

  it('lets a later write with the same event time win, and a null overwrite an older value', async () => {
    await store.write(view(), [row('same', { s: 'first', i32: 1 })]);
    await store.write(view(), [row('same', { s: 'second' })]);
    const [got] = await store.read(view(), ['same']);
    assert.equal(got?.values.s, 'second');
    assert.equal(got?.values.i32, null, 'the newer row has no i32: the older value must not show through');
  });

  it('makes one ReadRows per multi-key read and one MutateRows per write', async () => {
    const keys = Array.from({ length: 50 }, (_, i) => `batch${i}`);
    // Counted at the SDK (the Table class is not exported at runtime: take it from an instance).
    const proto = Object.getPrototypeOf(rawTable) as Table;
    const getRows = proto.getRows;
    let calls = 0;
    proto.getRows = function (this: Table, ...args: unknown[]) {
      calls++;
      return (getRows as (...a: unknown[]) => unknown).apply(this, args);
    } as typeof getRows;
    try {
      const before = { ...store.stats };
      await store.write(view(), keys.slice(0, 40).map((k) => row(k, { i32: 1 })));
      const got = await store.read(view(), [...keys, 'batch3', 'nobody']);
      assert.equal(got.filter(Boolean).length, 41);
      assert.equal(calls, 1);
      assert.deepEqual(store.stats, { reads: before.reads + 1, writes: before.writes + 1 });
    } finally {
      proto.getRows = getRows;
    }
  });

  it('refuses event times before 1970 (cell timestamps) before writing anything', async () => {
    const batch = [row('pre1', { s: 'ok' }), row('pre2', { s: 'old' }, '1969-12-31T23:59:59Z')];
    await assert.rejects(store.write(view(), batch), (e: unknown) => e instanceof FeatureValueError && e.entityKey === 'pre2');
    assert.deepEqual(await store.read(view(), ['pre1', 'pre2']), [undefined, undefined]);
  });

  it('deletes one view version and leaves the entity\'s other views in the row', async () => {
    const v2 = view(2, [{ name: 's', dtype: 'Int64' }]);
    await store.write(view(1), [row('both', { s: 'v1' })]);
    await store.write(v2, [row('both', { s: 2 })]);
    await store.delete(view(1), ['both', 'both']);
    assert.deepEqual(await store.read(view(1), ['both']), [undefined]);
    assert.equal((await store.read(v2, ['both']))[0]?.values.s, 2);
  });

  it('says to run `stratum online-store init` when the table or the family is missing', async () => {
    const bare = BigtableOnlineStore.open(settings, { tableId: 'never_initialized' });
    try {
      await assert.rejects(bare.read(view(), ['u1']), (e: unknown) =>
        e instanceof BigtableSchemaError && /never_initialized/.test(e.message) && /run `stratum online-store init`/i.test(e.message));
      await assert.rejects(bare.write(view(), [row('u1', { s: 'x' })]), BigtableSchemaError);
      await assert.rejects(store.read(view(7), ['u1']), (e: unknown) =>
        e instanceof BigtableSchemaError && e.message.includes("'user_features.v7'") && /stratum online-store init/.test(e.message));
      // After init, the same (already open) store works: a failed check is not remembered.
      await BigtableOnlineStore.init(settings, [view(7)], { tableId: 'features' });
      await store.write(view(7), [row('u7', { s: 'seven' })]);
      assert.equal((await store.read(view(7), ['u7']))[0]?.values.s, 'seven');
    } finally {
      await bare.close();
    }
  });

  it('init is idempotent and adds only the families that are missing', async () => {
    const first = await BigtableOnlineStore.init(settings, [view(1)], { tableId: 'init_twice' });
    const second = await BigtableOnlineStore.init(settings, [view(1)], { tableId: 'init_twice' });
    const third = await BigtableOnlineStore.init(settings, [view(1), view(3)], { tableId: 'init_twice' });
    assert.deepEqual(first, { table: 'init_twice', createdTable: true, createdFamilies: ['user_features.v1'] });
    assert.deepEqual(second, { table: 'init_twice', createdTable: false, createdFamilies: [] });
    assert.deepEqual(third, { table: 'init_twice', createdTable: false, createdFamilies: ['user_features.v3'] });
    const [metadata] = await raw.instance(settings.instanceId).table('init_twice').getMetadata({ view: 'schema' });
    assert.deepEqual(metadata.columnFamilies?.['user_features.v1']?.gcRule?.maxNumVersions, 1);
  });
});
