import { existsSync } from 'node:fs';
import type { ServingSettings } from '../../config/serving-config';
import type { SemanticEngine } from '../../semantic/semantic-engine';
import type { FeatureCache } from '../cache/feature-cache';
import type { OnlineStore } from '../online-store/online-store';
import { openServingStores } from '../online-store/open-online-store';
import { PopularItems } from '../recommendations/popular-items';
import { RecommendationService, type ItemAvailability } from '../recommendations/recommendation-service';
import type { RecommendationStore } from '../recommendations/recommendation-store';
import type { UserDataStore } from '../users/user-data-store';
import type { Warehouse } from '../../warehouse/warehouse';
import { loadFeatureDefinitions, type FeatureManifest } from '../spec';
import { FeatureReadPath } from './feature-read-path';
import { FeatureRegistry } from './feature-registry';
import { FeatureServer } from './feature-server';

/** Everything feature serving holds open in one process; created once, closed at shutdown. */
export interface FeatureServing {
  registry: FeatureRegistry;
  store: OnlineStore;
  cache: FeatureCache;
  readPath: FeatureReadPath;
  server: FeatureServer;
  recommendationStore: RecommendationStore;
  userData: UserDataStore;
  popular: PopularItems;
  recommendations: RecommendationService;
  limits: ServingSettings['readPath'];
  close(): Promise<void>;
}

/** What serving reads besides its own stores: the engine (metric-backed views) and the warehouse (popular items). */
export interface ServingDependencies {
  engine?: SemanticEngine;
  warehouse: Warehouse;
  /** Schema (dataset) of the marts. */
  schema: string;
}

export interface FeatureServingHooks {
  /** Redis failed on a read and the store answered instead (a metric counts these too). */
  onCacheBypass?(error: unknown): void;
  onCacheError?(error: unknown, during: string): void;
}

/** Loads the feature definitions (none when the default folder does not exist). */
export function loadFeatureRegistry(settings: ServingSettings, engine?: SemanticEngine): FeatureRegistry {
  const manifest: FeatureManifest = existsSync(settings.featuresPath)
    ? loadFeatureDefinitions(settings.featuresPath, engine, { defaultOnlineStore: settings.onlineStore.kind })
    : { entities: [], featureViews: [], featureServices: [] };
  return new FeatureRegistry(manifest);
}

/** Opens the configured cache: Redis when REDIS_URL is set, otherwise the in-process LRU. */
export async function openFeatureCache(settings: ServingSettings, hooks: FeatureServingHooks = {}): Promise<FeatureCache> {
  if (settings.cache.kind === 'redis') {
    const { RedisFeatureCache } = await import('../cache/redis-feature-cache');
    return RedisFeatureCache.connect(settings.cache.url, { onConnectionError: (e) => hooks.onCacheError?.(e, 'connect') });
  }
  const { MemoryLruCache } = await import('../cache/memory-lru-cache');
  return new MemoryLruCache({ maxEntries: settings.cache.maxEntries });
}

/**
 * The read path and the feature server over an open store and cache: cached values stay fresh for
 * min(view TTL, STRATUM_CACHE_TTL_MS). Shared by the service and `stratum users erase`.
 */
export function createFeatureServer(
  settings: ServingSettings,
  registry: FeatureRegistry,
  store: OnlineStore,
  cache: FeatureCache,
  hooks: FeatureServingHooks = {},
): { readPath: FeatureReadPath; server: FeatureServer } {
  const limits = settings.readPath;
  const ttlByNamespace = new Map(registry.views.map((v) => [FeatureReadPath.namespace(v), v.ttlSeconds > 0 ? Math.min(v.ttlSeconds * 1000, limits.cacheTtlMs) : limits.cacheTtlMs]));
  const readPath = new FeatureReadPath(store, cache, {
    storeName: settings.onlineStore.kind,
    timeoutMs: limits.storeTimeoutMs,
    ttlMs: (namespace) => ttlByNamespace.get(namespace) ?? limits.cacheTtlMs,
    staleTtlMs: limits.cacheStaleTtlMs,
    negativeTtlMs: limits.cacheNegativeTtlMs,
    nearTtlMs: limits.nearCacheTtlMs,
    onBypass: hooks.onCacheBypass,
    onError: hooks.onCacheError,
  });
  return { readPath, server: new FeatureServer(registry, readPath, store, limits) };
}

/** Wires definitions → store → cache → read path → server from the validated settings. */
export async function openFeatureServing(settings: ServingSettings, deps: ServingDependencies, hooks: FeatureServingHooks = {}): Promise<FeatureServing> {
  const registry = loadFeatureRegistry(settings, deps.engine);
  const stores = await openServingStores(settings);
  const { store, recommendations: recommendationStore, userData } = stores;
  const cache = await openFeatureCache(settings, hooks);
  const { readPath, server } = createFeatureServer(settings, registry, store, cache, hooks);
  const limits = settings.readPath;
  const popular = new PopularItems(deps.warehouse, { schema: deps.schema, onError: (e) => hooks.onCacheError?.(e, 'popular items refresh') });
  await popular.start();
  const recommendations = new RecommendationService(recommendationStore, userData, popular, itemAvailability(server.registry, readPath), limits.storeTimeoutMs);
  return {
    registry,
    store,
    cache,
    readPath,
    server,
    recommendationStore,
    userData,
    popular,
    recommendations,
    limits,
    close: async () => {
      popular.stop();
      await Promise.allSettled([stores.close(), cache.close()]);
    },
  };
}

/**
 * Availability from the online features: a view keyed by `item` with an `is_available` feature
 * (the demo's item_features). Items it does not know stay eligible; no such view, all eligible.
 */
function itemAvailability(registry: FeatureRegistry, readPath: FeatureReadPath): ItemAvailability {
  const view = registry.views.find((v) => v.entities.includes('item') && v.features.some((f) => f.name === 'is_available' && f.dtype === 'Bool'));
  return async (itemIds) => {
    const available = new Map<string, boolean>();
    if (view === undefined || itemIds.length === 0) return available;
    // One batch per call already: straight to the read path (cache, then store), no DataLoader.
    const reads = await readPath.read(view, itemIds);
    reads.forEach((read, i) => {
      const value = read.row?.values.is_available;
      if (typeof value === 'boolean') available.set(itemIds[i]!, value);
    });
    return available;
  };
}
