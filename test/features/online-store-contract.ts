import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { FeatureField, FeatureView, OnlineStoreKind } from '../../src/features/spec/feature-manifest';
import { FeatureValueError } from '../../src/features/online-store/feature-value-error';
import type { FeatureValue, OnlineRow, OnlineStore, StoredRow } from '../../src/features/online-store/online-store';

/**
 * The behaviours every OnlineStore adapter shares (the port's contract), run against each real
 * store: the embedded one on files, Bigtable and Spanner on their emulators.
 */
export const CONTRACT_FIELDS: FeatureField[] = [
  { name: 'i32', dtype: 'Int32' }, { name: 'i64', dtype: 'Int64' }, { name: 'f32', dtype: 'Float32' },
  { name: 'f64', dtype: 'Float64' }, { name: 's', dtype: 'String' }, { name: 'b', dtype: 'Bool' },
  { name: 'ts', dtype: 'UnixTimestamp' }, { name: 'by', dtype: 'Bytes' }, { name: 'af', dtype: 'Array(Float64)' },
  { name: 'as', dtype: 'Array(String)' },
];

export function contractView(kind: OnlineStoreKind, version = 1, features: FeatureField[] = CONTRACT_FIELDS): FeatureView {
  return {
    name: 'user_features', entities: ['user'], joinKeys: ['user_id'], features,
    source: { kind: 'table', table: 'marts.users' }, timestampField: 'feature_timestamp', ttlSeconds: 86400,
    onlineStore: kind, version, tags: {},
  };
}

/**
 * A read row as a plain object, for deepEqual: stores may answer rows of their own class (the
 * embedded store's rows carry their cells' JSON and decode values on first use), and what the
 * contract promises is these three fields.
 */
export function plainRow(row: StoredRow | undefined): StoredRow | undefined {
  return row === undefined ? undefined : { entityKey: row.entityKey, values: row.values, eventTimestamp: row.eventTimestamp };
}

export function contractRow(entityKey: string, values: Record<string, FeatureValue>, iso = '2024-05-01T00:00:00Z'): OnlineRow {
  return { entityKey, values, eventTimestamp: new Date(iso) };
}

/** Every feature of CONTRACT_FIELDS set, derived from n so each entity's row differs. Float32 values are exact in 32 bits. */
export function fullValues(n: number): Record<string, FeatureValue> {
  return {
    i32: -n, i64: 9_007_199_254_740_000 + n, f32: n / 4, f64: n * 1.1, s: `user ${n} ✓`, b: n % 2 === 0,
    ts: 1_700_000_000 + n, by: new Uint8Array([n % 256, 0, 255]), af: [n, -0.5], as: ['a', `b${n}`],
  };
}

export interface ContractTarget {
  kind: OnlineStoreKind;
  /** Opens a store (its schema created for the views used here: versions 1 and 2 of contractView). */
  open(): Promise<OnlineStore>;
  /** Closes and opens again, to show what was written is durable. */
  reopen(store: OnlineStore): Promise<OnlineStore>;
  /** Views the store must be prepared for before open (schema/init), given for stores that need it. */
  views?: FeatureView[];
  /** Keys read in one call in the bulk case (10k for in-memory stores, fewer for emulators). */
  bulkKeys?: number;
}

export function onlineStoreContract(name: string, target: ContractTarget): void {
  describe(`${name}: the OnlineStore contract`, () => {
    let store: OnlineStore;
    const view = (version = 1, features?: FeatureField[]) => contractView(target.kind, version, features);
    const reopen = async () => {
      store = await target.reopen(store);
    };
    before(async () => {
      store = await target.open();
    });
    after(async () => {
      await store.close();
    });

    it('round-trips every dtype, null included, and keeps it across a reopen', async () => {
      const nulls = Object.fromEntries(CONTRACT_FIELDS.map((f) => [f.name, null]));
      await store.write(view(), [contractRow('rt1', fullValues(1), '2024-05-01T12:34:56.789Z'), contractRow('rt2', nulls)]);
      const expected = [
        { entityKey: 'rt1', values: fullValues(1), eventTimestamp: new Date('2024-05-01T12:34:56.789Z') },
        { entityKey: 'rt2', values: nulls, eventTimestamp: new Date('2024-05-01T00:00:00Z') },
      ];
      assert.deepEqual((await store.read(view(), ['rt1', 'rt2'])).map(plainRow), expected);
      await reopen();
      assert.deepEqual((await store.read(view(), ['rt1', 'rt2'])).map(plainRow), expected);
    });

    it('stores features missing from a written row as null', async () => {
      await store.write(view(), [contractRow('partial', { s: 'only s' })]);
      const [got] = await store.read(view(), ['partial']);
      assert.equal(got?.values.s, 'only s');
      assert.equal(got?.values.i64, null);
      assert.deepEqual(Object.keys(got?.values ?? {}).sort(), CONTRACT_FIELDS.map((f) => f.name).sort());
    });

    it('answers a batch in key order with undefined for missing keys', async () => {
      await store.write(view(), [contractRow('o1', { s: 'one' }), contractRow('o2', { s: 'two' })]);
      const got = await store.read(view(), ['o2', 'missing', 'o1', 'o2']);
      assert.deepEqual(got.map((r) => r?.values.s), ['two', undefined, 'one', 'two']);
    });

    it('isolates versions: rows of v1 are not read by v2', async () => {
      await store.write(view(1), [contractRow('ver', { s: 'v1 shape' })]);
      const v2 = view(2, [{ name: 's', dtype: 'Int64' }]);
      assert.deepEqual(await store.read(v2, ['ver']), [undefined]);
      await store.write(v2, [contractRow('ver', { s: 2 })]);
      assert.equal((await store.read(view(1), ['ver']))[0]?.values.s, 'v1 shape');
      assert.equal((await store.read(v2, ['ver']))[0]?.values.s, 2);
    });

    it('keeps the newest row by event time, whatever the write order', async () => {
      await store.write(view(), [contractRow('nw', { s: 'old' }, '2024-01-01T00:00:00Z')]);
      await store.write(view(), [contractRow('nw', { s: 'new' }, '2024-02-01T00:00:00Z')]);
      await store.write(view(), [contractRow('nw', { s: 'late but older' }, '2024-01-15T00:00:00Z')]);
      // Within one batch too: the older duplicate loses even when it comes last.
      await store.write(view(), [contractRow('nb', { s: 'b-new' }, '2024-03-01T00:00:00Z'), contractRow('nb', { s: 'b-old' }, '2024-02-01T00:00:00Z')]);
      const [nw, nb] = await store.read(view(), ['nw', 'nb']);
      assert.equal(nw?.values.s, 'new');
      assert.equal(nb?.values.s, 'b-new');
      await reopen();
      assert.equal((await store.read(view(), ['nw']))[0]?.values.s, 'new');
    });

    it('writes nothing of a batch holding one bad value, and names what was wrong', async () => {
      await store.write(view(), [contractRow('at1', { s: 'before' })]);
      const batch = [contractRow('at1', { s: 'after' }, '2025-01-01T00:00:00Z'), contractRow('at2', { s: 'fine' }), contractRow('at3', { i64: '12' as never })];
      await assert.rejects(store.write(view(), batch), (e: unknown) =>
        e instanceof FeatureValueError && e.view === 'user_features' && e.feature === 'i64' && e.entityKey === 'at3');
      await assert.rejects(store.write(view(), [contractRow('at4', { nope: 1 })]), FeatureValueError);
      const got = await store.read(view(), ['at1', 'at2', 'at3', 'at4']);
      assert.deepEqual(got.map((r) => r?.values.s), ['before', undefined, undefined, undefined]);
    });

    it('deletes rows idempotently, and the delete lasts', async () => {
      await store.write(view(), [contractRow('d1', { s: 'x' }), contractRow('d2', { s: 'y' })]);
      await store.delete(view(), ['d1', 'never-written']);
      await store.delete(view(), ['d1']);
      assert.deepEqual((await store.read(view(), ['d1', 'd2'])).map((r) => r?.values.s), [undefined, 'y']);
      await reopen();
      assert.deepEqual((await store.read(view(), ['d1', 'd2'])).map((r) => r?.values.s), [undefined, 'y']);
    });

    it('keeps a materialization watermark per view version', async () => {
      const w = view(1);
      const before = await store.readWatermark(view(2, [{ name: 's', dtype: 'Int64' }]));
      await store.writeWatermark(w, new Date('2024-05-01T00:00:00Z'));
      await store.writeWatermark(w, new Date('2024-05-02T00:00:00Z'));
      await reopen();
      assert.deepEqual(await store.readWatermark(w), new Date('2024-05-02T00:00:00Z'));
      assert.equal(before, undefined);
      assert.equal(await store.readWatermark(view(2, [{ name: 's', dtype: 'Int64' }])), undefined, 'a new version starts unmaterialized');
    });

    it('reads many keys in one call, in order', async () => {
      const n = target.bulkKeys ?? 10_000;
      const keys = Array.from({ length: n }, (_, i) => `bulk${i}`);
      await store.write(view(), keys.filter((_, i) => i % 3 !== 0).map((k, i) => contractRow(k, { i32: i })));
      const got = await store.read(view(), keys);
      assert.equal(got.length, n);
      got.forEach((r, i) => assert.equal(r?.entityKey, i % 3 === 0 ? undefined : keys[i]));
    });
  });
}
