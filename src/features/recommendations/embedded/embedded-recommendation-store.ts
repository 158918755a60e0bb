import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { open, type RootDatabase } from 'lmdb';
import { RecommendationStore, type RecommendationList } from '../recommendation-store';
import { keepListsOption, validateRecommendationLists } from '../recommendation-validation';

/** A list as stored: items as [itemId, score] pairs in rank order; the user and time are the key. */
interface StoredList {
  items: [string, number][];
  model?: string;
}

/**
 * [userId, generatedAt epoch ms]. Ordered-binary keys sort by user, then by time, and a user's
 * keys never interleave with those of a user whose id extends it (the separator byte sorts below
 * every character), so one reverse range read from [user, +∞] finds the newest list.
 */
type Key = [string, number];

export interface EmbeddedRecommendationStoreOptions {
  /** Lists kept per user, newest first (default 2, as the Bigtable store). */
  keepLists?: number;
}

/**
 * Recommendation lists for `npm start` without a cloud: LMDB (`recommendations.lmdb` in `dir`),
 * like the embedded online store, so the CLI (`stratum recommendations load`, `stratum users
 * erase`) can write while the server has the same folder open, and the server serves the new
 * lists at once. Same semantics as the Bigtable store: the newest list per user by generatedAt is
 * served, at most `keepLists` are kept per user (older ones are deleted in the same transaction,
 * and a list older than every kept one is not stored at all), and a list with the same user and
 * generatedAt replaces the stored one.
 *
 * Each write call is ONE LMDB transaction (all-or-nothing, committed when it resolves), with the
 * keep-the-newest trimming inside it, so writers in different processes cannot undo each other.
 */
export class EmbeddedRecommendationStore extends RecommendationStore {
  private closed = false;

  private constructor(
    private readonly db: RootDatabase<StoredList, Key>,
    private readonly keepLists: number,
  ) {
    super();
  }

  static async open(dir: string, options: EmbeddedRecommendationStoreOptions = {}): Promise<EmbeddedRecommendationStore> {
    const keep = keepListsOption(options.keepLists);
    mkdirSync(dir, { recursive: true });
    // 8 KB pages raise LMDB's key limit from 1978 to 4026 bytes: a user id may be 1024 characters
    // (recommendation-validation.ts), up to ~3 KB of UTF-8. Only takes effect when the file is created.
    const db = open<StoredList, Key>({ path: join(dir, 'recommendations.lmdb'), compression: false, pageSize: 8192 });
    return new EmbeddedRecommendationStore(db, keep);
  }

  override async writeLists(lists: readonly RecommendationList[]): Promise<void> {
    this.assertOpen();
    validateRecommendationLists(lists);
    if (lists.length === 0) return;
    const rows = lists.map((l): [Key, StoredList] => [
      [l.userId, l.generatedAt.getTime()],
      { items: l.items.map((i): [string, number] => [i.itemId, i.score]), ...(l.model !== undefined ? { model: l.model } : {}) },
    ]);
    await this.db.transaction(() => {
      // Reads inside the transaction see its own writes, so several lists of one user in a call
      // are trimmed against each other too.
      for (const [key, list] of rows) {
        const [userId, ms] = key;
        const stored = this.userKeysNewestFirst(userId);
        // Same user and generatedAt = the same list (Bigtable: the same row key): replaced.
        const times = [...new Set([...stored.map((k) => k[1]), ms])].sort((a, b) => b - a);
        const kept = new Set(times.slice(0, this.keepLists));
        if (kept.has(ms)) this.db.put(key, list);
        for (const old of stored) if (!kept.has(old[1])) this.db.remove(old);
      }
    });
  }

  override async readLatest(userIds: readonly string[]): Promise<(RecommendationList | undefined)[]> {
    this.assertOpen();
    // A fresh snapshot per call: lists another process committed since are served at once.
    this.db.resetReadTxn();
    return userIds.map((userId) => {
      for (const { key, value } of this.db.getRange({ start: [userId, Infinity], end: [userId, -Infinity], reverse: true, limit: 1 })) {
        return {
          userId,
          items: value.items.map(([itemId, score]) => ({ itemId, score })),
          generatedAt: new Date(key[1]),
          ...(value.model !== undefined ? { model: value.model } : {}),
        };
      }
      return undefined;
    });
  }

  override async deleteUser(userId: string): Promise<void> {
    this.assertOpen();
    if (typeof userId !== 'string' || userId.length === 0) throw new Error('deleteUser needs a non-empty user id');
    await this.db.transaction(() => {
      for (const key of this.userKeysNewestFirst(userId)) this.db.remove(key);
    });
  }

  override async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.db.close();
  }

  /** Every stored key of the user (at most keepLists, plus lists another process kept with a larger keepLists). */
  private userKeysNewestFirst(userId: string): Key[] {
    return [...this.db.getKeys({ start: [userId, Infinity], end: [userId, -Infinity], reverse: true })];
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('the embedded recommendation store is closed');
  }
}
