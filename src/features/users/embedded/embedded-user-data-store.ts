import { join } from 'node:path';
import { AppendOnlyLog } from '../../online-store/embedded/append-only-log';
import { UserDataStore, type UserInteraction, type UserPreferences } from '../user-data-store';
import { checkInteractions, checkLimit, checkPreferences, checkUserId, checkUserIds } from '../user-data-validation';

/** Preferences and interactions as persisted (dates in epoch ms). */
interface PrefsRecord {
  userId: string;
  preferenceVector: number[] | null;
  lastInteractionMs: number | null;
  recommendationSettings: Record<string, unknown> | null;
  versionId: number | null;
}
interface InteractionRecord {
  userId: string;
  itemId: string;
  interactionType: string;
  atMs: number;
  context: Record<string, unknown> | null;
}
type LogRecord = { prefs: PrefsRecord[] } | { interactions: InteractionRecord[] };

interface UserRow {
  prefs: PrefsRecord;
  /** Newest first, one per instant (the Spanner table's key is (user, time)). */
  interactions: InteractionRecord[];
}

/**
 * The user-data store for `npm start` without Spanner: everything in memory, every write call one
 * line of an append-only log in `dir`, replayed at open (the embedded online store's design).
 * A GDPR erase rewrites the log without the user, so the erased data leaves the disk too, not
 * only the memory.
 */
export class EmbeddedUserDataStore extends UserDataStore {
  private static readonly COMPACT_RATIO = 2;
  private static readonly COMPACT_MIN_RECORDS = 1000;

  /** Writes run one after the other so the log order is the order they were applied in. */
  private tail: Promise<unknown> = Promise.resolve();
  private closed = false;

  private constructor(
    private readonly log: AppendOnlyLog<LogRecord>,
    private readonly users: Map<string, UserRow>,
  ) {
    super();
  }

  static async open(dir: string, options: { sync?: boolean } = {}): Promise<EmbeddedUserDataStore> {
    const { log, records } = await AppendOnlyLog.open<LogRecord>(join(dir, 'user-data.jsonl'), options);
    const users = new Map<string, UserRow>();
    for (const record of records) EmbeddedUserDataStore.applyRecord(users, record);
    const store = new EmbeddedUserDataStore(log, users);
    if (records.length > EmbeddedUserDataStore.COMPACT_MIN_RECORDS && records.length > users.size * EmbeddedUserDataStore.COMPACT_RATIO) {
      await log.rewrite(EmbeddedUserDataStore.snapshot(users));
    }
    return store;
  }

  override async readPreferences(userIds: readonly string[]): Promise<(UserPreferences | undefined)[]> {
    this.assertOpen();
    checkUserIds(userIds);
    return userIds.map((id) => {
      const prefs = this.users.get(id)?.prefs;
      if (prefs === undefined) return undefined;
      return {
        userId: prefs.userId,
        preferenceVector: prefs.preferenceVector === null ? null : [...prefs.preferenceVector],
        lastInteractionAt: prefs.lastInteractionMs === null ? null : new Date(prefs.lastInteractionMs),
        recommendationSettings: prefs.recommendationSettings === null ? null : structuredClone(prefs.recommendationSettings),
        versionId: prefs.versionId,
      };
    });
  }

  override async writePreferences(prefs: readonly UserPreferences[]): Promise<void> {
    this.assertOpen();
    checkPreferences(prefs);
    if (prefs.length === 0) return;
    // Through JSON once, so memory holds exactly what a reopen would read back.
    const record: LogRecord = JSON.parse(JSON.stringify({
      prefs: prefs.map((p): PrefsRecord => ({
        userId: p.userId,
        preferenceVector: p.preferenceVector,
        lastInteractionMs: p.lastInteractionAt === null ? null : p.lastInteractionAt.getTime(),
        recommendationSettings: p.recommendationSettings,
        versionId: p.versionId,
      })),
    })) as LogRecord;
    await this.appendAndApply(record);
  }

  override async readInteractedItems(userIds: readonly string[], limit?: number): Promise<string[][]> {
    this.assertOpen();
    checkUserIds(userIds);
    const max = checkLimit(limit);
    return userIds.map((id) => (this.users.get(id)?.interactions ?? []).slice(0, max).map((x) => x.itemId));
  }

  override async recordInteractions(interactions: readonly UserInteraction[]): Promise<void> {
    this.assertOpen();
    checkInteractions(interactions);
    if (interactions.length === 0) return;
    const record: LogRecord = JSON.parse(JSON.stringify({
      interactions: interactions.map((x): InteractionRecord => ({
        userId: x.userId,
        itemId: x.itemId,
        interactionType: x.interactionType,
        atMs: x.at.getTime(),
        context: x.context ?? null,
      })),
    })) as LogRecord;
    await this.appendAndApply(record);
  }

  override async eraseUser(userId: string): Promise<boolean> {
    this.assertOpen();
    checkUserId(userId, 'userId');
    let removed = false;
    await this.serialized(async () => {
      if (!this.users.has(userId)) return;
      const remaining = new Map(this.users);
      remaining.delete(userId);
      // Rewritten before memory changes: if the rewrite fails, nothing was erased anywhere.
      await this.log.rewrite(EmbeddedUserDataStore.snapshot(remaining));
      this.users.delete(userId);
      removed = true;
    });
    return removed;
  }

  override async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.tail.catch(() => undefined);
    await this.log.close();
  }

  private appendAndApply(record: LogRecord): Promise<void> {
    return this.serialized(async () => {
      await this.log.append(record);
      EmbeddedUserDataStore.applyRecord(this.users, record);
    });
  }

  private static applyRecord(users: Map<string, UserRow>, record: LogRecord): void {
    if ('prefs' in record) {
      for (const prefs of record.prefs) {
        const row = users.get(prefs.userId);
        if (row === undefined) users.set(prefs.userId, { prefs, interactions: [] });
        else row.prefs = prefs;
      }
      return;
    }
    const touched = new Set<UserRow>();
    for (const x of record.interactions) {
      let row = users.get(x.userId);
      if (row === undefined) {
        // Interactions live under their user's row: create it, as the Spanner store does.
        row = { prefs: { userId: x.userId, preferenceVector: null, lastInteractionMs: null, recommendationSettings: null, versionId: null }, interactions: [] };
        users.set(x.userId, row);
      }
      const same = row.interactions.findIndex((y) => y.atMs === x.atMs);
      if (same === -1) row.interactions.push(x);
      else row.interactions[same] = x;
      if (row.prefs.lastInteractionMs === null || x.atMs > row.prefs.lastInteractionMs) row.prefs = { ...row.prefs, lastInteractionMs: x.atMs };
      touched.add(row);
    }
    for (const row of touched) row.interactions.sort((a, b) => b.atMs - a.atMs);
  }

  /**
   * The live data as the fewest records. Interactions come first: replaying them moves
   * lastInteractionAt, and the preferences after them restore the value stored last.
   */
  private static snapshot(users: Map<string, UserRow>): LogRecord[] {
    const rows = [...users.values()];
    const records: LogRecord[] = [];
    const interactions = rows.flatMap((r) => r.interactions);
    if (interactions.length > 0) records.push({ interactions });
    if (rows.length > 0) records.push({ prefs: rows.map((r) => r.prefs) });
    return records;
  }

  private serialized(task: () => Promise<void>): Promise<void> {
    const run = this.tail.then(task);
    this.tail = run.catch(() => undefined);
    return run;
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('the embedded user-data store is closed');
  }
}
