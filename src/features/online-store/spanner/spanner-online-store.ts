import { Spanner, type Database } from '@google-cloud/spanner';
import type { SpannerStoreSettings } from '../../../config/serving-config';
import type { FeatureView } from '../../spec/feature-manifest';
import { OnlineStore, onlineNamespace, type OnlineRow, type StoredRow } from '../online-store';
import { databasePath, GRPC_NOT_FOUND, grpcCode, openSpannerConnection, READ_OPTIONS, readSingleUse, type SpannerConnectionOptions, readBoundFor } from './spanner-client';
import { SpannerFeatureCodec, type SpannerJsonRow } from './spanner-feature-codec';
import { ENTITY_KEY_COLUMN, EVENT_TIMESTAMP_COLUMN, featureTableName, MATERIALIZATION_COLUMNS, MATERIALIZATION_TABLE } from './spanner-feature-schema';
import { migrateSpanner, type SpannerMigrationResult } from './spanner-migration';
import { perView } from '../../spec/per-view';

const codecFor = perView((view) => new SpannerFeatureCodec(view));

/** Spanner's limit of mutated cells per commit; a write call beyond it could never commit. */
export const SPANNER_MAX_MUTATIONS_PER_COMMIT = 80_000;

/** How many rows of `view` one `write` call may carry (each row mutates every column of its table). */
export function maxRowsPerWrite(view: FeatureView): number {
  return Math.floor(SPANNER_MAX_MUTATIONS_PER_COMMIT / (view.features.length + 2));
}


/**
 * The online store on Cloud Spanner: one table per feature view version (see
 * spanner-feature-schema.ts), created by `stratum spanner migrate`, never on the request path.
 *
 * Reads are ONE `table.read` with the batch's keys (point reads by key, never SQL: SQL on the
 * emulator scans, 181 ms here) at the configured staleness: exact staleness when
 * readStalenessMs > 0 (about 3× faster on the emulator, and in the cloud served by the nearest
 * replica), strong otherwise. Writes are one read-write transaction per call: the batch's current
 * event times are read inside it, so newest-wins holds against concurrent writers, and either the
 * whole batch commits or nothing does.
 */
export class SpannerOnlineStore extends OnlineStore {
  /** Store round trips (reads: table reads; writes: commits), counted for tests and the serving metrics. */
  readonly stats = { reads: 0, writes: 0 };

  private readonly readBound: { strong: true } | { exactStaleness: number };
  private closed = false;

  constructor(
    private readonly database: Database,
    private readonly settings: SpannerStoreSettings,
    /** Called by `close` (the connection's close when the store owns its client). */
    private readonly release: () => Promise<void> = async () => undefined,
  ) {
    super();
    this.readBound = readBoundFor(settings);
  }

  /** Creates the client once for the store's lifetime; `close` releases it. */
  static open(settings: SpannerStoreSettings, options: SpannerConnectionOptions = {}): SpannerOnlineStore {
    const connection = openSpannerConnection(settings, options);
    return new SpannerOnlineStore(connection.database, settings, () => connection.close());
  }

  /** Creates the missing tables for `views` and the user data (`stratum spanner migrate`); idempotent. */
  static migrate(settings: SpannerStoreSettings, views: readonly FeatureView[]): Promise<SpannerMigrationResult> {
    return migrateSpanner(settings, views);
  }

  override async write(view: FeatureView, rows: readonly OnlineRow[]): Promise<void> {
    this.assertOpen();
    // Every row is checked before the transaction starts: one bad value rejects the whole call.
    const codec = codecFor(view);
    const mutations = rows.map((row) => codec.toMutation(row));
    if (mutations.length === 0) return;
    // Newest wins inside the batch first (a later duplicate with an equal time wins, as in every store).
    const newest = new Map<string, { mutation: Record<string, unknown>; ms: number }>();
    rows.forEach((row, i) => {
      const ms = row.eventTimestamp.getTime();
      const seen = newest.get(row.entityKey);
      if (seen === undefined || ms >= seen.ms) newest.set(row.entityKey, { mutation: mutations[i]!, ms });
    });
    const limit = maxRowsPerWrite(view);
    if (newest.size > limit) {
      throw new Error(`A Spanner write of feature view '${view.name}' may hold at most ${limit} entities (Spanner commits at most ${SPANNER_MAX_MUTATIONS_PER_COMMIT} cells); got ${newest.size}. Write smaller batches.`);
    }
    const table = featureTableName(view);
    this.stats.writes++;
    await this.translateErrors(view, () =>
      this.database.runTransactionAsync(async (tx) => {
        // This callback re-runs when Spanner aborts the transaction: decide afresh each time, from what is read now.
        const [current] = await tx.read(table, { keys: [...newest.keys()], columns: [ENTITY_KEY_COLUMN, EVENT_TIMESTAMP_COLUMN], ...READ_OPTIONS });
        const storedMs = new Map((current as SpannerJsonRow[]).map((r) => [r[ENTITY_KEY_COLUMN] as string, (r[EVENT_TIMESTAMP_COLUMN] as Date).getTime()]));
        // Then against the stored row: an older event never overwrites a fresher one.
        const winners = [...newest].filter(([key, n]) => !(n.ms < (storedMs.get(key) ?? -Infinity))).map(([, n]) => n.mutation);
        if (winners.length === 0) {
          tx.end();
          return;
        }
        tx.upsert(table, winners);
        await tx.commit();
      }),
    );
  }

  override async read(view: FeatureView, entityKeys: readonly string[]): Promise<(StoredRow | undefined)[]> {
    this.assertOpen();
    if (entityKeys.length === 0) return [];
    const codec = codecFor(view);
    const keys = [...new Set(entityKeys)];
    this.stats.reads++;
    const rows = await this.translateErrors(view, () =>
      readSingleUse(this.database, featureTableName(view), { keys, columns: [...codec.columns], ...READ_OPTIONS }, this.readBound),
    );
    const byKey = new Map<string, StoredRow>();
    for (const row of rows as SpannerJsonRow[]) {
      const stored = codec.fromRow(row);
      byKey.set(stored.entityKey, stored);
    }
    return entityKeys.map((key) => byKey.get(key));
  }

  override async delete(view: FeatureView, entityKeys: readonly string[]): Promise<void> {
    this.assertOpen();
    const keys = [...new Set(entityKeys)];
    if (keys.length === 0) return;
    this.stats.writes++;
    // Deleting an absent key is a no-op in Spanner: idempotent without reading first.
    await this.translateErrors(view, () => this.database.table(featureTableName(view)).deleteRows(keys));
  }

  override async readWatermark(view: FeatureView): Promise<Date | undefined> {
    this.assertOpen();
    this.stats.reads++;
    // Always strong: a stale watermark would make materialize-incremental redo or skip an interval.
    const [rows] = await this.translateErrors(view, () =>
      this.database.table(MATERIALIZATION_TABLE).read({ keys: [onlineNamespace(view)], columns: [MATERIALIZATION_COLUMNS.watermark], ...READ_OPTIONS }, { strong: true }),
    );
    const row = (rows as SpannerJsonRow[])[0];
    return row === undefined ? undefined : new Date((row[MATERIALIZATION_COLUMNS.watermark] as Date).getTime());
  }

  override async writeWatermark(view: FeatureView, watermark: Date): Promise<void> {
    this.assertOpen();
    this.stats.writes++;
    await this.translateErrors(view, () =>
      this.database.table(MATERIALIZATION_TABLE).upsert([
        {
          [MATERIALIZATION_COLUMNS.namespace]: onlineNamespace(view),
          [MATERIALIZATION_COLUMNS.watermark]: watermark,
          [MATERIALIZATION_COLUMNS.updatedAt]: Spanner.COMMIT_TIMESTAMP,
        },
      ]),
    );
  }

  override async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.release();
  }

  /** A missing table or column means the schema was not migrated for this view version: say so. */
  private async translateErrors<T>(view: FeatureView, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (grpcCode(error) === GRPC_NOT_FOUND && /(Table|Column) not found/i.test(message)) {
        throw new Error(
          `Spanner database ${databasePath(this.settings)} is missing the schema of feature view '${view.name}' version ${view.version} ` +
            `(table ${featureTableName(view)} or ${MATERIALIZATION_TABLE}): ${message}. Run \`stratum spanner migrate\` to create it` +
            ('exactStaleness' in this.readBound ? ` (reads are ${this.readBound.exactStaleness} ms stale: a table created more recently is not visible yet).` : '.'),
          { cause: error },
        );
      }
      throw error;
    }
  }


  private assertOpen(): void {
    if (this.closed) throw new Error('the Spanner online store is closed');
  }
}
