import { FeatureCache, emptyCacheStats, freshForMs, type CacheEntry, type CacheHit, type CacheStats } from './feature-cache';

export interface MemoryLruCacheOptions {
  /** At most this many entries; the least recently used goes first (CacheSettings.maxEntries). */
  maxEntries: number;
  /** The clock (epoch ms); injectable so TTL tests need not sleep. */
  now?: () => number;
}

/** An entry, and its neighbours in the order of use (a doubly linked list, newest at the head). */
interface Slot {
  readonly key: string;
  value: string;
  freshUntil: number;
  expiresAt: number;
  /** The next more recently used entry. */
  newer: Slot | undefined;
  /** The next less recently used entry. */
  older: Slot | undefined;
}

/**
 * The cache when REDIS_URL is unset: an in-process LRU, no dependency. A Map finds an entry, and a
 * doubly linked list through the entries keeps them in the order of use: a hit moves its entry to
 * the newest end by relinking it, and eviction drops the oldest end: O(1) per operation, and a hit
 * allocates nothing.
 *
 * Why not re-insert into the Map on every hit (a Map iterates in insertion order, so that keeps an
 * LRU order too): each delete leaves a hole in V8's hash table, which is rebuilt once holes fill
 * it, and those tables, held by a long-lived Map, are promoted to the old generation. At 100 hits a
 * request that was 2–3 MB/s of old-generation garbage at ~400 requests/s (bench:serving under
 * --trace-gc), so full GCs came during the LRU runs; alone, 20,000 such requests made 14 full GCs
 * and took 4× the time of relinking, which made none.
 *
 * Expired entries are dropped lazily (on lookup, or when they reach the LRU end); no timers, so an
 * idle process does no work. Per process: replicas do not share it, and invalidation reaches only
 * this process (use Redis when several replicas serve).
 */
export class MemoryLruCache extends FeatureCache {
  readonly stats: CacheStats = emptyCacheStats();
  private readonly slots = new Map<string, Slot>();
  private newest: Slot | undefined;
  private oldest: Slot | undefined;
  private readonly maxEntries: number;
  private readonly now: () => number;

  constructor(options: MemoryLruCacheOptions) {
    super();
    if (!Number.isInteger(options.maxEntries) || options.maxEntries < 1) {
      throw new Error(`MemoryLruCache: maxEntries must be a positive whole number, got ${options.maxEntries} (STRATUM_CACHE_MAX_ENTRIES).`);
    }
    this.maxEntries = options.maxEntries;
    this.now = options.now ?? Date.now;
  }

  /** Entries held, expired ones not yet dropped included. */
  get size(): number {
    return this.slots.size;
  }

  override async mget(keys: readonly string[]): Promise<(CacheHit | undefined)[]> {
    const now = this.now();
    return keys.map((key) => {
      const slot = this.slots.get(key);
      if (slot === undefined || slot.expiresAt <= now) {
        if (slot !== undefined) this.remove(slot);
        this.stats.misses++;
        return undefined;
      }
      this.touch(slot);
      this.stats.hits++;
      return { value: slot.value, freshUntil: slot.freshUntil };
    });
  }

  override async mset(entries: readonly CacheEntry[]): Promise<void> {
    const now = this.now();
    for (const entry of entries) {
      if (!(entry.ttlMs > 0)) continue;
      const freshUntil = now + freshForMs(entry);
      const expiresAt = now + entry.ttlMs;
      const slot = this.slots.get(entry.key);
      if (slot !== undefined) {
        slot.value = entry.value;
        slot.freshUntil = freshUntil;
        slot.expiresAt = expiresAt;
        this.touch(slot);
        continue;
      }
      const added: Slot = { key: entry.key, value: entry.value, freshUntil, expiresAt, newer: undefined, older: undefined };
      this.slots.set(entry.key, added);
      this.link(added);
    }
    while (this.slots.size > this.maxEntries) this.remove(this.oldest!);
  }

  override async del(keys: readonly string[]): Promise<void> {
    for (const key of keys) {
      const slot = this.slots.get(key);
      if (slot !== undefined) this.remove(slot);
    }
  }

  override async close(): Promise<void> {
    this.slots.clear();
    this.newest = this.oldest = undefined;
  }

  /** Makes a held entry the most recently used. */
  private touch(slot: Slot): void {
    if (slot === this.newest) return;
    this.unlink(slot);
    this.link(slot);
  }

  private remove(slot: Slot): void {
    this.slots.delete(slot.key);
    this.unlink(slot);
  }

  /** Puts an unlinked entry at the newest end. */
  private link(slot: Slot): void {
    slot.older = this.newest;
    slot.newer = undefined;
    if (this.newest !== undefined) this.newest.newer = slot;
    else this.oldest = slot;
    this.newest = slot;
  }

  private unlink(slot: Slot): void {
    if (slot.newer !== undefined) slot.newer.older = slot.older;
    else this.newest = slot.older;
    if (slot.older !== undefined) slot.older.newer = slot.newer;
    else this.oldest = slot.newer;
    slot.newer = slot.older = undefined;
  }
}
