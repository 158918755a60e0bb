import type { RecommendationList, RecommendedItem } from './recommendation-store';

/** Seed 001: lists are the top-100 items of a model; longer ones are a producer bug. */
export const MAX_ITEMS_PER_LIST = 100;
/** Row keys (Bigtable) carry the id; 4 KB is Bigtable's limit, this leaves room for the rest. */
export const MAX_ID_LENGTH = 1024;
/** Reverse timestamps are 13 decimal digits of epoch ms (up to the year 2286). */
export const MAX_GENERATED_AT_MS = 9_999_999_999_999;

/**
 * A call to writeLists held at least one invalid list; nothing of the call was written.
 * `problems` lists each problem with its position (lists[i]) and user, as a producer needs to fix
 * its output.
 */
export class RecommendationValidationError extends Error {
  constructor(readonly problems: string[]) {
    const shown = problems.slice(0, 20);
    super(
      `${problems.length} problem${problems.length === 1 ? '' : 's'} in the recommendation lists; nothing was written:\n` +
        shown.map((p) => `  - ${p}`).join('\n') +
        (problems.length > shown.length ? `\n  … and ${problems.length - shown.length} more` : ''),
    );
    this.name = 'RecommendationValidationError';
  }
}

/** Checks every list of a call (all problems at once); throws RecommendationValidationError. */
export function validateRecommendationLists(lists: readonly RecommendationList[]): void {
  const problems: string[] = [];
  if (!Array.isArray(lists)) throw new RecommendationValidationError(['the lists must be an array']);
  lists.forEach((list, i) => {
    const at = `lists[${i}]`;
    if (list === null || typeof list !== 'object') {
      problems.push(`${at}: expected an object with userId, items and generatedAt`);
      return;
    }
    const where = typeof list.userId === 'string' && list.userId.length > 0 ? `${at} (user '${list.userId}')` : at;
    if (typeof list.userId !== 'string' || list.userId.length === 0) problems.push(`${at}: userId must be a non-empty string`);
    else if (list.userId.length > MAX_ID_LENGTH) problems.push(`${where}: userId is longer than ${MAX_ID_LENGTH} characters`);
    const ms = list.generatedAt instanceof Date ? list.generatedAt.getTime() : Number.NaN;
    if (!Number.isFinite(ms) || ms < 0 || ms > MAX_GENERATED_AT_MS) problems.push(`${where}: generatedAt must be a valid Date from 1970 on`);
    if (list.model !== undefined && (typeof list.model !== 'string' || list.model.length === 0)) {
      problems.push(`${where}: model, when given, must be a non-empty string`);
    }
    if (!Array.isArray(list.items)) {
      problems.push(`${where}: items must be an array of { itemId, score }`);
      return;
    }
    if (list.items.length > MAX_ITEMS_PER_LIST) problems.push(`${where}: ${list.items.length} items, at most ${MAX_ITEMS_PER_LIST} are kept per list; send the top ${MAX_ITEMS_PER_LIST}`);
    const seen = new Set<string>();
    (list.items as RecommendedItem[]).forEach((item: RecommendedItem, j: number) => {
      const itemAt = `${where} items[${j}]`;
      if (item === null || typeof item !== 'object') {
        problems.push(`${itemAt}: expected { itemId, score }`);
        return;
      }
      if (typeof item.itemId !== 'string' || item.itemId.length === 0) problems.push(`${itemAt}: itemId must be a non-empty string`);
      else if (seen.has(item.itemId)) problems.push(`${itemAt}: item '${item.itemId}' appears twice in the list`);
      else seen.add(item.itemId);
      if (typeof item.score !== 'number' || !Number.isFinite(item.score)) problems.push(`${itemAt}: score must be a finite number, got ${String(item.score)}`);
    });
  });
  if (problems.length > 0) throw new RecommendationValidationError(problems);
}

/** Lists kept per user by a store (`keepLists`, default 2): a whole number of at least 1. */
export function keepListsOption(keepLists: number | undefined): number {
  const keep = keepLists ?? 2;
  if (!Number.isInteger(keep) || keep < 1) throw new Error(`keepLists must be a whole number of at least 1, got ${keep}`);
  return keep;
}
