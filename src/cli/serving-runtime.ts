import { createConnection } from 'node:net';
import type { AppConfig, OnlineStoreSettings, SpannerStoreSettings } from '../config/app-config';
import type { SpannerMigrationResult } from '../features/online-store/spanner/spanner-migration';
import { loadFeatureRegistry } from '../features/serving/open-feature-serving';
import type { FeatureRegistry } from '../features/serving/feature-registry';
import type { FeatureView } from '../features/spec/feature-manifest';
import { SemanticEngine } from '../semantic';
import { CliError } from './cli-error';
import { loadCliConfig } from './cli-warehouse';

/**
 * What the serving commands (online-store, spanner, users, recommendations) share: the service's
 * config and feature definitions read exactly as the server reads them, store descriptions for
 * messages, and store failures turned into errors that say what to fix.
 */

/** The service's config, with --semantic-layer standing in for STRATUM_SEMANTIC_LAYER (as `query` reads it). */
export function servingConfig(semanticLayer?: string): AppConfig {
  const config = loadCliConfig(semanticLayer);
  // Against an emulator, Google's auth library must not probe the cloud metadata server (seconds of waiting).
  const { onlineStore, recommendationStore, userDataStore } = config.serving;
  if ([onlineStore, recommendationStore, userDataStore].some((s) => s.kind !== 'embedded' && s.emulatorHost !== undefined)) {
    process.env.METADATA_SERVER_DETECTION ??= 'none';
  }
  return config;
}

/**
 * The feature views, validated as at start-up; the engine is loaded first because metric-backed
 * views are checked against the metrics they name.
 */
export function loadServingRegistry(config: AppConfig): FeatureRegistry {
  const engine = SemanticEngine.load(config.semanticLayerPath, { schema: config.dbtSchema, database: config.dbtDatabase });
  return loadFeatureRegistry(config.serving, engine);
}

/** The views a store of this kind holds. */
export function viewsIn(registry: FeatureRegistry, kind: OnlineStoreSettings['kind']): FeatureView[] {
  return registry.views.filter((v) => v.onlineStore === kind);
}

/** A store as messages name it: kind, where, and the emulator when one is used. */
export function describeStore(settings: OnlineStoreSettings): string {
  switch (settings.kind) {
    case 'embedded':
      return `embedded store ${settings.path}`;
    case 'bigtable':
      return `Bigtable instance '${settings.instanceId}' of project '${settings.projectId}'${emulator(settings.emulatorHost)}`;
    case 'spanner':
      return `Spanner database '${settings.databaseId}' of instance '${settings.instanceId}', project '${settings.projectId}'${emulator(settings.emulatorHost)}`;
  }
}

/** describeStore as the heading of a report section. */
export function storeTitle(settings: OnlineStoreSettings): string {
  const text = describeStore(settings);
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function emulator(host: string | undefined): string {
  return host === undefined ? '' : ` (emulator at ${host})`;
}

/**
 * The Spanner database `spanner migrate` manages: the online store's when it is Spanner, else the
 * user-data store's; neither configured is an error naming the variables to set.
 */
export function spannerSettings(config: AppConfig): SpannerStoreSettings {
  const { onlineStore, userDataStore } = config.serving;
  if (onlineStore.kind === 'spanner') return onlineStore;
  if (userDataStore.kind === 'spanner') return userDataStore;
  throw new CliError(
    'SPANNER_NOT_CONFIGURED',
    `No Spanner database is configured (STRATUM_ONLINE_STORE is ${onlineStore.kind}, STRATUM_USER_DATA_STORE is ${userDataStore.kind}). ` +
      'Set STRATUM_ONLINE_STORE=spanner (feature views and user data in Spanner) or STRATUM_USER_DATA_STORE=spanner (user data only), ' +
      'with SPANNER_INSTANCE and SPANNER_DATABASE, and GOOGLE_CLOUD_PROJECT — or SPANNER_EMULATOR_HOST=host:port to use the emulator.',
  );
}

/**
 * Applies the missing Spanner DDL for these views and the user-data tables. On the emulator, which
 * starts empty, the instance and database are created first; in the cloud they are provisioned by
 * infrastructure code, never here.
 */
export async function migrateSpannerDatabase(settings: SpannerStoreSettings, views: readonly FeatureView[]): Promise<SpannerMigrationResult> {
  const { ensureEmulatorInstanceAndDatabase } = await import('../features/online-store/spanner/spanner-client');
  const { migrateSpanner } = await import('../features/online-store/spanner/spanner-migration');
  await assertEmulatorListening(settings);
  return withStoreErrors(describeStore(settings), async () => {
    if (settings.emulatorHost !== undefined) await ensureEmulatorInstanceAndDatabase(settings);
    return migrateSpanner(settings, views);
  });
}

/** gRPC status codes of Google's clients that the messages below explain. */
const GRPC = { DEADLINE_EXCEEDED: 4, NOT_FOUND: 5, PERMISSION_DENIED: 7, UNAVAILABLE: 14, UNAUTHENTICATED: 16 } as const;

/**
 * Runs store work, turning failures the user can fix into CliErrors that name the store and the fix.
 * Errors that are already explained (config, definitions, CliError) pass through unchanged.
 */
export async function withStoreErrors<T>(where: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw storeError(error, where);
  }
}

export function storeError(error: unknown, where: string): unknown {
  if (!(error instanceof Error) || error instanceof CliError) return error;
  const code = (error as { code?: unknown }).code;
  switch (error.name) {
    case 'BigtableSchemaError':
      return new CliError('ONLINE_STORE_NOT_INITIALIZED', error.message);
    case 'RecommendationValidationError':
      return new CliError('INVALID_RECOMMENDATIONS', error.message);
    case 'UserDataError':
      return new CliError('INVALID_ARGUMENT', error.message);
    case 'StoreUnavailableError':
      return new CliError('STORE_UNAVAILABLE', `${where}: ${error.message}`);
  }
  if (/^The Spanner schema does not match/.test(error.message)) return new CliError('SPANNER_SCHEMA_MISMATCH', error.message);
  if (code === GRPC.UNAVAILABLE || code === GRPC.DEADLINE_EXCEEDED) {
    return new CliError(
      'STORE_UNAVAILABLE',
      `Cannot reach the ${where}: ${firstAttempt(error.message)}. Check that it is running and reachable; for an emulator, that BIGTABLE_EMULATOR_HOST / SPANNER_EMULATOR_HOST point at it.`,
    );
  }
  if (code === GRPC.PERMISSION_DENIED || code === GRPC.UNAUTHENTICATED) {
    return new CliError(
      'STORE_PERMISSION_DENIED',
      `The ${where} refused the credentials: ${error.message}. Run \`gcloud auth application-default login\` or set GOOGLE_APPLICATION_CREDENTIALS to a service account allowed to administer it.`,
    );
  }
  if (code === GRPC.NOT_FOUND) {
    return new CliError(
      'STORE_NOT_FOUND',
      `The ${where} was not found: ${error.message}. Create the instance and database with gcloud or your infrastructure code, or check BIGTABLE_INSTANCE / SPANNER_INSTANCE / SPANNER_DATABASE / GOOGLE_CLOUD_PROJECT.`,
    );
  }
  return error;
}

/** gax's retry errors repeat every attempt ("… : Previous errors : [{…}, …]"); the first says it all. */
function firstAttempt(message: string): string {
  return message.split(' : Previous errors')[0]!.replace(/\s*Resolution note:\s*/g, ' ').trim().replace(/\.$/, '');
}

/**
 * Fails in seconds when an emulator is not listening: Google's admin clients otherwise retry a
 * refused connection for over a minute before reporting it. (In the cloud the retries are kept:
 * they ride out real network blips.)
 */
export async function assertEmulatorListening(settings: OnlineStoreSettings): Promise<void> {
  if (settings.kind === 'embedded' || settings.emulatorHost === undefined) return;
  const match = /^\[?([^\]]+)\]?:(\d+)$/.exec(settings.emulatorHost);
  if (!match) return;
  const problem = await tcpProblem(match[1]!, Number(match[2]));
  if (problem !== undefined) {
    const variable = settings.kind === 'bigtable' ? 'BIGTABLE_EMULATOR_HOST' : 'SPANNER_EMULATOR_HOST';
    throw new CliError('STORE_UNAVAILABLE', `Cannot reach the ${describeStore(settings)}: ${problem}. Start the emulator, or point ${variable} at it (host:port).`);
  }
}

/** Why a TCP connection to host:port fails, or undefined when something accepts it. */
export function tcpProblem(host: string, port: number): Promise<string | undefined> {
  return new Promise((done) => {
    const socket = createConnection({ host, port });
    socket.setTimeout(EMULATOR_PROBE_TIMEOUT_MS, () => {
      socket.destroy();
      done(`no answer within ${EMULATOR_PROBE_TIMEOUT_MS} ms`);
    });
    socket.once('connect', () => {
      socket.destroy();
      done(undefined);
    });
    socket.once('error', (error) => done(error.message));
  });
}

const EMULATOR_PROBE_TIMEOUT_MS = 3000;

/** "1 table", "2 tables". */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
