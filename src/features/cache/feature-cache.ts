/**
 * The cache in front of the online store: opaque string values by string key, each with two
 * lifetimes so a value can be served stale while it is refreshed (RFC 5861's stale-while-revalidate
 * and stale-if-error):
 * - `freshForMs` (soft TTL): until then the value is fresh; the cache hands back the instant as
 *   `CacheHit.freshUntil` so the reader can tell fresh from stale without a second key.
 * - `ttlMs` (hard TTL): the entry disappears (Redis `PX`); after it nothing can be served.
 *
 * What the values mean (feature rows, "missing" markers, their encoding) is the reader's business
 * (CachedReader); a cache only stores strings. Implementations REJECT on failure (Redis down,
 * timeout) and never hang: turning a failure into a bypass of the cache is the reader's decision.
 *
 * An abstract class rather than an interface so it can serve as the Nest injection token
 * (two implementations: MemoryLruCache without REDIS_URL, RedisFeatureCache with it).
 */
export abstract class FeatureCache {
  /** Counters since creation, updated in place (read them for metrics; never reset). */
  abstract readonly stats: CacheStats;

  /** Looks keys up in ONE round trip; result[i] belongs to keys[i], `undefined` when absent or expired. */
  abstract mget(keys: readonly string[]): Promise<(CacheHit | undefined)[]>;

  /** Stores entries in ONE round trip (not atomic: a failure may leave some stored). */
  abstract mset(entries: readonly CacheEntry[]): Promise<void>;

  /** Removes keys; absent keys are ignored, so it is idempotent. */
  abstract del(keys: readonly string[]): Promise<void>;

  /** Releases the connection; the cache is unusable afterwards. */
  abstract close(): Promise<void>;
}

export interface CacheEntry {
  key: string;
  value: string;
  /** Hard TTL in ms (> 0): the entry is gone after it. */
  ttlMs: number;
  /** Soft TTL in ms, at most ttlMs (default ttlMs): the value is fresh until then, stale after. */
  freshForMs?: number;
}

export interface CacheHit {
  value: string;
  /** Epoch ms until which the value is fresh; past it (but still stored) it is stale. */
  freshUntil: number;
}

export interface CacheStats {
  /** Keys found by mget (fresh or stale). */
  hits: number;
  /** Keys not found by mget. */
  misses: number;
  /** Calls that failed (connection down, timeout, server error). */
  errors: number;
}

export function emptyCacheStats(): CacheStats {
  return { hits: 0, misses: 0, errors: 0 };
}

/** The soft TTL of an entry, clamped to its hard TTL. */
export function freshForMs(entry: CacheEntry): number {
  return Math.min(entry.freshForMs ?? entry.ttlMs, entry.ttlMs);
}
