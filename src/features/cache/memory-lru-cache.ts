import { FeatureCache, emptyCacheStats, freshForMs, type CacheEntry, type CacheHit, type CacheStats } from './feature-cache';

export interface MemoryLruCacheOptions {
  /** At most this many entries; the least recently used goes first (CacheSettings.maxEntries). */
  maxEntries: number;
  /** The clock (epoch ms); injectable so TTL tests need not sleep. */
  now?: () => number;
}

interface Slot {
  value: string;
  freshUntil: number;
  expiresAt: number;
}

/**
 * The cache when REDIS_URL is unset: an in-process LRU, no dependency. A Map iterates in insertion
 * order, so re-inserting a key on every hit keeps the least recently used key first, and eviction
 * deletes the first key: O(1) per operation.
 *
 * Expired entries are dropped lazily (on lookup, or when they reach the LRU end); no timers, so an
 * idle process does no work. Per process: replicas do not share it, and invalidation reaches only
 * this process (use Redis when several replicas serve).
 */
export class MemoryLruCache extends FeatureCache {
  readonly stats: CacheStats = emptyCacheStats();
  private readonly slots = new Map<string, Slot>();
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
        if (slot !== undefined) this.slots.delete(key);
        this.stats.misses++;
        return undefined;
      }
      // Move to the most recently used end.
      this.slots.delete(key);
      this.slots.set(key, slot);
      this.stats.hits++;
      return { value: slot.value, freshUntil: slot.freshUntil };
    });
  }

  override async mset(entries: readonly CacheEntry[]): Promise<void> {
    const now = this.now();
    for (const entry of entries) {
      if (!(entry.ttlMs > 0)) continue;
      this.slots.delete(entry.key);
      this.slots.set(entry.key, { value: entry.value, freshUntil: now + freshForMs(entry), expiresAt: now + entry.ttlMs });
    }
    while (this.slots.size > this.maxEntries) {
      this.slots.delete(this.slots.keys().next().value as string);
    }
  }

  override async del(keys: readonly string[]): Promise<void> {
    for (const key of keys) this.slots.delete(key);
  }

  override async close(): Promise<void> {
    this.slots.clear();
  }
}
