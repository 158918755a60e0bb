/**
 * A cache call that failed (connection down, command timed out, server error). It names the
 * operation, how many keys, and where (the server without its password), so a log line says what
 * to check. The read path never lets it reach a client: CachedReader bypasses the cache instead.
 */
export class FeatureCacheError extends Error {
  constructor(
    readonly operation: 'mget' | 'mset' | 'del',
    readonly keyCount: number,
    readonly server: string,
    cause: unknown,
  ) {
    const why = cause instanceof Error ? cause.message : String(cause);
    super(
      `cache ${operation} of ${keyCount} key${keyCount === 1 ? '' : 's'} at ${server} failed: ${why}. ` +
        'Reads go to the online store meanwhile; check that Redis is up and reachable at REDIS_URL.',
      { cause },
    );
    this.name = 'FeatureCacheError';
  }
}
