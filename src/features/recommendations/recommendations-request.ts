import { isObject } from '../serving/online-features-request';
import { ServingRequestError, type RequestProblem } from '../serving/serving-errors';
import type { RecommendationList } from './recommendation-store';
import { validateRecommendationLists, RecommendationValidationError } from './recommendation-validation';
import type { Recommendations } from './recommendation-service';

/**
 * `PUT /v1/recommendations`: `{"lists": [{"user_id", "items": [{"item_id", "score"}], "generated_at", "model"?}]}`
 * (snake_case, as the ML platform's JSON writes it). Shapes are mapped here; every list is then
 * validated (all problems at once) before the store writes anything.
 */
export function parseRecommendationLists(body: unknown, maxLists: number): RecommendationList[] {
  const fix = 'Send {"lists": [{"user_id": "u1", "items": [{"item_id": "p1", "score": 0.9}], "generated_at": "2025-01-01T00:00:00Z"}]}.';
  if (!isObject(body) || !Array.isArray(body.lists)) throw new ServingRequestError([{ path: 'lists', message: 'must be an array of recommendation lists.', fix }]);
  if (body.lists.length === 0) throw new ServingRequestError([{ path: 'lists', message: 'is empty.', fix }]);
  if (body.lists.length > maxLists) throw new ServingRequestError([{ path: 'lists', message: `has ${body.lists.length} lists; at most ${maxLists} per call.`, fix: `Split the call into batches of ${maxLists}.` }]);
  const problems: RequestProblem[] = [];
  const lists = body.lists.map((raw: unknown, i: number): RecommendationList => {
    if (!isObject(raw)) {
      problems.push({ path: `lists[${i}]`, message: 'must be an object.', fix });
      return { userId: '', items: [], generatedAt: new Date(Number.NaN) };
    }
    const items = Array.isArray(raw.items) ? raw.items.map((it) => (isObject(it) ? { itemId: it.item_id as string, score: it.score as number } : (it as never))) : (raw.items as never);
    const generatedAt = typeof raw.generated_at === 'string' || typeof raw.generated_at === 'number' ? new Date(typeof raw.generated_at === 'number' ? raw.generated_at * 1000 : raw.generated_at) : new Date(Number.NaN);
    return { userId: raw.user_id as string, items, generatedAt, ...(raw.model !== undefined ? { model: raw.model as string } : {}) };
  });
  if (problems.length > 0) throw new ServingRequestError(problems);
  try {
    validateRecommendationLists(lists);
  } catch (e) {
    if (e instanceof RecommendationValidationError) {
      throw new ServingRequestError(e.problems.map((p) => ({ path: /^lists\[\d+\]/.exec(p)?.[0] ?? 'lists', message: toSnakeCase(p) })));
    }
    throw e;
  }
  return lists;
}

/** The port's camelCase names, as the JSON caller wrote them. */
function toSnakeCase(message: string): string {
  return message.replace(/\buserId\b/g, 'user_id').replace(/\bitemId\b/g, 'item_id').replace(/\bgeneratedAt\b/g, 'generated_at');
}

/** The REST response (snake_case, like Feast's HTTP API). */
export function recommendationsJson(r: Recommendations) {
  return {
    user_id: r.userId,
    source: r.source,
    generated_at: r.generatedAt?.toISOString() ?? null,
    model: r.model ?? null,
    items: r.items.map((i) => ({ item_id: i.itemId, score: i.score, source: i.source })),
  };
}

/** `?limit=&exclude_seen=` from the query string, checked. */
export function parseRecommendQuery(query: Record<string, unknown>): { limit?: number; excludeSeen?: boolean } {
  const problems: RequestProblem[] = [];
  let limit: number | undefined;
  if (query.limit !== undefined) {
    limit = /^\d+$/.test(String(query.limit)) ? Number(query.limit) : Number.NaN;
    if (!Number.isFinite(limit)) problems.push({ path: 'limit', message: `'${String(query.limit)}' is not a whole number.`, fix: 'Use e.g. limit=20.' });
  }
  let excludeSeen: boolean | undefined;
  if (query.exclude_seen !== undefined) {
    const raw = String(query.exclude_seen).toLowerCase();
    if (['true', '1'].includes(raw)) excludeSeen = true;
    else if (['false', '0'].includes(raw)) excludeSeen = false;
    else problems.push({ path: 'exclude_seen', message: `'${raw}' is not true or false.` });
  }
  for (const key of Object.keys(query)) {
    if (key !== 'limit' && key !== 'exclude_seen') problems.push({ path: key, message: `Unknown parameter '${key}'.`, fix: 'Use limit and exclude_seen.' });
  }
  if (problems.length > 0) throw new ServingRequestError(problems);
  return { limit, excludeSeen };
}
