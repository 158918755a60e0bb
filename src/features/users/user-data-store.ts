/**
 * A user's serving profile (seed 001's `UserPreferences`): the preference vector the ranking
 * models read, recommendation settings, and the time of the user's last interaction.
 */
export interface UserPreferences {
  userId: string;
  preferenceVector: number[] | null;
  lastInteractionAt: Date | null;
  recommendationSettings: Record<string, unknown> | null;
  versionId: number | null;
}

/** One interaction (view, click, purchase…) of a user with an item (seed 001's `UserInteractions`). */
export interface UserInteraction {
  userId: string;
  itemId: string;
  interactionType: string;
  at: Date;
  context?: Record<string, unknown> | null;
}

/**
 * The user-data port: Spanner in the cloud, an embedded store for `npm start`. Both keep the same
 * semantics (the shared test runs every case against each):
 * - Ids are non-empty and at most 36 characters, interaction types at most 20 (the Spanner
 *   columns' sizes); a bad input rejects the whole call with a UserDataError before any change.
 * - Interactions are keyed by (user, time): a second interaction of one user at the same instant
 *   replaces the first (seed 001's primary key); two such in one call are refused.
 * - Recording interactions creates the user's preferences row when missing (interactions live
 *   under it) and moves its `lastInteractionAt` forward, never back.
 *
 * An abstract class rather than an interface so it can serve as the Nest injection token.
 */
export abstract class UserDataStore {
  /** result[i] belongs to userIds[i], `undefined` when the user has no row; one round trip. */
  abstract readPreferences(userIds: readonly string[]): Promise<(UserPreferences | undefined)[]>;

  /** Upserts whole rows (every field replaced), all-or-nothing. */
  abstract writePreferences(prefs: readonly UserPreferences[]): Promise<void>;

  /**
   * Items each user interacted with (newest first, at most `limit` per user, one entry per
   * interaction, so an item may repeat), in key order; one round trip per call if possible.
   */
  abstract readInteractedItems(userIds: readonly string[], limit?: number): Promise<string[][]>;

  /** Records interactions all-or-nothing; creates the parent UserPreferences row if missing. */
  abstract recordInteractions(interactions: readonly UserInteraction[]): Promise<void>;

  /** GDPR: removes the user's preferences and interactions; idempotent; returns whether anything was removed. */
  abstract eraseUser(userId: string): Promise<boolean>;

  /** Releases the client or file handles; the store is unusable afterwards. */
  abstract close(): Promise<void>;
}

/** Interactions returned per user when the caller gives no limit. */
export const DEFAULT_INTERACTED_ITEMS_LIMIT = 100;
/** The most interactions one call returns per user. */
export const MAX_INTERACTED_ITEMS_LIMIT = 1000;
