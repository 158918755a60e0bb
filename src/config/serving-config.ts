import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { ONLINE_STORES, type OnlineStoreKind } from '../features/spec/feature-manifest';
import type { ConfigProblem, EnvReader } from './app-config';

/** Feature and recommendation serving settings: the online store, the cache in front of it, the read path's limits. */
export interface ServingSettings {
  onlineStore: OnlineStoreSettings;
  /** Precomputed recommendation lists (STRATUM_RECOMMENDATION_STORE; Bigtable with the Bigtable online store). */
  recommendationStore: EmbeddedStoreSettings | BigtableStoreSettings;
  /** UserPreferences / UserInteractions (STRATUM_USER_DATA_STORE; Spanner with the Spanner online store). */
  userDataStore: EmbeddedStoreSettings | SpannerStoreSettings;
  cache: CacheSettings;
  /** Folder of feature definitions (STRATUM_FEATURES_PATH); when defaulted it may not exist (no features). */
  featuresPath: string;
  readPath: ReadPathSettings;
}

/** Limits and cache lifetimes of the low-latency read path. */
export interface ReadPathSettings {
  /** A store call slower than this answers 503 (or a stale cached value), never a hang. */
  storeTimeoutMs: number;
  /** Entity rows in one get-online-features call (more: 400, split the call). */
  maxEntityRows: number;
  /** Rows in one push or recommendations write. */
  maxPushRows: number;
  /** Cached values stay fresh for min(view TTL, this). */
  cacheTtlMs: number;
  /** How long a cached value may be served stale past that (while revalidating, or while the store is down). */
  cacheStaleTtlMs: number;
  /** How long "no such entity" is remembered. */
  cacheNegativeTtlMs: number;
  /** Decoded rows of hot keys kept in process in front of the cache (0: off); bounds how late another replica's push is seen. */
  nearCacheTtlMs: number;
}

export type OnlineStoreSettings = EmbeddedStoreSettings | BigtableStoreSettings | SpannerStoreSettings;

export interface EmbeddedStoreSettings {
  kind: 'embedded';
  /** Directory of the embedded store's files; created by the store if missing. */
  path: string;
}

export interface BigtableStoreSettings {
  kind: 'bigtable';
  /** GOOGLE_CLOUD_PROJECT, or LOCAL_PROJECT_ID against the emulator. */
  projectId: string;
  instanceId: string;
  /** host:port of the Bigtable emulator (BIGTABLE_EMULATOR_HOST), when used. */
  emulatorHost?: string;
}

export interface SpannerStoreSettings {
  kind: 'spanner';
  /** GOOGLE_CLOUD_PROJECT, or LOCAL_PROJECT_ID against the emulator. */
  projectId: string;
  instanceId: string;
  databaseId: string;
  /** 0: strong reads; otherwise reads at exactly this staleness (table.read has no max-staleness bound). */
  readStalenessMs: number;
  /** host:port of the Spanner emulator (SPANNER_EMULATOR_HOST), when used. */
  emulatorHost?: string;
}

export type CacheSettings = RedisCacheSettings | MemoryCacheSettings;

export interface RedisCacheSettings {
  kind: 'redis';
  /** A redis:// or rediss:// URL (may hold a password: never log it). */
  url: string;
}

/** No REDIS_URL: an in-process LRU of at most maxEntries values. */
export interface MemoryCacheSettings {
  kind: 'memory';
  maxEntries: number;
}

/** Project id used against an emulator when GOOGLE_CLOUD_PROJECT is unset (emulators accept any id). */
export const LOCAL_PROJECT_ID = 'stratum-local';

// Google's id rules, checked here so a typo fails at start-up rather than on the first read.
const SPANNER_INSTANCE_ID = /^[a-z][-a-z0-9]{0,62}[a-z0-9]$/;
const SPANNER_DATABASE_ID = /^[a-z][a-z0-9_-]{0,28}[a-z0-9]$/;
const BIGTABLE_INSTANCE_ID = /^[a-z][-a-z0-9]{0,31}[a-z0-9]$/;

export function servingSettings(env: EnvReader, root: string, semanticLayerPath: string, problems: readonly ConfigProblem[]): ServingSettings {
  const kind = env.oneOf<OnlineStoreKind>('STRATUM_ONLINE_STORE', ONLINE_STORES, 'embedded');
  const bigtableEmulator = emulatorHost(env, 'BIGTABLE_EMULATOR_HOST');
  const spannerEmulator = emulatorHost(env, 'SPANNER_EMULATOR_HOST');
  const readStalenessMs = env.int(
    'SPANNER_READ_STALENESS_MS',
    0,
    0,
    3_600_000,
    'Use 0 for strong reads, or an exact staleness in milliseconds up to 3600000 (Spanner keeps old versions 1 hour by default), e.g. 10000.',
  );
  // Validated whichever store is chosen, so a bad value is found before someone switches to it.
  const bigtableInstance = cloudId(env, 'BIGTABLE_INSTANCE', BIGTABLE_INSTANCE_ID, bigtableEmulator ? 2 : 6, 33, 'start with a lowercase letter, hold only lowercase letters, digits and hyphens, and end with a letter or digit');
  const spannerInstance = cloudId(env, 'SPANNER_INSTANCE', SPANNER_INSTANCE_ID, 2, 64, 'start with a lowercase letter, hold only lowercase letters, digits and hyphens, and end with a letter or digit');
  const spannerDatabase = cloudId(env, 'SPANNER_DATABASE', SPANNER_DATABASE_ID, 2, 30, 'start with a lowercase letter, hold only lowercase letters, digits, underscores and hyphens, and end with a letter or digit');

  const projectFor = (store: string, emulator: string | undefined, emulatorVariable: string): string => {
    const project = env.str('GOOGLE_CLOUD_PROJECT');
    if (project) return project;
    if (emulator) return LOCAL_PROJECT_ID;
    // BigQuery may already have reported it missing; one entry per variable is enough.
    if (!problems.some((p) => p.variable === 'GOOGLE_CLOUD_PROJECT')) {
      env.problem({
        variable: 'GOOGLE_CLOUD_PROJECT',
        message: `is required when STRATUM_ONLINE_STORE=${store}.`,
        fix: `Set GOOGLE_CLOUD_PROJECT to the project of the ${store} instance, or set ${emulatorVariable} to use the emulator.`,
      });
    }
    return '';
  };
  const required = (name: string, value: string | undefined, store: string, fix: string): string => {
    if (value === undefined && env.str(name) === undefined) {
      env.problem({ variable: name, message: `is required when STRATUM_ONLINE_STORE=${store}.`, fix });
    }
    return value ?? '';
  };

  const bigtable = (): BigtableStoreSettings => ({
    kind: 'bigtable',
    projectId: projectFor('bigtable', bigtableEmulator, 'BIGTABLE_EMULATOR_HOST'),
    instanceId: required('BIGTABLE_INSTANCE', bigtableInstance, 'bigtable', 'Set BIGTABLE_INSTANCE to the Bigtable instance id, e.g. stratum-features.'),
    emulatorHost: bigtableEmulator,
  });
  const spanner = (): SpannerStoreSettings => ({
    kind: 'spanner',
    projectId: projectFor('spanner', spannerEmulator, 'SPANNER_EMULATOR_HOST'),
    instanceId: required('SPANNER_INSTANCE', spannerInstance, 'spanner', 'Set SPANNER_INSTANCE to the Spanner instance id, e.g. stratum.'),
    databaseId: required('SPANNER_DATABASE', spannerDatabase, 'spanner', 'Set SPANNER_DATABASE to the Spanner database id, e.g. serving.'),
    readStalenessMs,
    emulatorHost: spannerEmulator,
  });
  const embeddedPath = resolve(env.str('STRATUM_ONLINE_STORE_PATH') ?? join(root, '.data', 'online-store'));
  if (existsSync(embeddedPath) && !statSync(embeddedPath).isDirectory()) {
    env.problem({ variable: 'STRATUM_ONLINE_STORE_PATH', message: `'${embeddedPath}' is a file, not a directory.`, fix: 'Point it at a directory (created if missing), e.g. .data/online-store.' });
  }
  const embedded: EmbeddedStoreSettings = { kind: 'embedded', path: embeddedPath };
  const onlineStore: OnlineStoreSettings = kind === 'bigtable' ? bigtable() : kind === 'spanner' ? spanner() : embedded;
  // Seed 001: lists live in Bigtable, user profiles in Spanner; the embedded store stands in for either.
  const recommendationKind = env.oneOf('STRATUM_RECOMMENDATION_STORE', ['embedded', 'bigtable'] as const, kind === 'bigtable' ? 'bigtable' : 'embedded');
  const userDataKind = env.oneOf('STRATUM_USER_DATA_STORE', ['embedded', 'spanner'] as const, kind === 'spanner' ? 'spanner' : 'embedded');
  const recommendationStore = recommendationKind === 'bigtable' ? (onlineStore.kind === 'bigtable' ? onlineStore : bigtable()) : embedded;
  const userDataStore = userDataKind === 'spanner' ? (onlineStore.kind === 'spanner' ? onlineStore : spanner()) : embedded;

  const redisUrl = redisUrlSetting(env);
  const maxEntries = env.int('STRATUM_CACHE_MAX_ENTRIES', 100_000, 1, 100_000_000, 'Set a positive whole number of cached values, e.g. 100000.');
  const cache: CacheSettings = redisUrl !== undefined ? { kind: 'redis', url: redisUrl } : { kind: 'memory', maxEntries };

  const readPath: ReadPathSettings = {
    storeTimeoutMs: env.int('STRATUM_STORE_TIMEOUT_MS', 1000, 1, 60_000, 'Set the online-store deadline in milliseconds, e.g. 1000.'),
    maxEntityRows: env.int('STRATUM_MAX_ENTITY_ROWS', 1000, 1, 100_000, 'Set the most entity rows per get-online-features call, e.g. 1000.'),
    maxPushRows: env.int('STRATUM_MAX_PUSH_ROWS', 10_000, 1, 1_000_000, 'Set the most rows per push, e.g. 10000.'),
    cacheTtlMs: env.int('STRATUM_CACHE_TTL_MS', 300_000, 0, 7 * 86_400_000, 'Set how long cached values stay fresh in ms (0 disables caching), e.g. 300000.'),
    cacheStaleTtlMs: env.int('STRATUM_CACHE_STALE_TTL_MS', 3_600_000, 0, 7 * 86_400_000, 'Set how long past freshness a cached value may be served stale, in ms, e.g. 3600000.'),
    cacheNegativeTtlMs: env.int('STRATUM_CACHE_NEGATIVE_TTL_MS', 60_000, 0, 86_400_000, 'Set how long unknown entities are remembered, in ms (0 disables), e.g. 60000.'),
    nearCacheTtlMs: env.int('STRATUM_NEAR_CACHE_TTL_MS', 1000, 0, 60_000, 'Set how long decoded hot rows are kept in process, in ms (0 disables), e.g. 1000.'),
  };
  return { onlineStore, recommendationStore, userDataStore, cache, featuresPath: featuresPathSetting(env, semanticLayerPath), readPath };
}

/** An id checked against Google's rule; undefined when unset or invalid (the problem is recorded). */
function cloudId(env: EnvReader, name: string, pattern: RegExp, min: number, max: number, shape: string): string | undefined {
  const raw = env.str(name);
  if (raw === undefined) return undefined;
  if (raw.length < min || raw.length > max || !pattern.test(raw)) {
    const why = raw.length < min || raw.length > max ? `has ${raw.length} characters; ${min} to ${max} are allowed` : `must ${shape}`;
    env.problem({ variable: name, message: `'${raw}' is not a valid id: it ${why}.`, fix: `Use ${min}–${max} characters that ${shape}.` });
    return undefined;
  }
  return raw;
}

/** host:port as the Google clients expect it in *_EMULATOR_HOST (no scheme, no path). */
function emulatorHost(env: EnvReader, name: string): string | undefined {
  const raw = env.str(name);
  if (raw === undefined) return undefined;
  const fix = `Set ${name} to host:port, e.g. 127.0.0.1:8086, or unset it to use Google Cloud.`;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(raw)) {
    env.problem({ variable: name, message: `'${raw}' has a scheme; the clients expect host:port only.`, fix });
    return raw;
  }
  const m = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?):(\d+)$/.exec(raw);
  if (!m) {
    env.problem({ variable: name, message: `'${raw}' is not host:port.`, fix });
  } else if (Number(m[2]) < 1 || Number(m[2]) > 65535) {
    env.problem({ variable: name, message: `port ${m[2]} is not from 1 to 65535.`, fix });
  }
  // Returned even when malformed: the emulator is clearly intended, so a missing project is not reported too.
  return raw;
}

function redisUrlSetting(env: EnvReader): string | undefined {
  const raw = env.str('REDIS_URL');
  if (raw === undefined) return undefined;
  // Never echo a password into logs.
  const shown = raw.replace(/\/\/[^@/]*@/, '//***@');
  const fix = 'Set REDIS_URL to redis://[user:password@]host:port[/db] (rediss:// for TLS), or unset it to use the in-process cache.';
  const bad = (why: string) => env.problem({ variable: 'REDIS_URL', message: `'${shown}' ${why}`, fix });
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    bad('is not a valid URL (check the port and any characters that need %-escaping).');
    return undefined;
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    bad(`uses the scheme '${url.protocol}'; expected redis: or rediss:.`);
  } else if (!url.hostname) {
    bad('has no host.');
  } else if (!/^\/?(\d+)?$/.test(url.pathname)) {
    bad(`has the path '${url.pathname}'; only a database number such as /0 is allowed.`);
  } else {
    return raw;
  }
  return undefined;
}

function featuresPathSetting(env: EnvReader, semanticLayerPath: string): string {
  const raw = env.str('STRATUM_FEATURES_PATH');
  if (raw === undefined) {
    // Beside a semantic_manifest.json, or inside the YAML folder.
    const base = existsSync(semanticLayerPath) && statSync(semanticLayerPath).isFile() ? dirname(semanticLayerPath) : semanticLayerPath;
    return join(base, 'features');
  }
  const path = resolve(raw);
  if (!existsSync(path)) {
    env.problem({ variable: 'STRATUM_FEATURES_PATH', message: `'${path}' does not exist.`, fix: 'Point it at a folder of feature definition YAML, or unset it to use <semantic layer>/features.' });
  }
  return path;
}
