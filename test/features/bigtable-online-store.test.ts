import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Bigtable, type Table } from '@google-cloud/bigtable';
import type { BigtableStoreSettings } from '../../src/config/app-config';
import { BigtableOnlineStore, featureFamily } from '../../src/features/online-store/bigtable/bigtable-online-store';
import { cellBytes, exactPattern, type RawBigtableRow, type RawCell } from '../../src/features/online-store/bigtable/bigtable-client';
import { int64 } from '../../src/features/online-store/bigtable/bigtable-cell-codec';
import { keySalt } from '../../src/features/online-store/bigtable/bigtable-row-key';
import type { FeatureView } from '../../src/features/spec/feature-manifest';
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
  const rowKeyOf = (entityKey: string) => `${keySalt(entityKey)}#user_id#${entityKey}`;
  /** The newest cells of one entity's row in one family, read with the plain SDK. */
  const rawRowCells = async (family: string, entityKey: string): Promise<RawCell[]> => {
    const [rows] = await rawTable.getRows({ keys: [rowKeyOf(entityKey)], decode: false, filter: [{ family: exactPattern(family) }] });
    return ((rows[0]?.data[family] ?? {}) as Record<string, RawCell[]>)['row'] ?? [];
  };

  it('stores the documented layout: salted row key, a family per view version, one typed cell per row', async () => {
    const eventMs = Date.parse('2024-05-01T12:00:00.250Z');
    await store.write(view(), [row('layout', fullValues(3), '2024-05-01T12:00:00.250Z')]);
    const [rows] = await rawTable.getRows({ prefixes: [], decode: false });
    const mine = rows.filter((r) => String(r.id).endsWith('#user_id#layout'));
    assert.equal(mine.length, 1);
    assert.match(String(mine[0]!.id), /^[0-9a-f]{4}#user_id#layout$/);
    assert.equal(featureFamily(view()), 'user_features.v1');
    const cells = mine[0]!.data[featureFamily(view())] as Record<string, RawCell[]>;
    assert.deepEqual(Object.keys(cells), ['row']);
    assert.equal(cells['row']!.length, 1);
    // The event time is the cell timestamp (µs) and the value's header.
    assert.equal(cells['row']![0]!.timestamp, String(eventMs * 1000));
    const v = fullValues(3);
    const double = (n: number) => {
      const b = Buffer.alloc(8);
      b.writeDoubleBE(n);
      return b;
    };
    const text = (t: string) => Buffer.concat([Buffer.from([1]), Buffer.from(t, 'utf8')]);
    const field = (bytes: Buffer) => Buffer.concat([Buffer.from([bytes.length]), bytes]);
    const expected = Buffer.concat([
      Buffer.from([0x01]), int64(eventMs),
      field(int64(v.i32 as number)), field(int64(v.i64 as number)), field(double(v.f32 as number)), field(double(v.f64 as number)),
      field(text('user 3 ✓')), field(Buffer.from([0])), field(double(v.ts as number)), field(Buffer.from([1, 3, 0, 255])),
      field(text('[3,-0.5]')), field(text('["a","b3"]')),
    ]);
    assert.deepEqual(cellBytes(cells['row']![0]!.value), expected);
  });

  it('encodes a null as a zero-length value', async () => {
    const v2 = view(2, [{ name: 's', dtype: 'Int64' }]);
    await store.write(v2, [row('nullcell', { s: null })]);
    const [cell] = await rawRowCells(featureFamily(v2), 'nullcell');
    assert.deepEqual(cellBytes(cell!.value), Buffer.concat([Buffer.from([0x01]), int64(Date.parse('2024-05-01T00:00:00Z')), Buffer.from([0])]));
  });

  it('reads a 100-key batch of a 50-feature view as exactly 100 cells', async () => {
    const dtypes = ['Int64', 'Float64', 'String', 'Bool', 'Array(Float64)'] as const;
    const wide: FeatureView = {
      ...view(1, Array.from({ length: 50 }, (_, i) => ({ name: `f${i}`, dtype: dtypes[i % dtypes.length]! }))),
      name: 'wide_features',
    };
    await BigtableOnlineStore.init(settings, [wide], { tableId: 'features' });
    const keys = Array.from({ length: 100 }, (_, i) => `wide${i}`);
    const valuesOf = (n: number) => Object.fromEntries(wide.features.map((f, i) => [f.name, [n + i, n * 0.5 + i, `v${n}.${i}`, (n + i) % 2 === 0, [n, i]][i % 5]!]));
    await store.write(wide, keys.map((k, n) => row(k, valuesOf(n))));

    // What the store's own ReadRows brought back, counted at the SDK.
    const proto = Object.getPrototypeOf(rawTable) as Table;
    const getRows = proto.getRows;
    const responses: RawBigtableRow[][] = [];
    proto.getRows = function (this: Table, ...args: unknown[]) {
      const result = (getRows as unknown as (...a: unknown[]) => Promise<[RawBigtableRow[]]>).apply(this, args);
      return result.then((r) => {
        responses.push(r[0]);
        return r;
      });
    } as typeof getRows;
    let got;
    try {
      got = await store.read(wide, keys);
    } finally {
      proto.getRows = getRows;
    }
    assert.equal(responses.length, 1);
    assert.equal(responses[0]!.length, 100);
    assert.equal(countCells(responses[0]!), 100);
    got.forEach((r, n) => assert.deepEqual(r?.values, valuesOf(n)));

    // And everything the family holds, read raw: one cell per entity, nothing else.
    const [all] = await rawTable.getRows({ decode: false, filter: [{ family: exactPattern(featureFamily(wide)) }] });
    assert.equal(all.length, 100);
    assert.equal(countCells(all as unknown as RawBigtableRow[]), 100);
  });

  it('refuses a row cell it cannot decode, naming table, family and row', async () => {
    const family = featureFamily(view());
    await store.write(view(), [row('truncated', fullValues(4))]);
    const [good] = await rawRowCells(family, 'truncated');
    const goodBytes = cellBytes(good!.value);
    await rawTable.insert([
      { key: rowKeyOf('truncated'), data: { [family]: { row: { value: goodBytes.subarray(0, goodBytes.length - 3), timestamp: Date.now() * 1000 } } } },
      { key: rowKeyOf('garbage'), data: { [family]: { row: Buffer.from('not a row') } } },
      { key: rowKeyOf('oldlayout'), data: { [family]: { s: Buffer.from([1, 0x78]) } } },
    ]);
    const names = (key: string) => (e: unknown) =>
      e instanceof Error && e.message.includes("Bigtable table 'features'") && e.message.includes(`family '${family}'`) &&
      e.message.includes(`row '${rowKeyOf(key)}'`);
    await assert.rejects(store.read(view(), ['truncated']), (e: unknown) => names('truncated')(e) && /feature 'as'.*claims/.test((e as Error).message));
    await assert.rejects(store.read(view(), ['garbage']), (e: unknown) => names('garbage')(e) && /does not start with this store's row format/.test((e as Error).message));
    await assert.rejects(store.read(view(), ['o1', 'oldlayout']), (e: unknown) => names('oldlayout')(e) && /no 'row' cell/.test((e as Error).message));
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

function countCells(rows: readonly RawBigtableRow[]): number {
  let cells = 0;
  for (const row of rows) for (const family of Object.values(row.data)) for (const column of Object.values(family)) cells += column.length;
  return cells;
}
