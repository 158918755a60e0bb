import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import type { FeatureView } from '../../src/features/spec/feature-manifest';
import { EmbeddedOnlineStore } from '../../src/features/online-store/embedded/embedded-online-store';
import { onlineNamespace, type FeatureValue, type StoredRow } from '../../src/features/online-store/online-store';
import { plainRow } from './online-store-contract';
import { FeatureCacheError } from '../../src/features/cache/feature-cache-error';
import { MemoryLruCache } from '../../src/features/cache/memory-lru-cache';
import type { FeatureCache } from '../../src/features/cache/feature-cache';
import { RedisFeatureCache } from '../../src/features/cache/redis-feature-cache';
import { CachedReader, type CachedReaderOptions } from '../../src/features/cache/cached-feature-reader';
import { startRedis, type RealServer } from '../support/real-servers';
import { CountingCache } from '../support/counting-cache';

/*
 * The read path's cache-aside logic against both caches it runs with: the in-process LRU and a
 * real redis-server. The store behind it is the real embedded online store; its calls are recorded
 * (and can be held or made to fail) to count loads and keys. TTLs that must expire are tens of ms
 * with waits well past them; TTLs that must NOT expire during a test are a minute, so a slow
 * machine cannot turn a fresh hit into a stale one.
 */

const LONG = 60_000;
let viewSeq = 0;

/** A view of its own per test, so tests sharing a cache and a store never see each other's keys. */
function newView(version = 1, name = `user_features_${++viewSeq}`): FeatureView {
  return {
    name, entities: ['user'], joinKeys: ['user_id'],
    features: [{ name: 'score', dtype: 'Float64' }, { name: 'tier', dtype: 'String' }],
    source: { kind: 'table', table: 'marts.users' }, timestampField: 'feature_timestamp', ttlSeconds: 86400,
    onlineStore: 'embedded', version, tags: {},
  };
}

/** How the serving layer names a view's cache namespace: the version is part of it. */
const namespaceOf = (view: FeatureView) => `features:${onlineNamespace(view)}`;

/** The online store's rows as cached: JSON with the event timestamp. */
const rowCodec = {
  encode: (row: StoredRow) => JSON.stringify({ k: row.entityKey, v: row.values, t: row.eventTimestamp.getTime() }),
  decode: (stored: string): StoredRow => {
    const o = JSON.parse(stored) as { k: string; v: Record<string, FeatureValue>; t: number };
    return { entityKey: o.k, values: o.v, eventTimestamp: new Date(o.t) };
  },
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The store side of reads: the embedded store's read, each call recorded; can be held or made to fail. */
class StoreProbe {
  readonly calls: string[][] = [];
  failure: Error | undefined;
  private gate: Promise<void> | undefined;
  private entered: (() => void) | undefined;

  constructor(private readonly store: EmbeddedOnlineStore, private readonly view: FeatureView) {}

  /** Reads the store first, then waits if held: a held load returns what the store had when it began. */
  readonly load = async (keys: string[]): Promise<(StoredRow | undefined)[]> => {
    this.calls.push(keys);
    const rows = await this.store.read(this.view, keys);
    this.entered?.();
    if (this.gate) await this.gate;
    if (this.failure) throw this.failure;
    return rows;
  };

  /** Resolves once `count` loads have been called. */
  async untilCalls(count: number): Promise<void> {
    while (this.calls.length < count) await sleep(5);
  }

  /** Makes loads wait until release(); `started` resolves when the next load has begun. */
  hold(): { started: Promise<void>; release: () => void } {
    let release!: () => void;
    this.gate = new Promise((resolve) => (release = resolve));
    const started = new Promise<void>((resolve) => (this.entered = resolve));
    return {
      started,
      release: () => {
        this.gate = undefined;
        this.entered = undefined;
        release();
      },
    };
  }
}

let eventSeq = 0;
/** Writes rows with ever newer event times, so a later write always wins. */
async function put(store: EmbeddedOnlineStore, view: FeatureView, rows: Record<string, { score: number; tier: string }>): Promise<void> {
  const eventTimestamp = new Date(Date.UTC(2024, 4, 1) + ++eventSeq * 1000);
  await store.write(view, Object.entries(rows).map(([entityKey, values]) => ({ entityKey, values, eventTimestamp })));
}

interface CacheUnderTest {
  cache: FeatureCache;
  stop(): Promise<void>;
}

const backends: { name: string; start(): Promise<CacheUnderTest> }[] = [
  {
    name: 'memory LRU',
    start: async () => {
      const cache = new MemoryLruCache({ maxEntries: 10_000 });
      return { cache, stop: () => cache.close() };
    },
  },
  {
    name: 'real redis-server',
    start: async () => {
      const server = await startRedis();
      const cache = RedisFeatureCache.connect(`redis://${server.host}`);
      await cache.waitUntilReady(10_000);
      return {
        cache,
        stop: async () => {
          await cache.close();
          await server.stop();
        },
      };
    },
  },
];

for (const backend of backends) {
  describe(`CachedReader over the ${backend.name}`, () => {
    let dir: string;
    let store: EmbeddedOnlineStore;
    let underTest: CacheUnderTest;

    before(async () => {
      dir = await mkdtemp(join(tmpdir(), 'stratum-cache-'));
      store = await EmbeddedOnlineStore.open(dir);
      underTest = await backend.start();
    });
    after(async () => {
      await underTest?.stop();
      await store?.close();
      await rm(dir, { recursive: true, force: true });
    });

    /** A reader over a new view; `ttl.ms` (the view's TTL) can be changed mid-test. */
    function setup(options: Partial<CachedReaderOptions<StoredRow>> = {}, view = newView()) {
      const cache = new CountingCache(underTest.cache);
      const probe = new StoreProbe(store, view);
      const ttl = { ms: LONG };
      const reader = new CachedReader<StoredRow>({ cache, ttlMs: () => ttl.ms, negativeTtlMs: LONG, ...rowCodec, ...options });
      const read = (keys: string[]) => reader.read(namespaceOf(view), keys, probe.load);
      return { view, cache, probe, ttl, reader, read };
    }

    it('serves misses from the store, then the same values from the cache without loading again', async () => {
      const { view, probe, reader, read } = setup();
      await put(store, view, { u1: { score: 1.5, tier: 'gold' }, u2: { score: 2, tier: 'silver' } });
      const expected = await store.read(view, ['u1', 'u2', 'u3']);

      const first = await read(['u1', 'u2', 'u3']);
      assert.deepEqual(first.map((r) => r.source), ['store', 'store', 'store']);
      assert.deepEqual(first.map((r) => plainRow(r.value)), expected.map(plainRow));
      await reader.whenIdle();

      const second = await read(['u1', 'u2', 'u3']);
      assert.deepEqual(second.map((r) => r.source), ['cache', 'cache', 'cache']);
      assert.deepEqual(second.map((r) => plainRow(r.value)), expected.map(plainRow), 'rows round-trip through the cache, Date included');
      assert.deepEqual(probe.calls, [['u1', 'u2', 'u3']]);
      assert.equal(reader.stats.hits, 3);
      assert.equal(reader.stats.misses, 3);
    });

    it('makes one cache lookup, one store call and one cache write per read, deduplicating keys', async () => {
      const { view, cache, probe, reader, read } = setup();
      await put(store, view, { a: { score: 1, tier: 'x' }, b: { score: 2, tier: 'y' }, c: { score: 3, tier: 'z' } });
      await read(['a']);
      await reader.whenIdle();
      const mgetsBefore = cache.mgets.length;
      const msetsBefore = cache.msets.length;

      const got = await read(['b', 'a', 'b', 'c', 'a', 'zz']);
      await reader.whenIdle();
      assert.deepEqual(got.map((r) => r.value?.values.score), [2, 1, 2, 3, 1, undefined]);
      assert.deepEqual(got.map((r) => r.source), ['store', 'cache', 'store', 'store', 'cache', 'store']);
      assert.equal(cache.mgets.length - mgetsBefore, 1, 'one mget for the whole batch');
      assert.equal(cache.mgets.at(-1)!.length, 4, 'each distinct key looked up once');
      assert.deepEqual(probe.calls.at(-1), ['b', 'c', 'zz'], 'one store call with the distinct misses');
      assert.equal(probe.calls.length, 2);
      assert.equal(cache.msets.length - msetsBefore, 1, 'one mset for what was loaded');
      assert.deepEqual(cache.msets.at(-1)!.map((e) => e.key).sort(), ['b', 'c', 'zz'].map((k) => `${namespaceOf(view)}:${k}`));
    });

    it('shares one load between concurrent reads missing the same key (single-flight)', async () => {
      const { view, probe, reader, read } = setup();
      await put(store, view, { s: { score: 7, tier: 'x' }, t: { score: 8, tier: 'y' }, w: { score: 9, tier: 'z' } });

      const [one, two] = await Promise.all([read(['s']), read(['s'])]);
      assert.deepEqual(probe.calls, [['s']], 'two concurrent reads, one load');
      assert.deepEqual(one[0]!.value, two[0]!.value);
      assert.equal(one[0]!.value?.values.score, 7);

      // A read that starts while another's load is still running joins it for the shared key.
      const held = probe.hold();
      const first = read(['t', 'w']);
      await held.started;
      const second = read(['w', 'new']);
      await probe.untilCalls(3); // the second read is at its load: it has joined the first for 'w'
      held.release();
      const [r1, r2] = await Promise.all([first, second]);
      assert.deepEqual(probe.calls.slice(1), [['t', 'w'], ['new']]);
      assert.equal(r2[0]!.value?.values.score, 9);
      assert.equal(r2[0]!.source, 'store');
      assert.equal(r1[1]!.value?.values.score, 9);
      assert.equal(reader.stats.sharedLoads, 2);
      await reader.whenIdle();
    });

    it('serves a stale value at once and refreshes it in the background, once for concurrent reads', async () => {
      const { view, probe, ttl, reader, read } = setup({ staleTtlMs: LONG });
      await put(store, view, { k: { score: 1, tier: 'old' } });
      ttl.ms = 30;
      await read(['k']);
      await reader.whenIdle();
      await put(store, view, { k: { score: 2, tier: 'new' } });
      await sleep(80); // past the 30 ms TTL, well within the stale window
      ttl.ms = LONG; // the refreshed value stays fresh however slow this machine is

      const [a, b] = await Promise.all([read(['k']), read(['k'])]);
      assert.deepEqual([a[0]!.source, b[0]!.source], ['stale-cache', 'stale-cache']);
      assert.equal(a[0]!.value?.values.tier, 'old');
      await reader.whenIdle();
      assert.equal(probe.calls.length, 2, 'one background refresh for both stale reads');

      const after = await read(['k']);
      assert.equal(after[0]!.source, 'cache');
      assert.equal(after[0]!.value?.values.tier, 'new');
      assert.equal(probe.calls.length, 2);
      assert.equal(reader.stats.staleHits, 2);
    });

    it('remembers keys the store does not have (negative caching)', async () => {
      const { view, probe, reader, read } = setup();
      assert.deepEqual(await read(['ghost']), [{ value: undefined, source: 'store' }]);
      await reader.whenIdle();
      assert.deepEqual(await read(['ghost']), [{ value: undefined, source: 'cache' }]);
      assert.deepEqual(probe.calls, [['ghost']], 'the unknown key reached the store once');
      assert.equal(reader.stats.negativeHits, 1);

      // Created later: pushed values are seen after invalidation (what push does).
      await put(store, view, { ghost: { score: 5, tier: 'now real' } });
      await reader.invalidate(namespaceOf(view), ['ghost']);
      const got = await read(['ghost']);
      assert.equal(got[0]!.source, 'store');
      assert.equal(got[0]!.value?.values.tier, 'now real');
    });

    it('forgets a "missing" marker after the negative TTL', async () => {
      const { view, probe, reader, read } = setup({ negativeTtlMs: 30 });
      await read(['late']);
      await reader.whenIdle();
      await put(store, view, { late: { score: 1, tier: 'arrived' } });
      await sleep(80);
      const got = await read(['late']);
      assert.equal(got[0]!.source, 'store');
      assert.equal(got[0]!.value?.values.tier, 'arrived');
      assert.equal(probe.calls.length, 2);
    });

    it('never serves a value cached for another version of the view', async () => {
      const name = `versioned_${++viewSeq}`;
      const v1 = setup({}, newView(1, name));
      const v2 = setup({}, newView(2, name));
      await put(store, v1.view, { e: { score: 1, tier: 'v1 shape' } });
      await put(store, v2.view, { e: { score: 2, tier: 'v2 shape' } });
      assert.equal((await v1.read(['e']))[0]!.value?.values.tier, 'v1 shape');
      await v1.reader.whenIdle();
      assert.equal((await v1.read(['e']))[0]!.source, 'cache');

      const got = await v2.read(['e']);
      assert.equal(got[0]!.source, 'store', 'v2 is a different namespace: a miss');
      assert.equal(got[0]!.value?.values.tier, 'v2 shape');
      await v2.reader.whenIdle();
      assert.equal((await v2.read(['e']))[0]!.value?.values.tier, 'v2 shape');
      assert.equal((await v1.read(['e']))[0]!.value?.values.tier, 'v1 shape');
    });

    it('serves the stale value when the store fails (stale-if-error)', async () => {
      const { view, probe, ttl, reader, read } = setup({ staleTtlMs: LONG, serveStale: 'if-error' });
      await put(store, view, { k: { score: 1, tier: 'cached' } });
      ttl.ms = 30;
      await read(['k']);
      await reader.whenIdle();
      await sleep(80);
      probe.failure = new Error('online store unavailable');

      const got = await read(['k']);
      assert.deepEqual(got.map((r) => [r.source, r.value?.values.tier]), [['stale-cache', 'cached']]);
      assert.equal(probe.calls.length, 2, 'if-error mode asks the store first');

      probe.failure = undefined;
      const fresh = await read(['k']);
      assert.equal(fresh[0]!.source, 'store', 'with the store back, a stale value is not served');
    });

    it('while revalidating with the store down, keeps serving stale and counts the failed refresh', async () => {
      const errors: string[] = [];
      const { view, probe, ttl, reader, read } = setup({ staleTtlMs: LONG, onError: (_e, during) => errors.push(during) });
      await put(store, view, { k: { score: 1, tier: 'cached' } });
      ttl.ms = 30;
      await read(['k']);
      await reader.whenIdle();
      await sleep(80);
      probe.failure = new Error('online store unavailable');
      assert.equal((await read(['k']))[0]!.source, 'stale-cache');
      await reader.whenIdle();
      assert.equal(reader.stats.refreshErrors, 1);
      assert.deepEqual(errors, ['refresh']);
    });

    it("rejects with the store's error when the store fails and nothing stale is cached", async () => {
      const { view, probe, reader, read } = setup({ staleTtlMs: LONG });
      await put(store, view, { cached: { score: 1, tier: 'x' } });
      await read(['cached']);
      await reader.whenIdle();
      const down = new Error('online store unavailable');
      probe.failure = down;
      await assert.rejects(read(['cached', 'uncached']), (e) => e === down);
      assert.equal((await read(['cached']))[0]!.source, 'cache', 'fresh hits need no store');
    });

    it('invalidate drops cached values and keeps a load in flight from writing back the old value', async () => {
      const { view, probe, reader, read } = setup();
      await put(store, view, { p: { score: 1, tier: 'before' } });
      const held = probe.hold();
      const inFlight = read(['p']);
      await held.started;
      await put(store, view, { p: { score: 2, tier: 'after' } });
      await reader.invalidate(namespaceOf(view), ['p']);
      held.release();
      assert.equal((await inFlight)[0]!.value?.values.tier, 'before', 'the load read the store before the push');
      await reader.whenIdle();

      const next = await read(['p']);
      assert.equal(next[0]!.source, 'store', 'the invalidated load was not cached');
      assert.equal(next[0]!.value?.values.tier, 'after');
      await reader.whenIdle();
      assert.equal((await read(['p']))[0]!.source, 'cache');
      await reader.invalidate(namespaceOf(view), ['p', 'p', 'unknown']);
      assert.equal((await read(['p']))[0]!.source, 'store');
    });

    it('rejects a loader that breaks the key-order contract, naming it', async () => {
      const { view, reader } = setup();
      await assert.rejects(reader.read(namespaceOf(view), ['a', 'b'], async () => [undefined]), /answered 1 values for 2 keys/);
    });
  });
}

describe('RedisFeatureCache storage', () => {
  let server: RealServer;
  let cache: RedisFeatureCache;
  let raw: Redis;

  before(async () => {
    server = await startRedis();
    cache = RedisFeatureCache.connect(`redis://${server.host}/0`, { keyPrefix: 'custom:' });
    raw = new Redis(server.port, '127.0.0.1');
    await cache.waitUntilReady(10_000);
  });
  after(async () => {
    await cache?.close();
    raw?.disconnect();
    await server?.stop();
  });

  it('stores under the key prefix, with freshUntil in the value and the stale window in PX', async () => {
    const before = Date.now();
    // Read back as bytes and decoded by the cache: colons after the envelope's and UTF-8 beyond ASCII survive.
    const value = 'payload:with:colons, Zürich ✓ 😀';
    await cache.mset([{ key: 'ns:k', value, freshForMs: 1000, ttlMs: 50_000 }]);
    const stored = await raw.get('custom:ns:k');
    assert.equal(stored?.replace(/^\d+:/, ''), value);
    const [hit] = await cache.mget(['ns:k']);
    assert.equal(hit?.value, value);
    assert.ok(hit!.freshUntil >= before + 1000 && hit!.freshUntil <= Date.now() + 1000);
    const pttl = await raw.pttl('custom:ns:k');
    assert.ok(pttl > 1000 && pttl <= 50_000, `hard TTL ${pttl} ms covers the stale window`);
    await cache.del(['ns:k']);
    assert.equal(await raw.exists('custom:ns:k'), 0);
  });

  it('reads a foreign value under the prefix as absent', async () => {
    await raw.set('custom:foreign', 'no envelope');
    await raw.set('custom:foreign2', 'soon:not a time');
    await raw.set('custom:foreign3', ':no time at all');
    assert.deepEqual(await cache.mget(['foreign', 'nothing', 'foreign2', 'foreign3']), [undefined, undefined, undefined, undefined]);
  });
});

describe('CachedReader when redis-server is killed mid-test', () => {
  let dir: string;
  let store: EmbeddedOnlineStore;
  let server: RealServer;
  let redisCache: RedisFeatureCache;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'stratum-cache-'));
    store = await EmbeddedOnlineStore.open(dir);
    server = await startRedis();
    redisCache = RedisFeatureCache.connect(`redis://${server.host}`, { maxReconnectDelayMs: 50 });
    await redisCache.waitUntilReady(10_000);
  });
  after(async () => {
    await redisCache?.close();
    await server?.stop();
    await store?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps answering from the store while Redis is down, counting bypasses, and uses Redis again once it is back', async () => {
    const view = newView();
    const cache = new CountingCache(redisCache);
    const probe = new StoreProbe(store, view);
    const bypassed: unknown[] = [];
    const reader = new CachedReader<StoredRow>({
      cache, ttlMs: () => LONG, negativeTtlMs: LONG, ...rowCodec, onBypass: (e) => bypassed.push(e),
    });
    const read = (keys: string[]) => reader.read(namespaceOf(view), keys, probe.load);
    const sources = async (keys: string[]) => (await read(keys)).map((r) => r.source);
    await put(store, view, { a: { score: 1, tier: 'x' }, b: { score: 2, tier: 'y' } });

    await read(['a', 'b']);
    await reader.whenIdle();
    assert.deepEqual(await sources(['a', 'b']), ['cache', 'cache']);

    await server.kill();
    const msetsBefore = cache.msets.length;
    const down = await read(['a', 'b']);
    assert.deepEqual(down.map((r) => [r.source, r.value?.values.score]), [['store', 1], ['store', 2]]);
    assert.deepEqual(await sources(['a', 'b']), ['store', 'store'], 'still answering');
    await reader.whenIdle();
    assert.equal(reader.stats.bypasses, 2);
    assert.equal(bypassed.length, 2);
    assert.ok(bypassed[0] instanceof FeatureCacheError, `bypass reports a FeatureCacheError, got ${String(bypassed[0])}`);
    assert.match((bypassed[0] as Error).message, /cache mget of 2 keys at redis:\/\/127\.0\.0\.1:\d+ failed/);
    assert.equal(cache.msets.length, msetsBefore, 'no write-back while the cache is down');
    assert.ok(redisCache.stats.errors >= 2);

    server = await startRedis(server.port);
    await redisCache.waitUntilReady(10_000);
    assert.deepEqual(await sources(['a', 'b']), ['store', 'store'], 'the new Redis is empty');
    await reader.whenIdle();
    assert.deepEqual(await sources(['a', 'b']), ['cache', 'cache'], 'the cache is used again');
    assert.equal(reader.stats.bypasses, 2);
    assert.equal(probe.calls.length, 4);
  });
});
