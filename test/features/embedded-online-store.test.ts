import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { appendFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FeatureField, FeatureView } from '../../src/features/spec/feature-manifest';
import { EmbeddedOnlineStore } from '../../src/features/online-store/embedded/embedded-online-store';
import { FeatureValueError } from '../../src/features/online-store/feature-value-error';
import type { FeatureValue, OnlineRow } from '../../src/features/online-store/online-store';

const FIELDS: FeatureField[] = [
  { name: 'i32', dtype: 'Int32' }, { name: 'i64', dtype: 'Int64' }, { name: 'f32', dtype: 'Float32' },
  { name: 'f64', dtype: 'Float64' }, { name: 's', dtype: 'String' }, { name: 'b', dtype: 'Bool' },
  { name: 'ts', dtype: 'UnixTimestamp' }, { name: 'by', dtype: 'Bytes' }, { name: 'af', dtype: 'Array(Float64)' },
  { name: 'as', dtype: 'Array(String)' },
];

function view(version = 1, features: FeatureField[] = FIELDS): FeatureView {
  return {
    name: 'user_features', entities: ['user'], joinKeys: ['user_id'], features,
    source: { kind: 'table', table: 'marts.users' }, timestampField: 'feature_timestamp', ttlSeconds: 86400,
    onlineStore: 'embedded', version, tags: {},
  };
}

function row(entityKey: string, values: Record<string, FeatureValue>, iso = '2024-05-01T00:00:00Z'): OnlineRow {
  return { entityKey, values, eventTimestamp: new Date(iso) };
}

/** Every feature of FIELDS set, derived from n so each entity's row differs. */
function fullValues(n: number): Record<string, FeatureValue> {
  return {
    i32: -n, i64: 9_007_199_254_740_000 + n, f32: n / 4, f64: n * 1.1, s: `user ${n} ✓`, b: n % 2 === 0,
    ts: 1_700_000_000 + n, by: new Uint8Array([n % 256, 0, 255]), af: [n, -0.5], as: ['a', `b${n}`],
  };
}

describe('EmbeddedOnlineStore (real files in a temp dir)', () => {
  let dir: string;
  let store: EmbeddedOnlineStore;
  const reopen = async () => {
    await store.close();
    store = await EmbeddedOnlineStore.open(dir);
  };

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'stratum-online-'));
    store = await EmbeddedOnlineStore.open(dir);
  });
  after(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('round-trips every dtype, null included, and keeps it across a reopen', async () => {
    const nulls = Object.fromEntries(FIELDS.map((f) => [f.name, null]));
    await store.write(view(), [row('rt1', fullValues(1), '2024-05-01T12:34:56.789Z'), row('rt2', nulls)]);
    const expected = [
      { entityKey: 'rt1', values: fullValues(1), eventTimestamp: new Date('2024-05-01T12:34:56.789Z') },
      { entityKey: 'rt2', values: nulls, eventTimestamp: new Date('2024-05-01T00:00:00Z') },
    ];
    assert.deepEqual(await store.read(view(), ['rt1', 'rt2']), expected);
    await reopen();
    assert.deepEqual(await store.read(view(), ['rt1', 'rt2']), expected);
  });

  it('answers a batch in key order with undefined for missing keys', async () => {
    await store.write(view(), [row('o1', { s: 'one' }), row('o2', { s: 'two' })]);
    const got = await store.read(view(), ['o2', 'missing', 'o1', 'o2']);
    assert.deepEqual(got.map((r) => r?.values.s), ['two', undefined, 'one', 'two']);
  });

  it('isolates versions: rows of v1 are not read by v2', async () => {
    await store.write(view(1), [row('ver', { s: 'v1 shape' })]);
    const v2 = view(2, [{ name: 's', dtype: 'Int64' }]);
    assert.deepEqual(await store.read(v2, ['ver']), [undefined]);
    await store.write(v2, [row('ver', { s: 2 })]);
    assert.equal((await store.read(view(1), ['ver']))[0]?.values.s, 'v1 shape');
    assert.equal((await store.read(v2, ['ver']))[0]?.values.s, 2);
  });

  it('keeps the newest row by event time, whatever the write order', async () => {
    await store.write(view(), [row('nw', { s: 'old' }, '2024-01-01T00:00:00Z')]);
    await store.write(view(), [row('nw', { s: 'new' }, '2024-02-01T00:00:00Z')]);
    await store.write(view(), [row('nw', { s: 'late but older' }, '2024-01-15T00:00:00Z')]);
    // Within one batch too: the older duplicate loses even when it comes last.
    await store.write(view(), [row('nb', { s: 'b-new' }, '2024-03-01T00:00:00Z'), row('nb', { s: 'b-old' }, '2024-02-01T00:00:00Z')]);
    const [nw, nb] = await store.read(view(), ['nw', 'nb']);
    assert.equal(nw?.values.s, 'new');
    assert.equal(nb?.values.s, 'b-new');
    await reopen();
    assert.equal((await store.read(view(), ['nw']))[0]?.values.s, 'new');
  });

  it('writes nothing of a batch holding one bad value', async () => {
    await store.write(view(), [row('at1', { s: 'before' })]);
    const batch = [row('at1', { s: 'after' }, '2025-01-01T00:00:00Z'), row('at2', { s: 'fine' }), row('at3', { i64: '12' as never })];
    await assert.rejects(store.write(view(), batch), (e: unknown) =>
      e instanceof FeatureValueError && e.view === 'user_features' && e.feature === 'i64' && e.entityKey === 'at3');
    await reopen();
    const got = await store.read(view(), ['at1', 'at2', 'at3']);
    assert.deepEqual(got.map((r) => r?.values.s), ['before', undefined, undefined]);
  });

  it('deletes rows (idempotently) and the delete survives a reopen', async () => {
    await store.write(view(), [row('d1', { s: 'x' }), row('d2', { s: 'y' })]);
    await store.delete(view(), ['d1', 'never-written']);
    await store.delete(view(), ['d1']);
    assert.deepEqual((await store.read(view(), ['d1', 'd2'])).map((r) => r?.values.s), [undefined, 'y']);
    await reopen();
    assert.deepEqual((await store.read(view(), ['d1', 'd2'])).map((r) => r?.values.s), [undefined, 'y']);
  });

  it('reads 10k keys in one call, in order', async () => {
    const keys = Array.from({ length: 10_000 }, (_, i) => `bulk${i}`);
    await store.write(view(), keys.filter((_, i) => i % 3 !== 0).map((k, i) => row(k, { i32: i })));
    const got = await store.read(view(), keys);
    assert.equal(got.length, 10_000);
    got.forEach((r, i) => assert.equal(r?.entityKey, i % 3 === 0 ? undefined : keys[i]));
  });

  it('drops a torn last line left by a crash mid-write and keeps every committed batch', async () => {
    await store.write(view(), [row('torn1', { s: 'committed' })]);
    await store.close();
    await appendFile(join(dir, 'online-store.jsonl'), '{"ns":"user_features@v1","put":[{"entityKey":"torn2"');
    store = await EmbeddedOnlineStore.open(dir);
    assert.deepEqual((await store.read(view(), ['torn1', 'torn2'])).map((r) => r?.values.s), ['committed', undefined]);
    // The log is usable after the repair: a new write lands on a line of its own.
    await store.write(view(), [row('torn3', { s: 'after repair' })]);
    await reopen();
    assert.equal((await store.read(view(), ['torn3']))[0]?.values.s, 'after repair');
  });

  it('compacts a long log at open without losing or resurrecting rows', async () => {
    const cdir = await mkdtemp(join(tmpdir(), 'stratum-online-compact-'));
    try {
      let s = await EmbeddedOnlineStore.open(cdir);
      for (let i = 0; i < 1_200; i++) await s.write(view(), [row('hot', { i32: i }, new Date(Date.UTC(2024, 0, 1, 0, 0, i)).toISOString())]);
      await s.write(view(), [row('gone', { s: 'x' })]);
      await s.delete(view(), ['gone']);
      await s.close();
      s = await EmbeddedOnlineStore.open(cdir); // compacts: 1,202 lines for 1 live row
      await s.close();
      const lines = (await readFile(join(cdir, 'online-store.jsonl'), 'utf8')).split('\n').filter(Boolean);
      assert.equal(lines.length, 1);
      s = await EmbeddedOnlineStore.open(cdir);
      assert.deepEqual((await s.read(view(), ['hot', 'gone'])).map((r) => r?.values.i32), [1_199, undefined]);
      await s.close();
    } finally {
      await rm(cdir, { recursive: true, force: true });
    }
  });

  it('keeps a watermark per view version across a reopen and a compaction', async () => {
    const wdir = await mkdtemp(join(tmpdir(), 'stratum-online-watermark-'));
    try {
      let s = await EmbeddedOnlineStore.open(wdir);
      assert.equal(await s.readWatermark(view()), undefined);
      await s.writeWatermark(view(), new Date('2024-05-01T00:00:00Z'));
      await s.writeWatermark(view(), new Date('2024-05-02T00:00:00Z'));
      for (let i = 0; i < 1_100; i++) await s.write(view(), [row('hot', { i32: i }, new Date(Date.UTC(2024, 0, 1, 0, 0, i)).toISOString())]);
      await s.close();
      s = await EmbeddedOnlineStore.open(wdir); // compacts
      await s.close();
      s = await EmbeddedOnlineStore.open(wdir);
      assert.deepEqual(await s.readWatermark(view()), new Date('2024-05-02T00:00:00Z'));
      assert.equal(await s.readWatermark(view(2)), undefined, 'a new version starts unmaterialized');
      await s.close();
    } finally {
      await rm(wdir, { recursive: true, force: true });
    }
  });
});
