/**
 * Precomputed recommendation lists per user (seed 001: the ML platform writes the top items with
 * scores; backends read the newest list). One port, adapters for Bigtable and the embedded store.
 */
export interface RecommendedItem {
  itemId: string;
  score: number;
}

export interface RecommendationList {
  userId: string;
  /** Best first, as the model ranked them. */
  items: RecommendedItem[];
  /** When the model produced the list; the newest list of a user is the one served. */
  generatedAt: Date;
  model?: string;
}

/** An abstract class rather than an interface so it can serve as the Nest injection token. */
export abstract class RecommendationStore {
  /** Upserts lists; validates every list first (non-empty ids, finite scores, ≤ 100 items, no duplicate items) and rejects the whole call with a clear error otherwise. */
  abstract writeLists(lists: readonly RecommendationList[]): Promise<void>;
  /** The newest list per user, in key order, undefined when none. ONE store round trip per call. */
  abstract readLatest(userIds: readonly string[]): Promise<(RecommendationList | undefined)[]>;
  /** Removes every list of the user (GDPR erase); idempotent. */
  abstract deleteUser(userId: string): Promise<void>;
  abstract close(): Promise<void>;
}
