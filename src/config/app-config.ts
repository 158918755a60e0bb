import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { didYouMean } from '../semantic/errors';
import { demoDatabaseFileName } from '../warehouse/demo/demo-version';
import { servingSettings, type ServingSettings } from './serving-config';

export * from './serving-config';

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
  /** Bearer token of admin mutations (GDPR erase); unset, they are disabled. */
  adminToken?: string;
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
    adminToken: str('STRATUM_ADMIN_TOKEN'),
    serving: servingSettings({ str, int, oneOf, problem: (p) => problems.push(p) }, root, definitions.semanticLayerPath, problems),
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

/** The validating readers of loadConfig, shared with the section readers below. */
export interface EnvReader {
  str(name: string): string | undefined;
  int(name: string, fallback: number, min: number, max: number, fix: string): number;
  oneOf<T extends string>(name: string, values: readonly T[], fallback: T): T;
  problem(p: ConfigProblem): void;
}

