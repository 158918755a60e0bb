import DataLoader from 'dataloader';
import type { UserDataStore, UserPreferences } from '../users/user-data-store';
import { MAX_ID_LENGTH } from '../users/user-data-validation';
import type { RecommendationList, RecommendationStore, RecommendedItem } from './recommendation-store';
import type { PopularItems } from './popular-items';
import { ServingRequestError, withDeadline } from '../serving/serving-errors';

/** Which source answered: the user's own list, that list topped up with popular items, or popular items only. */
export type RecommendationSource = 'personalized' | 'personalized+popular' | 'popular';

export interface ServedItem {
  itemId: string;
  score: number;
  /** Where this item came from. */
  source: 'personalized' | 'popular';
}

export interface Recommendations {
  userId: string;
  items: ServedItem[];
  source: RecommendationSource;
  /** When the personalized list was produced (absent when only popular items answered). */
  generatedAt?: Date;
  model?: string;
}

export interface RecommendOptions {
  limit?: number;
  /** Drop items the user already interacted with (default true). */
  excludeSeen?: boolean;
}

/** Whether items can be shown (e.g. `item_features.is_available`); unknown items count as available. */
export type ItemAvailability = (itemIds: readonly string[]) => Promise<Map<string, boolean>>;

export const DEFAULT_RECOMMENDATIONS = 20;
export const MAX_RECOMMENDATIONS = 100;
/** Interactions looked at to drop seen items. */
const SEEN_WINDOW = 500;

/** The loaders of one request: many users' lists and histories in one store call each. */
export class RecommendationLoaders {
  readonly lists: DataLoader<string, RecommendationList | null>;
  readonly seen: DataLoader<string, string[]>;
  readonly preferences: DataLoader<string, UserPreferences | null>;

  constructor(recs: RecommendationStore, users: UserDataStore, timeoutMs: number) {
    this.preferences = new DataLoader(async (ids) => (await withDeadline(users.readPreferences(ids), timeoutMs, 'user data')).map((p) => p ?? null));
    this.lists = new DataLoader(async (ids) => (await withDeadline(recs.readLatest(ids), timeoutMs, 'recommendations')).map((l) => l ?? null));
    this.seen = new DataLoader(async (ids) => withDeadline(users.readInteractedItems(ids, SEEN_WINDOW), timeoutMs, 'user data'));
  }
}

/**
 * Serves the newest precomputed list of a user: drops items the user already interacted with
 * (UserInteractions) and items no longer available, then tops the list up with popular items
 * (computed from the marts, refreshed periodically) when it is short or missing, and says which
 * source answered. Framework-free: REST and GraphQL call it with their request's loaders.
 */
export class RecommendationService {
  constructor(
    private readonly recs: RecommendationStore,
    private readonly users: UserDataStore,
    private readonly popular: PopularItems,
    private readonly availability: ItemAvailability,
    private readonly timeoutMs: number,
  ) {}

  loaders(): RecommendationLoaders {
    return new RecommendationLoaders(this.recs, this.users, this.timeoutMs);
  }

  /**
   * The first `limit` available, unseen items: the user's list, then popular items. Candidates are
   * checked for availability a chunk at a time, so a request looks at about 2 × limit items, not
   * the whole list and the whole popular set.
   */
  private async pick(limit: number, seen: Set<string>, personalized: readonly RecommendedItem[]): Promise<ServedItem[]> {
    const popular = await this.popular.items();
    const taken = new Set<string>();
    const candidates = function* (): Generator<ServedItem> {
      for (const i of personalized) {
        if (!seen.has(i.itemId) && !taken.has(i.itemId)) {
          taken.add(i.itemId);
          yield { itemId: i.itemId, score: i.score, source: 'personalized' };
        }
      }
      for (const i of popular) {
        if (!seen.has(i.itemId) && !taken.has(i.itemId)) {
          taken.add(i.itemId);
          yield { itemId: i.itemId, score: i.score, source: 'popular' };
        }
      }
    };
    const items: ServedItem[] = [];
    const source = candidates();
    for (let done = false; !done && items.length < limit; ) {
      const chunk: ServedItem[] = [];
      while (chunk.length < chunkFor(limit)) {
        const next = source.next();
        if (next.done) {
          done = true;
          break;
        }
        chunk.push(next.value);
      }
      const available = await this.availability(chunk.map((c) => c.itemId));
      for (const c of chunk) if (available.get(c.itemId) !== false && items.length < limit) items.push(c);
    }
    return items;
  }

  async recommend(userId: string, options: RecommendOptions = {}, loaders = this.loaders()): Promise<Recommendations> {
    const limit = checkLimit(options.limit);
    requireUserId(userId);
    const excludeSeen = options.excludeSeen ?? true;
    const [list, seenItems] = await Promise.all([loaders.lists.load(userId), excludeSeen ? loaders.seen.load(userId) : Promise.resolve([])]);
    const seen = new Set(seenItems);
    const items = await this.pick(limit, seen, list?.items ?? []);
    const fromList = items.filter((i) => i.source === 'personalized').length;
    const source: RecommendationSource = fromList === 0 ? 'popular' : fromList === items.length ? 'personalized' : 'personalized+popular';
    return { userId, items, source, generatedAt: fromList > 0 ? list?.generatedAt : undefined, model: fromList > 0 ? list?.model : undefined };
  }
}

/** Candidates checked for availability per round: enough for the limit plus a few unavailable ones. */
const chunkFor = (limit: number) => Math.max(2 * limit, 20);

function checkLimit(limit: number | undefined): number {
  if (limit === undefined) return DEFAULT_RECOMMENDATIONS;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_RECOMMENDATIONS) {
    throw new ServingRequestError([{ path: 'limit', message: `${String(limit)} is not a whole number from 1 to ${MAX_RECOMMENDATIONS}.`, fix: `Ask for 1–${MAX_RECOMMENDATIONS} items, e.g. limit=20.` }]);
  }
  return limit;
}

/** A user id as callers send it (path, GraphQL argument): 1–36 characters, the size of seed 001's user_id columns. */
export function requireUserId(userId: string): string {
  if (userId === '' || userId.length > MAX_ID_LENGTH) {
    throw new ServingRequestError([{ path: 'id', message: `'${userId.slice(0, 40)}' is not a user id.`, fix: `User ids are 1–${MAX_ID_LENGTH} characters.` }]);
  }
  return userId;
}
