import { join } from 'node:path';
import { AppendOnlyLog } from '../../online-store/embedded/append-only-log';
import { RecommendationStore, type RecommendationList } from '../recommendation-store';
import { validateRecommendationLists } from '../recommendation-validation';

/** A list as persisted: items as [itemId, score] pairs in rank order. */
interface StoredList {
  userId: string;
  generatedAtMs: number;
  model?: string;
  items: [string, number][];
}

type LogRecord = { put: StoredList[] } | { erase: string };

export interface EmbeddedRecommendationStoreOptions {
  /** fdatasync after every write call. */
  sync?: boolean;
  /** Lists kept per user, newest first (default 2, as the Bigtable store). */
  keepLists?: number;
}

/**
 * Recommendation lists for `npm start` without a cloud: in memory (reads are map lookups), every
 * write call appended as ONE line to `recommendations.jsonl` in `dir` and replayed at open, like
 * the embedded online store. Same semantics as the Bigtable store: newest list per user by
 * generatedAt, at most `keepLists` per user, a list with the same user and generatedAt replaced.
 */
export class EmbeddedRecommendationStore extends RecommendationStore {
  private static readonly COMPACT_RATIO = 2;
  private static readonly COMPACT_MIN_RECORDS = 1000;

  private tail: Promise<unknown> = Promise.resolve();
  private closed = false;

  private constructor(
    private readonly log: AppendOnlyLog<LogRecord>,
    /** userId → lists, newest first. */
    private readonly lists: Map<string, StoredList[]>,
    private readonly keepLists: number,
  ) {
    super();
  }

  static async open(dir: string, options: EmbeddedRecommendationStoreOptions = {}): Promise<EmbeddedRecommendationStore> {
    const keep = options.keepLists ?? 2;
    if (!Number.isInteger(keep) || keep < 1) throw new Error(`keepLists must be a whole number of at least 1, got ${keep}`);
    const { log, records } = await AppendOnlyLog.open<LogRecord>(join(dir, 'recommendations.jsonl'), options);
    const lists = new Map<string, StoredList[]>();
    for (const record of records) EmbeddedRecommendationStore.applyRecord(lists, record, keep);
    const store = new EmbeddedRecommendationStore(log, lists, keep);
    const live = [...lists.values()].reduce((n, l) => n + l.length, 0);
    if (records.length > EmbeddedRecommendationStore.COMPACT_MIN_RECORDS && records.length > live * EmbeddedRecommendationStore.COMPACT_RATIO) {
      await log.rewrite(live === 0 ? [] : [{ put: [...lists.values()].flat() }]);
    }
    return store;
  }

  override async writeLists(lists: readonly RecommendationList[]): Promise<void> {
    this.assertOpen();
    validateRecommendationLists(lists);
    if (lists.length === 0) return;
    const record: LogRecord = {
      put: lists.map((l) => ({
        userId: l.userId,
        generatedAtMs: l.generatedAt.getTime(),
        ...(l.model !== undefined ? { model: l.model } : {}),
        items: l.items.map((i): [string, number] => [i.itemId, i.score]),
      })),
    };
    await this.serialized(async () => {
      await this.log.append(record);
      EmbeddedRecommendationStore.applyRecord(this.lists, record, this.keepLists);
    });
  }

  override async readLatest(userIds: readonly string[]): Promise<(RecommendationList | undefined)[]> {
    this.assertOpen();
    return userIds.map((userId) => {
      const newest = this.lists.get(userId)?.[0];
      if (newest === undefined) return undefined;
      return {
        userId,
        items: newest.items.map(([itemId, score]) => ({ itemId, score })),
        generatedAt: new Date(newest.generatedAtMs),
        ...(newest.model !== undefined ? { model: newest.model } : {}),
      };
    });
  }

  override async deleteUser(userId: string): Promise<void> {
    this.assertOpen();
    if (typeof userId !== 'string' || userId.length === 0) throw new Error('deleteUser needs a non-empty user id');
    await this.serialized(async () => {
      if (!this.lists.has(userId)) return;
      const record: LogRecord = { erase: userId };
      await this.log.append(record);
      EmbeddedRecommendationStore.applyRecord(this.lists, record, this.keepLists);
    });
  }

  override async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.tail.catch(() => undefined);
    await this.log.close();
  }

  private static applyRecord(lists: Map<string, StoredList[]>, record: LogRecord, keep: number): void {
    if ('erase' in record) {
      lists.delete(record.erase);
      return;
    }
    for (const list of record.put) {
      // Same user and generatedAt = the same list (Bigtable: the same row key): replaced.
      const others = (lists.get(list.userId) ?? []).filter((l) => l.generatedAtMs !== list.generatedAtMs);
      const next = [...others, list].sort((a, b) => b.generatedAtMs - a.generatedAtMs).slice(0, keep);
      lists.set(list.userId, next);
    }
  }

  private serialized(task: () => Promise<void>): Promise<void> {
    const run = this.tail.then(task);
    this.tail = run.catch(() => undefined);
    return run;
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('the embedded recommendation store is closed');
  }
}
