import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { open, type RootDatabase } from 'lmdb';
import { UserDataStore, type UserInteraction, type UserPreferences } from '../user-data-store';
import { checkInteractions, checkLimit, checkPreferences, checkUserId, checkUserIds } from '../user-data-validation';

/**
 * A preferences row as stored (the user id is the key). JSON columns are kept as JSON text, so
 * what reads back is exactly what Spanner's JSON columns would return (no Dates, no undefined).
 */
interface StoredPrefs {
  vector: number[] | null;
  lastInteractionMs: number | null;
  settings: string | null;
  versionId: number | null;
}

/** An interaction as stored (user and time are the key). */
interface StoredInteraction {
  item: string;
  type: string;
  context: string | null;
}

/**
 * ['p', userId] → preferences; ['i', userId, -epochMs] → one interaction. The negated time makes a
 * forward range read over ['i', userId] newest first, and one key per (user, instant) is the
 * Spanner table's primary key. Ordered-binary keys never interleave a user's keys with those of
 * a user whose id extends it (the separator byte sorts below every character).
 */
type PrefsKey = ['p', string];
type InteractionKey = ['i', string, number];
type Key = PrefsKey | InteractionKey;

/**
 * The user-data store for `npm start` without Spanner: LMDB (`user-data.lmdb` in `dir`), like the
 * embedded online store, so `stratum users erase` can run while the server has the same folder
 * open. Each write call is ONE LMDB transaction (all-or-nothing, committed when it resolves), and
 * the read-modify-write of `lastInteractionAt` happens inside it, so writers in different
 * processes cannot undo each other. Reads renew their snapshot first, so rows another process
 * committed are seen without reopening.
 *
 * GDPR: `eraseUser` deletes the user's records in one transaction; once it resolves, the erased
 * data is no longer readable by any process (each process's next read takes a new snapshot), and
 * no reopen can bring it back, unlike the earlier append-only log whose compaction in a second
 * process could resurrect an erase. LMDB frees the pages that held the records and reuses them in
 * later write transactions rather than appending; it does not zero them, so until reused (in tests,
 * within a few writes; later while another process still holds an older read snapshot) the old
 * bytes can remain in free pages of the file, unreachable through any key.
 */
export class EmbeddedUserDataStore extends UserDataStore {
  private closed = false;

  private constructor(private readonly db: RootDatabase<StoredPrefs | StoredInteraction, Key>) {
    super();
  }

  static async open(dir: string): Promise<EmbeddedUserDataStore> {
    mkdirSync(dir, { recursive: true });
    const db = open<StoredPrefs | StoredInteraction, Key>({ path: join(dir, 'user-data.lmdb'), compression: false });
    return new EmbeddedUserDataStore(db);
  }

  override async readPreferences(userIds: readonly string[]): Promise<(UserPreferences | undefined)[]> {
    this.assertOpen();
    checkUserIds(userIds);
    this.db.resetReadTxn();
    return userIds.map((userId) => {
      const stored = this.getPrefs(userId);
      if (stored === undefined) return undefined;
      return {
        userId,
        preferenceVector: stored.vector,
        lastInteractionAt: stored.lastInteractionMs === null ? null : new Date(stored.lastInteractionMs),
        recommendationSettings: stored.settings === null ? null : (JSON.parse(stored.settings) as Record<string, unknown>),
        versionId: stored.versionId,
      };
    });
  }

  override async writePreferences(prefs: readonly UserPreferences[]): Promise<void> {
    this.assertOpen();
    checkPreferences(prefs);
    if (prefs.length === 0) return;
    const rows = prefs.map((p): [PrefsKey, StoredPrefs] => [
      ['p', p.userId],
      {
        vector: p.preferenceVector === null ? null : [...p.preferenceVector],
        lastInteractionMs: p.lastInteractionAt === null ? null : p.lastInteractionAt.getTime(),
        settings: p.recommendationSettings === null ? null : JSON.stringify(p.recommendationSettings),
        versionId: p.versionId,
      },
    ]);
    await this.db.transaction(() => {
      for (const [key, value] of rows) this.db.put(key, value);
    });
  }

  override async readInteractedItems(userIds: readonly string[], limit?: number): Promise<string[][]> {
    this.assertOpen();
    checkUserIds(userIds);
    const max = checkLimit(limit);
    this.db.resetReadTxn();
    return userIds.map((userId) => {
      const items: string[] = [];
      for (const { value } of this.db.getRange({ ...interactionRange(userId), limit: max })) items.push((value as StoredInteraction).item);
      return items;
    });
  }

  override async recordInteractions(interactions: readonly UserInteraction[]): Promise<void> {
    this.assertOpen();
    checkInteractions(interactions);
    if (interactions.length === 0) return;
    const rows = interactions.map((x): [InteractionKey, StoredInteraction] => [
      ['i', x.userId, reverseTime(x.at.getTime())],
      { item: x.itemId, type: x.interactionType, context: x.context === undefined || x.context === null ? null : JSON.stringify(x.context) },
    ]);
    const newestPerUser = new Map<string, number>();
    for (const x of interactions) newestPerUser.set(x.userId, Math.max(x.at.getTime(), newestPerUser.get(x.userId) ?? -Infinity));
    await this.db.transaction(() => {
      for (const [key, value] of rows) this.db.put(key, value);
      for (const [userId, newestMs] of newestPerUser) {
        const prefs = this.getPrefs(userId);
        // Interactions live under their user's row: create it, as the Spanner store does, and
        // move lastInteractionAt forward, never back.
        if (prefs === undefined) {
          this.db.put(['p', userId], { vector: null, lastInteractionMs: newestMs, settings: null, versionId: null });
        } else if (prefs.lastInteractionMs === null || newestMs > prefs.lastInteractionMs) {
          this.db.put(['p', userId], { ...prefs, lastInteractionMs: newestMs });
        }
      }
    });
  }

  override async eraseUser(userId: string): Promise<boolean> {
    this.assertOpen();
    checkUserId(userId, 'userId');
    return this.db.transaction(() => {
      const keys: Key[] = [...this.db.getKeys(interactionRange(userId))];
      if (this.getPrefs(userId) !== undefined) keys.push(['p', userId]);
      for (const key of keys) this.db.remove(key);
      return keys.length > 0;
    });
  }

  override async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.db.close();
  }

  private getPrefs(userId: string): StoredPrefs | undefined {
    return this.db.get(['p', userId]) as StoredPrefs | undefined;
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('the embedded user-data store is closed');
  }
}

/** Every interaction key of the user, newest first (the time is negated in the key). */
function interactionRange(userId: string): { start: InteractionKey; end: InteractionKey } {
  return { start: ['i', userId, -Infinity], end: ['i', userId, Infinity] };
}

/** The time as an interaction key sorts it: negated, with 0 kept as +0 (ordered-binary sorts -0 after +∞). */
function reverseTime(ms: number): number {
  return ms === 0 ? 0 : -ms;
}
