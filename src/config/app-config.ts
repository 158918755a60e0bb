import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { ONLINE_STORES, type OnlineStoreKind } from '../features/spec/feature-manifest';
import { didYouMean } from '../semantic/errors';
import { demoDatabaseFileName } from '../warehouse/demo/demo-version';

/** The service's and CLI's configuration, read from the environment once and validated. */
export interface AppConfig {
  port: number;
  host: string;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  graphiql: boolean;
  semanticLayerPath: string;
  /** Schema (BigQuery dataset) that `model: ref('x')` resolves to. */
  dbtSchema: string;
  /** Database (BigQuery project) of the marts, when not the client's project. */
  dbtDatabase?: string;
  queryTimeoutMs: number;
  /** A query returning more rows fails with RESULT_TOO_LARGE instead of exhausting memory. */
  maxResultRows: number;
  /** createQuery jobs running at once; more wait (PENDING) in a bounded queue. */
  maxConcurrentQueries: number;
  warehouse: DuckDbSettings | BigQuerySettings;
  /** Feature and recommendation serving: the online store, the cache in front of it, the definitions. */
  serving: ServingSettings;
}

export interface DuckDbSettings {
  kind: 'duckdb';
  /** An existing database file (used as-is, read-only), or undefined to generate the demo marts. */
  path?: string;
  demo: { path: string; scale: number; seed: number };
}

export interface BigQuerySettings {
  kind: 'bigquery';
  projectId: string;
  location: string;
  maximumBytesBilled: string;
  apiEndpoint?: string;
  keyFilename?: string;
}

export interface ServingSettings {
  onlineStore: OnlineStoreSettings;
  cache: CacheSettings;
  /** Folder of feature definitions (STRATUM_FEATURES_PATH); when defaulted it may not exist (no features). */
  featuresPath: string;
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

export interface ConfigProblem {
  variable: string;
  message: string;
  fix: string;
}

export class ConfigError extends Error {
  constructor(readonly problems: ConfigProblem[]) {
    super(
      `Invalid configuration (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n` +
        problems.map((p) => `  - ${p.variable}: ${p.message} Fix: ${p.fix}`).join('\n'),
    );
    this.name = 'ConfigError';
  }
}

/** The folder holding package.json (works from src/, dist/ and .build/). */
export function projectRoot(from = __dirname): string {
  let dir = from;
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) return process.cwd();
    dir = parent;
  }
  return dir;
}

/** Where the definitions are and where `ref()` points; also read alone by the CLI, which needs no warehouse. */
export function semanticLayerSettings(env: NodeJS.ProcessEnv): Pick<AppConfig, 'semanticLayerPath' | 'dbtSchema' | 'dbtDatabase'> {
  const str = (name: string) => (env[name]?.trim() ? env[name]!.trim() : undefined);
  return {
    semanticLayerPath: resolve(str('STRATUM_SEMANTIC_LAYER') ?? join(projectRoot(), 'semantic-layer')),
    dbtSchema: str('STRATUM_DBT_SCHEMA') ?? 'marts',
    dbtDatabase: str('STRATUM_DBT_DATABASE'),
  };
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Reads and validates every variable, listing every problem at once. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const problems: ConfigProblem[] = [];
  const root = projectRoot();
  const str = (name: string) => {
    const v = env[name];
    return v === undefined || v.trim() === '' ? undefined : v.trim();
  };
  const int = (name: string, fallback: number, min: number, max: number, fix: string): number => {
    const raw = str(name);
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!/^-?\d+$/.test(raw) || n < min || n > max) {
      problems.push({ variable: name, message: `'${raw}' is not a whole number from ${min} to ${max}.`, fix });
      return fallback;
    }
    return n;
  };
  const oneOf = <T extends string>(name: string, values: readonly T[], fallback: T): T => {
    const raw = str(name)?.toLowerCase();
    if (raw === undefined) return fallback;
    if (!(values as readonly string[]).includes(raw)) {
      const guess = didYouMean(raw, values);
      const hint = guess.length > 0 ? ` Did you mean '${guess[0]}'?` : '';
      problems.push({ variable: name, message: `'${raw}' is not one of ${values.join(', ')}.${hint}`, fix: `Set ${name} to one of: ${values.join(', ')}.` });
      return fallback;
    }
    return raw as T;
  };
  const bool = (name: string, fallback: boolean): boolean => {
    const raw = str(name)?.toLowerCase();
    if (raw === undefined) return fallback;
    if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
    if (['0', 'false', 'no', 'off'].includes(raw)) return false;
    problems.push({ variable: name, message: `'${raw}' is not a boolean.`, fix: `Set ${name} to true or false.` });
    return fallback;
  };

  const port = int('PORT', 3000, 0, 65535, 'Set PORT to a free TCP port, e.g. PORT=3001.');
  const definitions = semanticLayerSettings(env);
  const { semanticLayerPath } = definitions;
  if (!existsSync(semanticLayerPath)) {
    problems.push({
      variable: 'STRATUM_SEMANTIC_LAYER',
      message: `'${semanticLayerPath}' does not exist.`,
      fix: 'Point it at a folder of semantic-layer YAML or at a semantic_manifest.json.',
    });
  }
  const kind = oneOf('STRATUM_WAREHOUSE', ['duckdb', 'bigquery'] as const, 'duckdb');
  let warehouse: AppConfig['warehouse'];
  if (kind === 'bigquery') {
    const projectId = str('GOOGLE_CLOUD_PROJECT');
    if (!projectId) {
      problems.push({
        variable: 'GOOGLE_CLOUD_PROJECT',
        message: 'is required when STRATUM_WAREHOUSE=bigquery.',
        fix: 'Set GOOGLE_CLOUD_PROJECT to the project that runs the query jobs.',
      });
    }
    const bytes = str('BIGQUERY_MAXIMUM_BYTES_BILLED') ?? String(10 * 1024 ** 3);
    if (!/^\d+$/.test(bytes)) {
      problems.push({ variable: 'BIGQUERY_MAXIMUM_BYTES_BILLED', message: `'${bytes}' is not a number of bytes.`, fix: 'Set it to a whole number of bytes, e.g. 10737418240 (10 GiB).' });
    }
    const apiEndpoint = str('BIGQUERY_API_ENDPOINT');
    if (apiEndpoint && !/^https?:\/\/[^\s]+$/.test(apiEndpoint)) {
      problems.push({ variable: 'BIGQUERY_API_ENDPOINT', message: `'${apiEndpoint}' is not an http(s) URL.`, fix: 'Set it to a URL such as https://bigquery.googleapis.com, or unset it.' });
    }
    warehouse = {
      kind,
      projectId: projectId ?? '',
      location: str('BIGQUERY_LOCATION') ?? 'US',
      maximumBytesBilled: bytes,
      apiEndpoint,
      keyFilename: str('GOOGLE_APPLICATION_CREDENTIALS'),
    };
  } else {
    const path = str('STRATUM_DUCKDB_PATH');
    if (path && !existsSync(path)) {
      problems.push({
        variable: 'STRATUM_DUCKDB_PATH',
        message: `'${path}' does not exist.`,
        fix: 'Point it at an existing DuckDB file, or unset it to use the generated demo marts.',
      });
    }
    const rawScale = str('STRATUM_DEMO_SCALE') ?? '1';
    const scale = Number(rawScale);
    if (!Number.isFinite(scale) || scale <= 0 || scale > 1000) {
      problems.push({ variable: 'STRATUM_DEMO_SCALE', message: `'${rawScale}' is not a number above 0 and at most 1000.`, fix: 'Use 1 (default), 10 or 100.' });
    }
    const seed = int('STRATUM_DEMO_SEED', 42, 0, 2 ** 31 - 1, 'Use a whole number such as 42.');
    warehouse = {
      kind,
      path: path ? resolve(path) : undefined,
      demo: { path: resolve(str('STRATUM_DEMO_PATH') ?? join(root, '.data', demoDatabaseFileName(scale, seed))), scale, seed },
    };
  }
  const config: AppConfig = {
    port,
    host: str('HOST') ?? '0.0.0.0',
    logLevel: oneOf('LOG_LEVEL', LOG_LEVELS, 'info'),
    graphiql: bool('STRATUM_GRAPHIQL', true),
    ...definitions,
    queryTimeoutMs: int('STRATUM_QUERY_TIMEOUT_MS', 30_000, 100, 6 * 3600_000, 'Set a timeout in milliseconds, e.g. 30000.'),
    maxResultRows: int('STRATUM_MAX_RESULT_ROWS', 100_000, 1, 10_000_000, 'Set a row count, e.g. 100000.'),
    maxConcurrentQueries: int('STRATUM_MAX_CONCURRENT_QUERIES', 4, 1, 256, 'Set a small whole number, e.g. 4.'),
    warehouse,
    serving: servingSettings({ str, int, oneOf, problem: (p) => problems.push(p) }, root, definitions.semanticLayerPath, problems),
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

/** The validating readers of loadConfig, shared with the section readers below. */
interface EnvReader {
  str(name: string): string | undefined;
  int(name: string, fallback: number, min: number, max: number, fix: string): number;
  oneOf<T extends string>(name: string, values: readonly T[], fallback: T): T;
  problem(p: ConfigProblem): void;
}

// Google's id rules, checked here so a typo fails at start-up rather than on the first read.
const SPANNER_INSTANCE_ID = /^[a-z][-a-z0-9]{0,62}[a-z0-9]$/;
const SPANNER_DATABASE_ID = /^[a-z][a-z0-9_-]{0,28}[a-z0-9]$/;
const BIGTABLE_INSTANCE_ID = /^[a-z][-a-z0-9]{0,31}[a-z0-9]$/;

function servingSettings(env: EnvReader, root: string, semanticLayerPath: string, problems: readonly ConfigProblem[]): ServingSettings {
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

  let onlineStore: OnlineStoreSettings;
  if (kind === 'bigtable') {
    onlineStore = {
      kind,
      projectId: projectFor('bigtable', bigtableEmulator, 'BIGTABLE_EMULATOR_HOST'),
      instanceId: required('BIGTABLE_INSTANCE', bigtableInstance, 'bigtable', 'Set BIGTABLE_INSTANCE to the Bigtable instance id, e.g. stratum-features.'),
      emulatorHost: bigtableEmulator,
    };
  } else if (kind === 'spanner') {
    onlineStore = {
      kind,
      projectId: projectFor('spanner', spannerEmulator, 'SPANNER_EMULATOR_HOST'),
      instanceId: required('SPANNER_INSTANCE', spannerInstance, 'spanner', 'Set SPANNER_INSTANCE to the Spanner instance id, e.g. stratum.'),
      databaseId: required('SPANNER_DATABASE', spannerDatabase, 'spanner', 'Set SPANNER_DATABASE to the Spanner database id, e.g. serving.'),
      readStalenessMs,
      emulatorHost: spannerEmulator,
    };
  } else {
    const path = resolve(env.str('STRATUM_ONLINE_STORE_PATH') ?? join(root, '.data', 'online-store'));
    if (existsSync(path) && !statSync(path).isDirectory()) {
      env.problem({ variable: 'STRATUM_ONLINE_STORE_PATH', message: `'${path}' is a file, not a directory.`, fix: 'Point it at a directory (created if missing), e.g. .data/online-store.' });
    }
    onlineStore = { kind, path };
  }

  const redisUrl = redisUrlSetting(env);
  const maxEntries = env.int('STRATUM_CACHE_MAX_ENTRIES', 100_000, 1, 100_000_000, 'Set a positive whole number of cached values, e.g. 100000.');
  const cache: CacheSettings = redisUrl !== undefined ? { kind: 'redis', url: redisUrl } : { kind: 'memory', maxEntries };

  return { onlineStore, cache, featuresPath: featuresPathSetting(env, semanticLayerPath) };
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
