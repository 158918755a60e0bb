import { UserDataError } from './user-data-error';
import { DEFAULT_INTERACTED_ITEMS_LIMIT, MAX_INTERACTED_ITEMS_LIMIT, type UserInteraction, type UserPreferences } from './user-data-store';

/** Column sizes of seed 001's tables (STRING(36) ids fit a UUID; STRING(20) interaction types). */
export const MAX_ID_LENGTH = 36;
export const MAX_INTERACTION_TYPE_LENGTH = 20;

/**
 * Input checks shared by every user-data store, so each refuses the same inputs with the same
 * message. Lengths count characters (code points), as Spanner's STRING(n) does.
 */
export function checkUserId(id: unknown, field: string): string {
  return checkText(id, field, MAX_ID_LENGTH, 'an id');
}

export function checkUserIds(ids: readonly unknown[], field = 'userIds'): string[] {
  return ids.map((id, i) => checkUserId(id, `${field}[${i}]`));
}

export function checkLimit(limit: number | undefined): number {
  const value = limit ?? DEFAULT_INTERACTED_ITEMS_LIMIT;
  if (!Number.isSafeInteger(value) || value < 1 || value > MAX_INTERACTED_ITEMS_LIMIT) {
    throw new UserDataError('limit', `expected a whole number from 1 to ${MAX_INTERACTED_ITEMS_LIMIT}, got ${String(limit)}`);
  }
  return value;
}

export function checkPreferences(prefs: readonly UserPreferences[]): void {
  prefs.forEach((p, i) => {
    const at = `preferences[${i}]`;
    checkUserId(p.userId, `${at}.userId`);
    if (p.preferenceVector !== null) {
      if (!Array.isArray(p.preferenceVector)) throw new UserDataError(`${at}.preferenceVector`, 'expected an array of finite numbers or null');
      p.preferenceVector.forEach((v, j) => {
        if (typeof v !== 'number' || !Number.isFinite(v)) throw new UserDataError(`${at}.preferenceVector[${j}]`, `expected a finite number, got ${String(v)}`);
      });
    }
    if (p.lastInteractionAt !== null) checkDate(p.lastInteractionAt, `${at}.lastInteractionAt`);
    if (p.recommendationSettings !== null) checkJsonObject(p.recommendationSettings, `${at}.recommendationSettings`);
    if (p.versionId !== null && !Number.isSafeInteger(p.versionId)) {
      throw new UserDataError(`${at}.versionId`, `expected a safe integer or null, got ${String(p.versionId)}`);
    }
  });
  const seen = new Set<string>();
  prefs.forEach((p, i) => {
    if (seen.has(p.userId)) throw new UserDataError(`preferences[${i}].userId`, `user '${p.userId}' appears twice in one call; send one row per user`);
    seen.add(p.userId);
  });
}

export function checkInteractions(interactions: readonly UserInteraction[]): void {
  const seen = new Set<string>();
  interactions.forEach((x, i) => {
    const at = `interactions[${i}]`;
    checkUserId(x.userId, `${at}.userId`);
    checkText(x.itemId, `${at}.itemId`, MAX_ID_LENGTH, 'an id');
    checkText(x.interactionType, `${at}.interactionType`, MAX_INTERACTION_TYPE_LENGTH, 'an interaction type');
    checkDate(x.at, `${at}.at`);
    if (x.context !== undefined && x.context !== null) checkJsonObject(x.context, `${at}.context`);
    // (user, time) is the row key: two in one call would silently keep one.
    const key = `${x.userId}\u0000${x.at.getTime()}`;
    if (seen.has(key)) {
      throw new UserDataError(`${at}.at`, `user '${x.userId}' has two interactions at ${x.at.toISOString()} in one call; interactions are keyed by user and time`);
    }
    seen.add(key);
  });
}

function checkText(value: unknown, field: string, max: number, what: string): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new UserDataError(field, `expected ${what}: a non-empty string of at most ${max} characters, got ${value === '' ? 'an empty string' : String(value)}`);
  }
  const length = [...value].length;
  if (length > max) throw new UserDataError(field, `'${value.slice(0, 60)}' has ${length} characters; at most ${max} fit the column`);
  return value;
}

/** Spanner TIMESTAMP's range: years 1 to 9999. */
const MIN_MS = -62_135_596_800_000;
const MAX_MS = 253_402_300_799_999;

function checkDate(value: unknown, field: string): void {
  const ms = value instanceof Date ? value.getTime() : Number.NaN;
  if (!Number.isFinite(ms) || ms < MIN_MS || ms > MAX_MS) throw new UserDataError(field, `expected a valid Date between years 1 and 9999, got ${String(value)}`);
}

function checkJsonObject(value: unknown, field: string): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new UserDataError(field, 'expected a JSON object (or null)');
  }
  try {
    JSON.stringify(value);
  } catch (error) {
    throw new UserDataError(field, `is not serializable as JSON: ${(error as Error).message}`);
  }
}
