import type { CacheEntry, CacheHit, FeatureCache } from './feature-cache';

/** Where a value came from: fresh from the cache, from the store, or stale from the cache. */
export type CachedSource = 'cache' | 'store' | 'stale-cache';

export interface CachedResult<V> {
  /** `undefined`: the store has nothing for the key (possibly known from a cached "missing" marker). */
  value: V | undefined;
  source: CachedSource;
}

/** Reads the keys the cache could not answer from the store: in key order, `undefined` when missing. */
export type StoreLoader<V> = (missKeys: string[]) => Promise<(V | undefined)[]>;

export interface CachedReaderOptions<V> {
  cache: FeatureCache;
  /**
   * How long a value of this namespace stays fresh, in ms (the serving layer derives it from the
   * feature view's ttlSeconds, capped). 0 or less: values of the namespace are not cached.
   */
  ttlMs(namespace: string): number;
  /** How long past its TTL a value may still be served stale, in ms (default 0: never). */
  staleTtlMs?: number;
  /**
   * What a stale value is for (RFC 5861): 'while-revalidate' (default) serves it at once and
   * refreshes it in the background; 'if-error' goes to the store and serves the stale value only
   * when the store fails.
   */
  serveStale?: 'while-revalidate' | 'if-error';
  /** How long "the store has no such key" is remembered, in ms; 0 turns negative caching off. */
  negativeTtlMs: number;
  /** The value as cached; the namespace tells which shape it has (e.g. which feature view version). */
  encode(value: V, namespace: string): string;
  /** Inverse of encode; may throw on a value it cannot read (the key is then treated as a miss). */
  decode(stored: string, namespace: string): V;
  /** The cache failed on a read (Redis down, timeout): the store answered every key instead. */
  onBypass?(error: unknown): void;
  /** A problem off the request path: writing loaded values to the cache, a background refresh, an undecodable value. */
  onError?(error: unknown, during: 'mset' | 'refresh' | 'decode'): void;
  /** The clock (epoch ms) that freshness is judged by; the caches stamp freshUntil with Date.now. */
  now?: () => number;
}

/** Counters since creation, updated in place; per key unless named otherwise. */
export interface CachedReaderStats {
  /** Fresh values served from the cache, "missing" markers included. */
  hits: number;
  /** Of the hits, "missing" markers (negative caching at work). */
  negativeHits: number;
  /** Stale values served (while revalidating, or because the store failed). */
  staleHits: number;
  /** Keys the cache did not have (or could not decode). */
  misses: number;
  /** Read calls whose cache lookup failed, so every key went to the store. */
  bypasses: number;
  /** Calls of a loader (one per read call at most, plus background refreshes). */
  loadCalls: number;
  /** Keys asked of the store. */
  loadedKeys: number;
  /** Milliseconds loads took, from the call to its answer or failure: loadMs ÷ loadCalls is the store's mean read latency. */
  loadMs: number;
  /** Missing keys that joined a load already in flight instead of loading again. */
  sharedLoads: number;
  /** Stale keys refreshed in the background (requested; shared loads included). */
  refreshes: number;
  /** Background refreshes whose load failed. */
  refreshErrors: number;
  /** Write-backs of loaded values to the cache that failed (the read itself succeeded). */
  writeErrors: number;
  /** Cached values decode() could not read. */
  decodeErrors: number;
}

/**
 * One key of a load in flight: its batch's values and its position in them (one promise per
 * load, not per key); `invalidated` stops its value from being written to the cache.
 */
interface Flight<V> {
  batch: Promise<(V | undefined)[]>;
  index: number;
  invalidated: boolean;
}

/** Stored values are tagged: a value present in the store, or the store's "no such key". */
const PRESENT = '+';
const MISSING = '-';

const noop = () => undefined;

/** The items of `list` at `positions`, in that order. */
const pick = <T>(list: readonly T[], positions: readonly number[]): T[] => positions.map((i) => list[i]!);

/**
 * Cache-aside for the read path, independent of what is cached (feature rows, recommendation
 * lists). Per `read` call: ONE cache mget for all keys, ONE `load` for every key the cache did not
 * answer (deduplicated), ONE mset of what was loaded.
 *
 * - Namespaces: the caller builds them and MUST put everything that changes the stored shape in
 *   them: the feature view's version (`features:user_features@v3`, see onlineNamespace) and the
 *   encoding's, so a changed view never serves values cached for the old one. A namespace must
 *   not contain another namespace followed by ':' (keys are `<namespace>:<key>`).
 * - Single-flight: a key missing in several concurrent reads is loaded once; later reads join
 *   the load in flight (per process; replicas may each load it once).
 * - Stale values: a value past its TTL but within `staleTtlMs` more is served as 'stale-cache',
 *   either at once while a background load refreshes it, or only when the store fails
 *   (`serveStale`).
 * - Negative caching: a key the store does not have is remembered for `negativeTtlMs`, so
 *   unknown entities do not reach the store on every request.
 * - Cache failure never fails a read: the store answers every key, the bypass is counted and
 *   reported, and nothing is written back (the cache is down; writes would fail too).
 * - Store failure: keys with a stale value get it ('stale-cache'); if any key has none, the read
 *   rejects with the store's error unchanged (the API answers 503).
 *
 * Results for repeated keys are the same object; callers must not mutate them.
 */
export class CachedReader<V> {
  readonly stats: CachedReaderStats = {
    hits: 0, negativeHits: 0, staleHits: 0, misses: 0, bypasses: 0, loadCalls: 0, loadedKeys: 0, loadMs: 0,
    sharedLoads: 0, refreshes: 0, refreshErrors: 0, writeErrors: 0, decodeErrors: 0,
  };

  private readonly flights = new Map<string, Flight<V>>();
  /** Loads (and their write-backs) not finished yet, for whenIdle(). */
  private readonly background = new Set<Promise<void>>();
  private readonly now: () => number;
  private readonly staleTtlMs: number;

  constructor(private readonly options: CachedReaderOptions<V>) {
    this.now = options.now ?? Date.now;
    this.staleTtlMs = Math.max(0, options.staleTtlMs ?? 0);
  }

  /** Values for `keys` (in order, repeats allowed): from the cache when it has them, else from `load`. */
  async read(namespace: string, keys: readonly string[], load: StoreLoader<V>): Promise<CachedResult<V>[]> {
    if (keys.length === 0) return [];
    const unique = [...new Set(keys)];
    const cacheKeys = unique.map((key) => this.cacheKey(namespace, key));
    const hits = await this.lookup(cacheKeys);
    const cacheUp = hits !== undefined;
    const now = this.now();
    const results = new Map<string, CachedResult<V>>();
    const staleOnError = new Map<string, V | undefined>();
    /** Positions in `unique` of the keys to load, and of those to refresh in the background. */
    const toLoad: number[] = [];
    const toRefresh: number[] = [];

    unique.forEach((key, i) => {
      const hit = hits?.[i];
      const cached = hit === undefined ? undefined : this.decodeHit(hit, namespace);
      if (hit === undefined || cached === undefined) {
        this.stats.misses++;
        toLoad.push(i);
      } else if (now < hit.freshUntil) {
        this.stats.hits++;
        if (cached.value === undefined) this.stats.negativeHits++;
        results.set(key, { value: cached.value, source: 'cache' });
      } else if ((this.options.serveStale ?? 'while-revalidate') === 'while-revalidate') {
        this.stats.staleHits++;
        results.set(key, { value: cached.value, source: 'stale-cache' });
        toRefresh.push(i);
      } else {
        staleOnError.set(key, cached.value);
        toLoad.push(i);
      }
    });

    // Both start synchronously after the lookup, so a concurrent read finds these loads in flight.
    if (toRefresh.length > 0) this.refresh(namespace, pick(unique, toRefresh), pick(cacheKeys, toRefresh), load, cacheUp);
    if (toLoad.length === 0) return keys.map((key) => results.get(key)!);

    const loadKeys = pick(unique, toLoad);
    const flights = this.loadShared(namespace, loadKeys, pick(cacheKeys, toLoad), load, cacheUp);
    // Usually one batch (this read's own load), more when some keys joined other reads' loads. They
    // are all in flight already, so awaiting them in turn waits no longer than for the slowest.
    const outcomes = new Map<Promise<(V | undefined)[]>, { values: (V | undefined)[] } | { error: unknown }>();
    for (const { batch } of flights) {
      if (outcomes.has(batch)) continue;
      try {
        outcomes.set(batch, { values: await batch });
      } catch (error) {
        outcomes.set(batch, { error });
      }
    }
    let failure: { error: unknown } | undefined;
    flights.forEach((flight, j) => {
      const key = loadKeys[j]!;
      const outcome = outcomes.get(flight.batch)!;
      if ('values' in outcome) {
        results.set(key, { value: outcome.values[flight.index], source: 'store' });
      } else if (staleOnError.has(key)) {
        this.stats.staleHits++;
        results.set(key, { value: staleOnError.get(key), source: 'stale-cache' });
      } else {
        failure ??= { error: outcome.error };
      }
    });
    if (failure) throw failure.error;
    return keys.map((key) => results.get(key)!);
  }

  /**
   * Forgets keys: deletes them from the cache and detaches loads in flight (their values, read
   * before the change, are not written back). For GDPR erase, push and any write to the store:
   * call it AFTER the store write, so the next read loads the new value. Deleting rather than
   * writing the new value keeps the cache from ever holding a value the store no longer has.
   * Rejects when the cache fails (FeatureCacheError): the caller must retry, since a replica may
   * still serve the old value until its TTL.
   */
  async invalidate(namespace: string, keys: readonly string[]): Promise<void> {
    const cacheKeys = [...new Set(keys)].map((key) => this.cacheKey(namespace, key));
    for (const cacheKey of cacheKeys) {
      const flight = this.flights.get(cacheKey);
      if (flight === undefined) continue;
      flight.invalidated = true;
      this.flights.delete(cacheKey);
    }
    if (cacheKeys.length > 0) await this.options.cache.del(cacheKeys);
  }

  /** Resolves when every load and write-back started so far (background refreshes included) has settled. */
  async whenIdle(): Promise<void> {
    while (this.background.size > 0) await Promise.allSettled([...this.background]);
  }

  private cacheKey(namespace: string, key: string): string {
    return `${namespace}:${key}`;
  }

  /** The cache's answer, or undefined when the cache failed (counted and reported as a bypass). */
  private async lookup(cacheKeys: string[]): Promise<(CacheHit | undefined)[] | undefined> {
    try {
      const hits = await this.options.cache.mget(cacheKeys);
      if (hits.length !== cacheKeys.length) throw new Error(`cache mget answered ${hits.length} results for ${cacheKeys.length} keys`);
      return hits;
    } catch (error) {
      this.stats.bypasses++;
      this.options.onBypass?.(error);
      return undefined;
    }
  }

  /** The cached value, `{ value: undefined }` for a "missing" marker, undefined when unreadable. */
  private decodeHit(hit: CacheHit, namespace: string): { value: V | undefined } | undefined {
    if (hit.value === MISSING) return { value: undefined };
    if (hit.value.startsWith(PRESENT)) {
      try {
        return { value: this.options.decode(hit.value.slice(PRESENT.length), namespace) };
      } catch (error) {
        this.stats.decodeErrors++;
        this.options.onError?.(error, 'decode');
        return undefined;
      }
    }
    return undefined;
  }

  private refresh(namespace: string, keys: string[], cacheKeys: string[], load: StoreLoader<V>, writeBack: boolean): void {
    this.stats.refreshes += keys.length;
    const batches = new Set(this.loadShared(namespace, keys, cacheKeys, load, writeBack).map((f) => f.batch));
    Promise.all(batches).catch((error: unknown) => {
      this.stats.refreshErrors++;
      this.options.onError?.(error, 'refresh');
    });
  }

  /** The flight of each key (cacheKeys[i] is keys[i]'s): joins loads in flight, and starts ONE load for the rest. */
  private loadShared(namespace: string, keys: string[], cacheKeys: string[], load: StoreLoader<V>, writeBack: boolean): Flight<V>[] {
    const out: Flight<V>[] = new Array<Flight<V>>(keys.length);
    const freshAt: number[] = [];
    keys.forEach((_, i) => {
      const flight = this.flights.get(cacheKeys[i]!);
      if (flight !== undefined) {
        this.stats.sharedLoads++;
        out[i] = flight;
      } else {
        freshAt.push(i);
      }
    });
    if (freshAt.length === keys.length) return this.startLoad(namespace, keys, cacheKeys, load, writeBack);
    if (freshAt.length > 0) {
      const started = this.startLoad(namespace, pick(keys, freshAt), pick(cacheKeys, freshAt), load, writeBack);
      freshAt.forEach((i, j) => (out[i] = started[j]!));
    }
    return out;
  }

  private startLoad(namespace: string, keys: string[], cacheKeys: string[], load: StoreLoader<V>, writeBack: boolean): Flight<V>[] {
    this.stats.loadCalls++;
    this.stats.loadedKeys += keys.length;
    const batch = this.callLoad(keys, load);
    batch.catch(noop); // a refresh nobody awaits must not be an unhandled rejection
    const flights = cacheKeys.map((cacheKey, index): Flight<V> => {
      const flight = { batch, index, invalidated: false };
      this.flights.set(cacheKey, flight);
      return flight;
    });
    // Flights stay registered until the write-back lands, so a read in between joins instead of loading again.
    const done: Promise<void> = batch
      .then((vs) => (writeBack ? this.writeBack(namespace, cacheKeys, vs, flights) : undefined), noop)
      .finally(() => {
        cacheKeys.forEach((cacheKey, i) => {
          if (this.flights.get(cacheKey) === flights[i]) this.flights.delete(cacheKey);
        });
        this.background.delete(done);
      });
    this.background.add(done);
    return flights;
  }

  /** Calls the loader once and checks it kept the contract (same length, key order). */
  private async callLoad(keys: string[], load: StoreLoader<V>): Promise<(V | undefined)[]> {
    const startedAt = performance.now();
    let values: (V | undefined)[];
    try {
      values = await load([...keys]);
    } finally {
      this.stats.loadMs += performance.now() - startedAt;
    }
    if (!Array.isArray(values) || values.length !== keys.length) {
      throw new Error(
        `CachedReader: the store loader answered ${Array.isArray(values) ? values.length : typeof values} values for ${keys.length} keys; ` +
          'it must answer in key order, with undefined for a missing key.',
      );
    }
    return values;
  }

  /** ONE mset of what was loaded; failures are counted and reported, never thrown (the read already succeeded). */
  private async writeBack(namespace: string, cacheKeys: string[], values: (V | undefined)[], flights: Flight<V>[]): Promise<void> {
    try {
      const ttlMs = this.options.ttlMs(namespace);
      const entries: CacheEntry[] = [];
      cacheKeys.forEach((cacheKey, i) => {
        if (flights[i]!.invalidated) return;
        const value = values[i];
        if (value === undefined) {
          if (this.options.negativeTtlMs > 0) entries.push({ key: cacheKey, value: MISSING, ttlMs: this.options.negativeTtlMs });
        } else if (ttlMs > 0) {
          entries.push({ key: cacheKey, value: PRESENT + this.options.encode(value, namespace), freshForMs: ttlMs, ttlMs: ttlMs + this.staleTtlMs });
        }
      });
      if (entries.length > 0) await this.options.cache.mset(entries);
    } catch (error) {
      this.stats.writeErrors++;
      this.options.onError?.(error, 'mset');
    }
  }
}
