import { Injectable } from '@nestjs/common';
import type { CachedReaderStats } from '../../features/cache/cached-feature-reader';
import type { FeatureServing } from '../../features/serving/open-feature-serving';

const READER_COUNTERS: [keyof CachedReaderStats, string, string][] = [
  ['hits', 'stratum_feature_cache_hits_total', 'Keys answered fresh from the cache (negative entries included).'],
  ['negativeHits', 'stratum_feature_cache_negative_hits_total', 'Keys answered by a cached "no such entity".'],
  ['staleHits', 'stratum_feature_cache_stale_hits_total', 'Stale cached values served (while revalidating or while the store was down).'],
  ['misses', 'stratum_feature_cache_misses_total', 'Keys the cache did not have.'],
  ['bypasses', 'stratum_feature_cache_bypasses_total', 'Reads whose cache lookup failed (Redis down or slow) and went to the store.'],
  ['loadCalls', 'stratum_online_store_reads_total', 'Batched reads sent to the online store.'],
  ['loadedKeys', 'stratum_online_store_read_keys_total', 'Keys read from the online store.'],
  ['sharedLoads', 'stratum_feature_cache_single_flight_joins_total', 'Missing keys that joined a store read already in flight.'],
  ['refreshErrors', 'stratum_feature_cache_refresh_errors_total', 'Background refreshes that failed.'],
  ['writeErrors', 'stratum_feature_cache_write_errors_total', 'Write-backs to the cache that failed.'],
];

/** Prometheus counters of the read path, read from the components' own counters at scrape time. */
@Injectable()
export class ServingMetrics {
  private serving?: FeatureServing;
  private store = 'embedded';

  attach(serving: FeatureServing, store: string): FeatureServing {
    this.serving = serving;
    this.store = store;
    return serving;
  }

  /** The Prometheus text exposition format (version 0.0.4). */
  render(): string {
    if (this.serving === undefined) return '';
    const stats = this.serving.readPath.cached.stats;
    const label = `{store="${this.store}"}`;
    const counter = (name: string, help: string, value: number) => `# HELP ${name} ${help}\n# TYPE ${name} counter\n${name}${label} ${value}\n`;
    const reads = 'stratum_online_store_read_duration_seconds';
    return (
      READER_COUNTERS.map(([key, name, help]) => counter(name, help, stats[key])).join('') +
      counter('stratum_feature_near_cache_hits_total', 'Keys answered by the in-process near cache of decoded rows (before the shared cache).', this.serving.readPath.near?.hits ?? 0) +
      `# HELP ${reads} Batched online store reads, from the call to its answer or failure (the deadline included).\n# TYPE ${reads} summary\n` +
      `${reads}_sum${label} ${stats.loadMs / 1000}\n${reads}_count${label} ${stats.loadCalls}\n`
    );
  }
}
