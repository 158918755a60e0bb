import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MemoryLruCache } from './memory-lru-cache';

/** A cache on a hand-driven clock, so TTLs are tested without sleeping. */
function cacheAt(maxEntries: number): { cache: MemoryLruCache; advance(ms: number): void; now(): number } {
  let now = 1_000_000;
  const cache = new MemoryLruCache({ maxEntries, now: () => now });
  return { cache, advance: (ms) => (now += ms), now: () => now };
}

const values = async (cache: MemoryLruCache, keys: string[]) => (await cache.mget(keys)).map((h) => h?.value);

describe('MemoryLruCache', () => {
  it('answers in key order with undefined for absent keys, and counts hits and misses', async () => {
    const { cache } = cacheAt(10);
    await cache.mset([{ key: 'a', value: 'A', ttlMs: 1000 }, { key: 'b', value: 'B', ttlMs: 1000 }]);
    assert.deepEqual(await values(cache, ['b', 'x', 'a', 'b']), ['B', undefined, 'A', 'B']);
    assert.deepEqual(cache.stats, { hits: 3, misses: 1, errors: 0 });
  });

  it('evicts the least recently used entry, a lookup counting as a use', async () => {
    const { cache } = cacheAt(3);
    await cache.mset([{ key: 'a', value: 'A', ttlMs: 1000 }, { key: 'b', value: 'B', ttlMs: 1000 }, { key: 'c', value: 'C', ttlMs: 1000 }]);
    await cache.mget(['a']); // order of use now: b, c, a
    await cache.mset([{ key: 'd', value: 'D', ttlMs: 1000 }]);
    assert.deepEqual(await values(cache, ['a', 'b', 'c', 'd']), ['A', undefined, 'C', 'D']);
    assert.equal(cache.size, 3);
    // That mget left the order a, c, d; rewriting a makes it the most recent, so c goes first.
    await cache.mset([{ key: 'a', value: 'A2', ttlMs: 1000 }, { key: 'e', value: 'E', ttlMs: 1000 }]);
    assert.deepEqual(await values(cache, ['a', 'c', 'd', 'e']), ['A2', undefined, 'D', 'E']);
  });

  it('keeps at most maxEntries even when one mset brings more', async () => {
    const { cache } = cacheAt(2);
    await cache.mset(['a', 'b', 'c', 'd'].map((key) => ({ key, value: key, ttlMs: 1000 })));
    assert.equal(cache.size, 2);
    assert.deepEqual(await values(cache, ['a', 'b', 'c', 'd']), [undefined, undefined, 'c', 'd']);
  });

  it('reports freshUntil from the soft TTL and drops the entry at the hard TTL', async () => {
    const { cache, advance, now } = cacheAt(10);
    const start = now();
    await cache.mset([{ key: 'k', value: 'V', freshForMs: 100, ttlMs: 300 }, { key: 'plain', value: 'P', ttlMs: 100 }]);
    assert.deepEqual(await cache.mget(['k', 'plain']), [{ value: 'V', freshUntil: start + 100 }, { value: 'P', freshUntil: start + 100 }]);
    advance(150); // k is stale but still there; plain (hard TTL 100) is gone
    assert.deepEqual(await cache.mget(['k', 'plain']), [{ value: 'V', freshUntil: start + 100 }, undefined]);
    advance(150);
    assert.deepEqual(await cache.mget(['k']), [undefined]);
    assert.equal(cache.size, 0, 'expired entries are dropped when looked up');
  });

  it('clamps a soft TTL longer than the hard one, and ignores entries without a positive TTL', async () => {
    const { cache, now } = cacheAt(10);
    await cache.mset([{ key: 'k', value: 'V', freshForMs: 5000, ttlMs: 100 }, { key: 'zero', value: 'Z', ttlMs: 0 }]);
    assert.deepEqual(await cache.mget(['k', 'zero']), [{ value: 'V', freshUntil: now() + 100 }, undefined]);
  });

  it('deletes keys idempotently', async () => {
    const { cache } = cacheAt(10);
    await cache.mset([{ key: 'a', value: 'A', ttlMs: 1000 }, { key: 'b', value: 'B', ttlMs: 1000 }]);
    await cache.del(['a', 'never-there']);
    await cache.del(['a']);
    assert.deepEqual(await values(cache, ['a', 'b']), [undefined, 'B']);
  });

  it('refuses a maxEntries that is not a positive whole number, naming the setting', () => {
    assert.throws(() => new MemoryLruCache({ maxEntries: 0 }), /maxEntries.*STRATUM_CACHE_MAX_ENTRIES/);
    assert.throws(() => new MemoryLruCache({ maxEntries: 1.5 }), /maxEntries/);
  });
});

describe('MemoryLruCache against a model LRU', () => {
  it('holds and evicts exactly what a list in order of use would, over random gets, sets, rewrites, deletes and expiries', async () => {
    // A deterministic pseudo-random sequence (the test must fail the same way every time if it fails).
    let seed = 42;
    const random = (n: number) => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed % n;
    };
    const max = 8;
    const { cache, advance, now } = cacheAt(max);
    /** The model: keys from least to most recently used, with their value and hard expiry. */
    let model: { key: string; value: string; expiresAt: number }[] = [];
    const use = (key: string) => {
      const i = model.findIndex((e) => e.key === key);
      const [entry] = model.splice(i, 1);
      model.push(entry!);
    };
    for (let step = 0; step < 5000; step++) {
      const key = `k${random(14)}`;
      const op = random(10);
      if (op < 5) {
        const [hit] = await cache.mget([key]);
        // An expired entry is dropped when looked up, and only then (or when evicted).
        model = model.filter((e) => e.key !== key || e.expiresAt > now());
        const held = model.find((e) => e.key === key);
        assert.equal(hit?.value, held?.value, `step ${step}: get ${key}`);
        if (held) use(key);
      } else if (op < 8) {
        const value = `v${step}`;
        const ttlMs = 50 + random(500);
        await cache.mset([{ key, value, ttlMs }]);
        const held = model.find((e) => e.key === key);
        if (held) {
          Object.assign(held, { value, expiresAt: now() + ttlMs });
          use(key);
        } else {
          model.push({ key, value, expiresAt: now() + ttlMs });
        }
        model = model.slice(-max);
      } else if (op < 9) {
        await cache.del([key]);
        model = model.filter((e) => e.key !== key);
      } else {
        advance(random(40));
      }
      assert.equal(cache.size, model.length, `step ${step}: size`);
    }
    const live = model.filter((e) => e.expiresAt > now());
    assert.ok(live.length > 0, 'the sequence must end with entries held, or the last check proves nothing');
    assert.deepEqual(await values(cache, live.map((e) => e.key)), live.map((e) => e.value));
  });
});
