import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { FeatureView } from '../../src/features/spec/feature-manifest';
import { EmbeddedOnlineStore } from '../../src/features/online-store/embedded/embedded-online-store';
import { OnlineStore, type OnlineRow, type StoredRow } from '../../src/features/online-store/online-store';
import { MemoryLruCache } from '../../src/features/cache/memory-lru-cache';
import { FeatureReadPath } from '../../src/features/serving/feature-read-path';
import { TextRow } from '../../src/features/online-store/row-text';
import { CountingCache } from '../support/counting-cache';
import { scratchDir } from '../support/scratch-dir';

/*
 * The read path's near cache (decoded rows kept in process) in front of the shared cache (the
 * in-process LRU here) and the real embedded store, whose reads are counted and can be held:
 * hot keys are refreshed in the background before they expire, and a value read across a delete
 * is not kept. Lifetimes are a second, with waits well inside or well past the instants tested.
 */

/** The embedded store, its reads counted; a read can be held after it has read the store. */
class GatedStore extends OnlineStore {
  readonly reads: string[][] = [];
  /** Answer rows as plain objects, as the cloud stores do, instead of the embedded store's TextRows. */
  plainRows = false;
  private gate: Promise<void> | undefined;
  private entered: (() => void) | undefined;

  constructor(private readonly inner: EmbeddedOnlineStore) {
    super();
  }

  async read(view: FeatureView, keys: readonly string[]): Promise<(StoredRow | undefined)[]> {
    this.reads.push([...keys]);
    const rows = await this.inner.read(view, keys);
    this.entered?.();
    if (this.gate) await this.gate;
    return this.plainRows ? rows.map((row) => row && { entityKey: row.entityKey, values: row.values, eventTimestamp: row.eventTimestamp }) : rows;
  }
  write(view: FeatureView, rows: readonly OnlineRow[]): Promise<void> {
    return this.inner.write(view, rows);
  }
  delete(view: FeatureView, keys: readonly string[]): Promise<void> {
    return this.inner.delete(view, keys);
  }
  readWatermark(view: FeatureView): Promise<Date | undefined> {
    return this.inner.readWatermark(view);
  }
  writeWatermark(view: FeatureView, watermark: Date): Promise<void> {
    return this.inner.writeWatermark(view, watermark);
  }
  close(): Promise<void> {
    return this.inner.close();
  }

  /** Holds the next reads until release(); `started` resolves once one has read the store. */
  hold(): { started: Promise<void>; release: () => void } {
    let release!: () => void;
    this.gate = new Promise((resolve) => (release = resolve));
    const started = new Promise<void>((resolve) => (this.entered = resolve));
    return { started, release: () => ((this.gate = undefined), (this.entered = undefined), release()) };
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const NEAR_MS = 1000;

let viewSeq = 0;
const newView = (): FeatureView => ({
  name: `read_path_${++viewSeq}`, entities: ['user'], joinKeys: ['user_id'], features: [{ name: 'score', dtype: 'Float64' }],
  source: { kind: 'table', table: 'marts.users' }, timestampField: 'ts', ttlSeconds: 0, onlineStore: 'embedded', version: 1, tags: {},
});

describe('FeatureReadPath near cache', () => {
  let inner: EmbeddedOnlineStore;
  before(async () => {
    inner = await EmbeddedOnlineStore.open(scratchDir('stratum-read-path-'));
  });
  after(async () => {
    await inner.close();
  });

  function setUp() {
    const store = new GatedStore(inner);
    const cache = new CountingCache(new MemoryLruCache({ maxEntries: 100 }));
    const readPath = new FeatureReadPath(store, cache, { storeName: 'embedded', timeoutMs: 5000, ttlMs: () => 60_000, negativeTtlMs: 60_000, nearTtlMs: NEAR_MS });
    const view = newView();
    let second = 0;
    const put = (key: string, score: number) => store.write(view, [{ entityKey: key, values: { score }, eventTimestamp: new Date(Date.UTC(2026, 0, 1, 0, 0, ++second)) }]);
    const score = async (key: string) => (await readPath.read(view, [key]))[0]!.row?.values.score;
    return { store, cache, readPath, view, put, score };
  }

  it('answers a hot key in process, refreshes it in the background after 3/4 of its life, and never makes a read wait for it', async () => {
    const { store, cache, readPath, view, put, score } = setUp();
    await put('u1', 1);
    const first = await readPath.read(view, ['u1']);
    assert.equal(first[0]!.row?.values.score, 1);
    assert.equal(first[0]!.shared, true, 'a row the near cache keeps is marked shared');
    assert.deepEqual([store.reads.length, cache.mgets.length], [1, 1]);
    const again = await readPath.read(view, ['u1']);
    assert.equal(again[0]!.row, first[0]!.row, 'the same decoded row object, from the near cache');
    assert.deepEqual([store.reads.length, cache.mgets.length], [1, 1], 'no cache or store call within the lifetime');

    // Another replica pushes: the store changes and the shared copy is dropped; this process's near copy is not.
    await put('u1', 2);
    await cache.del([`${FeatureReadPath.namespace(view)}:u1`]);
    await sleep(NEAR_MS * 0.8);
    assert.equal(await score('u1'), 1, 'past the refresh time the near copy still answers at once');
    for (let i = 0; i < 100 && store.reads.length < 2; i++) await sleep(5);
    assert.deepEqual([store.reads.length, cache.mgets.length], [2, 2], 'one background refresh: a cache lookup, then the store');
    await sleep(20);
    assert.equal(await score('u1'), 2, 'the refreshed row answers before the old copy would have expired');
    await sleep(NEAR_MS * 0.4);
    assert.equal(await score('u1'), 2, 'past the first copy\'s expiry, the refreshed copy answers');
    assert.deepEqual([store.reads.length, cache.mgets.length], [2, 2], 'without another lookup');
  });

  it('keeps the row it has when a refresh finds the same value, and takes the new one when it changed', async () => {
    const { store, cache, readPath, view, put } = setUp();
    const row = async (key: string) => (await readPath.read(view, [key]))[0]!.row;
    await put('u6', 6);
    await put('u7', 7);
    const [six, seven] = [await row('u6'), await row('u7')];
    assert.ok(six instanceof TextRow && seven instanceof TextRow);
    await put('u7', 70);
    await cache.del([`${FeatureReadPath.namespace(view)}:u7`]);
    await sleep(NEAR_MS * 0.8);
    assert.deepEqual(await Promise.all([row('u6'), row('u7')]), [six, seven], 'past the refresh time, the copies answer');
    for (let i = 0; i < 100 && cache.mgets.length < 3; i++) await sleep(5);
    await sleep(20);
    assert.deepEqual([store.reads.length, cache.mgets.length], [3, 3], 'one refresh: u6 from the cache, u7 from the store');
    assert.equal(await row('u6'), six, 'the same value: the same row object, kept');
    assert.equal((await row('u7'))?.values.score, 70, 'a changed value: the new row');
    await sleep(NEAR_MS * 0.4);
    assert.equal(await row('u6'), six, 'renewed: it answers past its first expiry, without another lookup');
    assert.equal(cache.mgets.length, 3);
  });

  it('refreshes keys that come due in the same turn of the event loop with one batched read', async () => {
    const { cache, readPath, view, put, score } = setUp();
    await put('u3', 3);
    await put('u4', 4);
    assert.deepEqual([await score('u3'), await score('u4')], [3, 4]);
    assert.equal(cache.mgets.length, 2, 'two reads, two lookups');
    await sleep(NEAR_MS * 0.8);
    // Two requests in the same turn, each finding its key past the refresh time.
    assert.deepEqual(await Promise.all([score('u3'), score('u4')]), [3, 4]);
    for (let i = 0; i < 100 && cache.mgets.length < 3; i++) await sleep(5);
    await sleep(20);
    assert.deepEqual(cache.mgets.slice(2), [[`${FeatureReadPath.namespace(view)}:u3`, `${FeatureReadPath.namespace(view)}:u4`]], 'one lookup for both');
    assert.equal(readPath.cached.stats.loadCalls, 2, 'both came from the shared cache: no store read');
  });

  it('does not keep a value read while a delete of its key came (a push landing mid-read)', async () => {
    const { store, readPath, view, put, score } = setUp();
    await put('u2', 1);
    const held = store.hold();
    const reading = readPath.read(view, ['u2']);
    await held.started;
    await put('u2', 2);
    await readPath.invalidate(view, ['u2']);
    held.release();
    assert.equal((await reading)[0]!.row?.values.score, 1, 'the read began before the push and answers what it found');
    assert.equal((await reading)[0]!.shared, undefined, 'its row is not kept in process');
    assert.equal(await score('u2'), 2, 'the next read sees the push');
    assert.equal(store.reads.length, 2);
  });

  it('caches a row the store read as text as that text, and a row of another store by encoding it', async () => {
    const { cache, readPath, view, put } = setUp();
    await put('u5', 0.25);
    const [read] = await readPath.read(view, ['u5']);
    await readPath.cached.whenIdle();
    const [stored] = await inner.read(view, ['u5']);
    assert.ok(stored instanceof TextRow);
    assert.deepEqual(cache.msets.at(-1)!.map((e) => [e.key, e.value]), [[`${FeatureReadPath.namespace(view)}:u5`, `+${stored.text}`]], 'the stored text, as it is');
    assert.equal(read!.row?.values.score, 0.25);

    // A store answering plain rows (Bigtable, Spanner): its rows are encoded for the cache, to the same text.
    const plainStore = new GatedStore(inner);
    plainStore.plainRows = true;
    const plain = new FeatureReadPath(plainStore, cache, { storeName: 'plain', timeoutMs: 5000, ttlMs: () => 60_000, negativeTtlMs: 60_000 });
    await cache.del([`${FeatureReadPath.namespace(view)}:u5`]);
    await plain.read(view, ['u5']);
    await plain.cached.whenIdle();
    assert.equal(cache.msets.at(-1)![0]!.value, `+${stored.text}`);
  });
});
