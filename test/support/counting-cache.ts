import { FeatureCache, type CacheEntry, type CacheHit, type CacheStats } from '../../src/features/cache/feature-cache';

/** Records the calls a reader makes on the real cache underneath (one round trip each). */
export class CountingCache extends FeatureCache {
  readonly mgets: string[][] = [];
  readonly msets: CacheEntry[][] = [];
  constructor(private readonly inner: FeatureCache) {
    super();
  }
  get stats(): CacheStats {
    return this.inner.stats;
  }
  override mget(keys: readonly string[]): Promise<(CacheHit | undefined)[]> {
    this.mgets.push([...keys]);
    return this.inner.mget(keys);
  }
  override mset(entries: readonly CacheEntry[]): Promise<void> {
    this.msets.push([...entries]);
    return this.inner.mset(entries);
  }
  override del(keys: readonly string[]): Promise<void> {
    return this.inner.del(keys);
  }
  override close(): Promise<void> {
    return this.inner.close();
  }
}
