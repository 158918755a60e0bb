import { Spanner, type Database } from '@google-cloud/spanner';
import type { SpannerStoreSettings } from '../../../config/serving-config';
import { databasePath, GRPC_NOT_FOUND, grpcCode, openSpannerConnection, READ_OPTIONS, readSingleUse, type SpannerConnectionOptions, readBoundFor } from '../../online-store/spanner/spanner-client';
import { UserDataStore, type UserInteraction, type UserPreferences } from '../user-data-store';
import { checkInteractions, checkLimit, checkPreferences, checkUserId, checkUserIds } from '../user-data-validation';
import { USER_INTERACTIONS_TABLE, USER_PREFERENCES_COLUMNS, USER_PREFERENCES_TABLE } from './spanner-user-data-schema';


type Row = Record<string, unknown>;

/**
 * Seed 001's user data on Spanner (tables in spanner-user-data-schema.ts, created by
 * `stratum spanner migrate`). Every read is a `table.read` by key or key range, never SQL: the
 * emulator answers SQL on the user id with a scan (181 ms here). Interactions are read by the
 * key-range prefix `user_id` of the interleaved table, whose key order is already newest first.
 */
export class SpannerUserDataStore extends UserDataStore {
  /** Store round trips (reads: table reads; writes: commits), counted for tests and metrics. */
  readonly stats = { reads: 0, writes: 0 };

  private readonly readBound: { strong: true } | { exactStaleness: number };
  private closed = false;

  constructor(
    private readonly database: Database,
    private readonly settings: SpannerStoreSettings,
    private readonly release: () => Promise<void> = async () => undefined,
  ) {
    super();
    this.readBound = readBoundFor(settings);
  }

  /** Creates the client once for the store's lifetime; `close` releases it. */
  static open(settings: SpannerStoreSettings, options: SpannerConnectionOptions = {}): SpannerUserDataStore {
    const connection = openSpannerConnection(settings, options);
    return new SpannerUserDataStore(connection.database, settings, () => connection.close());
  }

  override async readPreferences(userIds: readonly string[]): Promise<(UserPreferences | undefined)[]> {
    this.assertOpen();
    checkUserIds(userIds);
    if (userIds.length === 0) return [];
    this.stats.reads++;
    const rows = await this.translateErrors(() =>
      readSingleUse(this.database, USER_PREFERENCES_TABLE, { keys: [...new Set(userIds)], columns: [...USER_PREFERENCES_COLUMNS], ...READ_OPTIONS }, this.readBound),
    );
    const byId = new Map<string, UserPreferences>();
    for (const row of rows as Row[]) {
      byId.set(row.user_id as string, {
        userId: row.user_id as string,
        preferenceVector: (row.preference_vector as number[] | null) ?? null,
        lastInteractionAt: toDate(row.last_interaction_timestamp),
        recommendationSettings: (row.recommendation_settings as Record<string, unknown> | null) ?? null,
        versionId: (row.version_id as number | null) ?? null,
      });
    }
    return userIds.map((id) => byId.get(id));
  }

  override async writePreferences(prefs: readonly UserPreferences[]): Promise<void> {
    this.assertOpen();
    checkPreferences(prefs);
    if (prefs.length === 0) return;
    const rows = prefs.map((p) => ({
      user_id: p.userId,
      // Whole JS numbers would be sent as strings, which a FLOAT64 column refuses.
      preference_vector: p.preferenceVector === null ? null : p.preferenceVector.map((v) => Spanner.float(v)),
      last_interaction_timestamp: p.lastInteractionAt,
      recommendation_settings: p.recommendationSettings,
      version_id: p.versionId === null ? null : Spanner.int(p.versionId),
    }));
    this.stats.writes++;
    // One commit: all rows or none.
    await this.translateErrors(() => this.database.table(USER_PREFERENCES_TABLE).upsert(rows));
  }

  /**
   * One read of every user's key range, capped at `limit` rows per user asked. Usually that is all:
   * a capped answer means some user has more than `limit` rows and may have crowded others out, so
   * only the users still short of `limit` are read again (each round completes at least one user).
   */
  override async readInteractedItems(userIds: readonly string[], limit?: number): Promise<string[][]> {
    this.assertOpen();
    checkUserIds(userIds);
    const max = checkLimit(limit);
    const items = new Map<string, string[]>(userIds.map((id) => [id, []]));
    let pending = [...items.keys()];
    while (pending.length > 0) {
      for (const id of pending) items.set(id, []);
      const cap = max * pending.length;
      this.stats.reads++;
      const [rows] = await this.translateErrors(() =>
        this.database.table(USER_INTERACTIONS_TABLE).read(
          { ranges: pending.map((id) => ({ startClosed: [id], endClosed: [id] })), columns: ['user_id', 'item_id'], limit: cap, ...READ_OPTIONS },
          this.readBound,
        ),
      );
      // Rows come in key order: by user, newest first within a user (interaction_timestamp DESC).
      for (const row of rows as Row[]) {
        const list = items.get(row.user_id as string)!;
        if (list.length < max) list.push(row.item_id as string);
      }
      pending = rows.length < cap ? [] : pending.filter((id) => items.get(id)!.length < max);
    }
    return userIds.map((id) => [...items.get(id)!]);
  }

  override async recordInteractions(interactions: readonly UserInteraction[]): Promise<void> {
    this.assertOpen();
    checkInteractions(interactions);
    if (interactions.length === 0) return;
    const newestByUser = new Map<string, number>();
    for (const x of interactions) newestByUser.set(x.userId, Math.max(newestByUser.get(x.userId) ?? -Infinity, x.at.getTime()));
    this.stats.writes++;
    await this.translateErrors(() =>
      this.database.runTransactionAsync(async (tx) => {
        const [parents] = await tx.read(USER_PREFERENCES_TABLE, { keys: [...newestByUser.keys()], columns: ['user_id', 'last_interaction_timestamp'], ...READ_OPTIONS });
        const stored = new Map((parents as Row[]).map((r) => [r.user_id as string, toDate(r.last_interaction_timestamp)]));
        const parentUpdates: Row[] = [];
        for (const [userId, newestMs] of newestByUser) {
          const last = stored.get(userId);
          // A missing parent (key absent) is created with only these columns set; an existing one moves forward only.
          if (!stored.has(userId) || last === null || last === undefined || newestMs > last.getTime()) {
            parentUpdates.push({ user_id: userId, last_interaction_timestamp: new Date(newestMs) });
          }
        }
        // Mutations apply in order: parents exist before their interleaved children are written.
        if (parentUpdates.length > 0) tx.upsert(USER_PREFERENCES_TABLE, parentUpdates);
        tx.upsert(
          USER_INTERACTIONS_TABLE,
          interactions.map((x) => ({
            user_id: x.userId,
            item_id: x.itemId,
            interaction_type: x.interactionType,
            interaction_timestamp: x.at,
            context: x.context ?? null,
          })),
        );
        await tx.commit();
      }),
    );
  }

  override async eraseUser(userId: string): Promise<boolean> {
    this.assertOpen();
    checkUserId(userId, 'userId');
    this.stats.writes++;
    return this.translateErrors(() =>
      this.database.runTransactionAsync(async (tx) => {
        const [rows] = await tx.read(USER_PREFERENCES_TABLE, { keys: [userId], columns: ['user_id'], ...READ_OPTIONS });
        if (rows.length === 0) {
          tx.end();
          return false;
        }
        // ON DELETE CASCADE removes the interleaved interactions in the same commit.
        tx.deleteRows(USER_PREFERENCES_TABLE, [userId]);
        await tx.commit();
        return true;
      }),
    );
  }

  override async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.release();
  }

  private async translateErrors<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (grpcCode(error) === GRPC_NOT_FOUND && /(Table|Column) not found/i.test(message)) {
        throw new Error(
          `Spanner database ${databasePath(this.settings)} is missing the user-data tables (${USER_PREFERENCES_TABLE}, ${USER_INTERACTIONS_TABLE}): ${message}. ` +
            'Run `stratum spanner migrate` to create them.',
          { cause: error },
        );
      }
      throw error;
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('the Spanner user-data store is closed');
  }
}

function toDate(value: unknown): Date | null {
  return value === null || value === undefined ? null : new Date((value as Date).getTime());
}
