import { Spanner, type Database } from '@google-cloud/spanner';
import type { Session } from '@google-cloud/spanner/build/src/session';
import type { ReadRequest } from '@google-cloud/spanner/build/src/transaction';
import type { SpannerStoreSettings } from '../../../config/serving-config';

/** gRPC status codes the Spanner adapters branch on. */
export const GRPC_NOT_FOUND = 5;
export const GRPC_ALREADY_EXISTS = 6;

/** The instance config the Spanner emulator offers (it has no regional configs). */
const EMULATOR_INSTANCE_CONFIG = 'emulator-config';

/**
 * Options of every `table.read`: JSON rows with plain numbers (Int64 features are safe integers by
 * the codec), and no blind retries. Without `retryRequestOptions` the gax layer retries ANY failed
 * streaming read twice after 2–5 s of backoff (measured: a missing table took 6.4 s to report);
 * the Spanner client still retries UNAVAILABLE and resumable errors itself, with resume tokens.
 */
export const READ_OPTIONS = {
  json: true,
  jsonOptions: { wrapNumbers: false },
  gaxOptions: { retryRequestOptions: { retries: 0, noResponseRetries: 0 } },
} as const;

/**
 * One read in a single-use read-only transaction: ONE StreamingRead RPC, as the client's own
 * `database.run` does for queries. `Table#read` instead takes a multi-use snapshot, which costs a
 * BeginTransaction round trip before every read (and leaves that transaction open). The session
 * comes from the client's session factory (`sessionFactory_`, public in its typings; the same one
 * `database.run` uses) and goes back to it; a session the server no longer knows ("Session not
 * found") is retried once on another, as `getSnapshot` does.
 */
export function readSingleUse(database: Database, table: string, request: ReadRequest, bound: { strong: true } | { exactStaleness: number }): Promise<unknown[]> {
  const factory = database.sessionFactory_;
  return new Promise((resolve, reject) => {
    const attempt = (retried: boolean) =>
      factory.getSession((sessionError: Error | null, session?: Session | null) => {
        if (sessionError || !session) {
          reject(sessionError ?? new Error('the Spanner client handed out no session'));
          return;
        }
        const snapshot = session.snapshot(bound);
        snapshot.read(table, request).then(
          ([rows]) => {
            snapshot.end();
            factory.release(session);
            resolve(rows);
          },
          (error: unknown) => {
            snapshot.end();
            const lost = grpcCode(error) === GRPC_NOT_FOUND && /session not found/i.test(String((error as Error).message));
            if (lost) session.lastError = error as NonNullable<Session['lastError']>;
            factory.release(session);
            if (lost && !retried) attempt(true);
            else reject(error);
          },
        );
      });
    attempt(false);
  });
}

/** A client and the one database the stores use; `close` releases both. */
export interface SpannerConnection {
  readonly spanner: Spanner;
  readonly database: Database;
  close(): Promise<void>;
}

export interface SpannerConnectionOptions {
  /**
   * Errors the Database emits outside any call (session pool housekeeping). An unlistened
   * 'error' event would crash the process, so one is always attached; default: a process warning.
   */
  onBackgroundError?: (error: Error) => void;
}

/**
 * Creates the Spanner client for the configured database. Against the emulator the client only
 * takes its plaintext-gRPC wiring from SPANNER_EMULATOR_HOST, and the emulator rejects the release
 * of multiplexed sessions ("Unable to release unknown resource", see shared/EMULATORS.md), so the
 * variables are set here, before the Database object exists, when settings name an emulator.
 */
export function openSpannerConnection(settings: SpannerStoreSettings, options: SpannerConnectionOptions = {}): SpannerConnection {
  const spanner = createSpannerClient(settings);
  const database = spanner.instance(settings.instanceId).database(settings.databaseId);
  const onError = options.onBackgroundError ?? ((error: Error) => process.emitWarning(error, 'SpannerBackgroundError'));
  database.on('error', onError);
  let closed: Promise<void> | undefined;
  return {
    spanner,
    database,
    close: () => {
      closed ??= (async () => {
        await database.close();
        spanner.close();
      })();
      return closed;
    },
  };
}

function createSpannerClient(settings: SpannerStoreSettings): Spanner {
  if (settings.emulatorHost !== undefined) {
    process.env.SPANNER_EMULATOR_HOST = settings.emulatorHost;
    process.env.GOOGLE_CLOUD_SPANNER_MULTIPLEXED_SESSIONS ??= 'false';
    process.env.GOOGLE_CLOUD_SPANNER_MULTIPLEXED_SESSIONS_FOR_RW ??= 'false';
    // The emulator needs no credentials: do not probe the cloud metadata server for them.
    process.env.METADATA_SERVER_DETECTION ??= 'none';
  }
  return new Spanner({ projectId: settings.projectId });
}

/**
 * Creates the instance and the database on the Spanner emulator when missing (the emulator starts
 * empty; in the cloud both are provisioned by infrastructure code, never by Stratum). Idempotent.
 * Used by the tests and by `stratum spanner migrate` when SPANNER_EMULATOR_HOST is set.
 */
export async function ensureEmulatorInstanceAndDatabase(settings: SpannerStoreSettings): Promise<void> {
  if (settings.emulatorHost === undefined) {
    throw new Error(
      `Refusing to create Spanner instance '${settings.instanceId}' and database '${settings.databaseId}' outside the emulator. ` +
        'Create them with gcloud or your infrastructure code, or set SPANNER_EMULATOR_HOST to target the emulator.',
    );
  }
  const spanner = createSpannerClient(settings);
  try {
    const instances = spanner.getInstanceAdminClient();
    await ignoreAlreadyExists(async () => {
      const [operation] = await instances.createInstance({
        parent: instances.projectPath(settings.projectId),
        instanceId: settings.instanceId,
        instance: {
          config: instances.instanceConfigPath(settings.projectId, EMULATOR_INSTANCE_CONFIG),
          displayName: settings.instanceId,
          nodeCount: 1,
        },
      });
      await operation.promise();
    });
    const databases = spanner.getDatabaseAdminClient();
    await ignoreAlreadyExists(async () => {
      const [operation] = await databases.createDatabase({
        parent: databases.instancePath(settings.projectId, settings.instanceId),
        createStatement: `CREATE DATABASE \`${settings.databaseId}\``,
      });
      await operation.promise();
    });
  } finally {
    spanner.close();
  }
}

async function ignoreAlreadyExists(create: () => Promise<void>): Promise<void> {
  try {
    await create();
  } catch (error) {
    if (grpcCode(error) !== GRPC_ALREADY_EXISTS) throw error;
  }
}

/** Strong reads, or reads at exactly SPANNER_READ_STALENESS_MS (table.read takes no max-staleness bound). */
export function readBoundFor(settings: Pick<SpannerStoreSettings, 'readStalenessMs'>): { strong: true } | { exactStaleness: number } {
  return settings.readStalenessMs > 0 ? { exactStaleness: settings.readStalenessMs } : { strong: true };
}

export function grpcCode(error: unknown): number | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : undefined;
}

/** The database's full resource name, for error messages. */
export function databasePath(settings: Pick<SpannerStoreSettings, 'projectId' | 'instanceId' | 'databaseId'>): string {
  return `projects/${settings.projectId}/instances/${settings.instanceId}/databases/${settings.databaseId}`;
}
