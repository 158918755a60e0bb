import { loadConfig, type AppConfig } from '../../src/config/app-config';
import { BigtableOnlineStore } from '../../src/features/online-store/bigtable/bigtable-online-store';
import { ensureEmulatorInstanceAndDatabase } from '../../src/features/online-store/spanner/spanner-client';
import { SpannerOnlineStore } from '../../src/features/online-store/spanner/spanner-online-store';
import { BigtableRecommendationStore } from '../../src/features/recommendations/bigtable/bigtable-recommendation-store';
import { loadFeatureRegistry } from '../../src/features/serving/open-feature-serving';
import { prepareEmulatorEnvironment, startBigtableEmulator, startSpannerEmulator, type RealServer } from '../../test/support/real-servers';

export type StoreKind = 'embedded' | 'bigtable' | 'spanner';
export const STORE_KINDS: readonly StoreKind[] = ['embedded', 'bigtable', 'spanner'];

/** How the app is configured for one block of scenarios. */
export type CacheMode = 'near' | 'redis' | 'lru' | 'redis-ttl0';

export interface StoreUnderTest {
  kind: StoreKind;
  /** The store's variables (emulator host, instance ids, embedded path), before the cache's. */
  env: Record<string, string>;
  stop(): Promise<void>;
}

/**
 * Starts the store's emulator (if any) and creates its schema the way an operator would
 * (`stratum online-store init` / `stratum spanner migrate`), never on the request path.
 */
export async function startStore(kind: StoreKind, baseEnv: Record<string, string>, embeddedPath: string): Promise<StoreUnderTest> {
  // The embedded store also holds the recommendation lists / user data the cloud store does not.
  const common = { ...baseEnv, STRATUM_ONLINE_STORE: kind, STRATUM_ONLINE_STORE_PATH: embeddedPath };
  if (kind === 'embedded') return { kind, env: common, stop: async () => undefined };
  prepareEmulatorEnvironment();
  let emulator: RealServer;
  let env: Record<string, string>;
  if (kind === 'bigtable') {
    emulator = await startBigtableEmulator();
    env = { ...common, BIGTABLE_EMULATOR_HOST: emulator.host, BIGTABLE_INSTANCE: 'bench-instance' };
  } else {
    emulator = await startSpannerEmulator();
    env = { ...common, SPANNER_EMULATOR_HOST: emulator.host, SPANNER_INSTANCE: 'bench-instance', SPANNER_DATABASE: 'serving' };
  }
  try {
    const config = loadConfig(env);
    const views = loadFeatureRegistry(config.serving).views;
    const settings = config.serving.onlineStore;
    if (settings.kind === 'bigtable') {
      await BigtableOnlineStore.init(settings, views);
      await BigtableRecommendationStore.init(settings);
    } else if (settings.kind === 'spanner') {
      await ensureEmulatorInstanceAndDatabase(settings);
      await SpannerOnlineStore.migrate(settings, views);
    }
  } catch (e) {
    await emulator.stop();
    throw e;
  }
  return { kind, env, stop: () => emulator.stop() };
}

/** The store's variables plus the cache's: Redis with or without the near cache (one database per store, so nothing leaks between them), the LRU, or Redis with caching off. */
export function appConfig(store: StoreUnderTest, cache: CacheMode, redisHost: string, redisDb: number): AppConfig {
  const env: Record<string, string> = { ...store.env };
  if (cache !== 'lru') env.REDIS_URL = `redis://${redisHost}/${redisDb}`;
  // TTL 0: nothing is written back, so every key goes to the store (the lookup still costs its MGET).
  if (cache === 'redis-ttl0') env.STRATUM_CACHE_TTL_MS = '0';
  // 'near' is the default configuration: decoded hot rows in process for 1 s, then Redis. The other
  // modes turn the near cache off to measure the shared cache (or the store) itself.
  if (cache !== 'near') env.STRATUM_NEAR_CACHE_TTL_MS = '0';
  return loadConfig(env);
}
