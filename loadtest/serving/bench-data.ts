import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchRequest } from './load-generator';

/**
 * The synthetic data of the serving benchmark: one feature view of 50 typed features keyed by
 * user (a ranking model's user vector is about this wide), ENTITY_COUNT users, and a
 * recommendation list of 100 items for each of the first LIST_USERS users.
 */
export const VIEW = 'bench_user_features';
export const FEATURE_COUNT = 50;
export const ENTITY_COUNT = 2000;
export const BATCH_KEYS = 100;
export const LIST_USERS = 200;
export const LIST_ITEMS = 100;
export const SEEN_PER_USER = 5;

type Dtype = 'Float64' | 'Int64' | 'String' | 'Bool' | 'UnixTimestamp' | 'Array(Float32)';

/** 20 floats, 12 ints, 10 strings, 4 bools, 2 timestamps, 2 small embeddings: 50 in all. */
export const FEATURES: { name: string; dtype: Dtype }[] = [
  ...Array.from({ length: 20 }, (_, i) => ({ name: `f_ratio_${i}`, dtype: 'Float64' as const })),
  ...Array.from({ length: 12 }, (_, i) => ({ name: `f_count_${i}`, dtype: 'Int64' as const })),
  ...Array.from({ length: 10 }, (_, i) => ({ name: `f_label_${i}`, dtype: 'String' as const })),
  ...Array.from({ length: 4 }, (_, i) => ({ name: `f_flag_${i}`, dtype: 'Bool' as const })),
  ...Array.from({ length: 2 }, (_, i) => ({ name: `f_seen_at_${i}`, dtype: 'UnixTimestamp' as const })),
  ...Array.from({ length: 2 }, (_, i) => ({ name: `f_embedding_${i}`, dtype: 'Array(Float32)' as const })),
];
if (FEATURES.length !== FEATURE_COUNT) throw new Error(`bench view has ${FEATURES.length} features, expected ${FEATURE_COUNT}`);

export const userId = (i: number) => `bench-user-${i}`;

/**
 * Writes the definitions folder (STRATUM_FEATURES_PATH). The source is a query that is never run:
 * values arrive through POST /push, as a streaming pipeline would write them.
 */
export function writeFeatureDefinitions(dir: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'entities.yml'),
    'entities:\n  - name: user\n    join_keys: [user_id]\n    value_type: STRING\n    description: A user.\n',
  );
  const schema = FEATURES.map((f) => `      - name: ${f.name}\n        dtype: ${f.dtype}\n`).join('');
  writeFileSync(
    join(dir, `${VIEW}.yml`),
    `feature_views:\n  - name: ${VIEW}\n    description: ${FEATURE_COUNT} synthetic features for the serving benchmark.\n    entities: [user]\n    ttl: 7d\n` +
      `    source:\n      timestamp_field: feature_timestamp\n      query: SELECT * FROM marts.bench_user_features\n    schema:\n${schema}`,
  );
}

function valueOf(dtype: Dtype, entity: number, j: number): unknown {
  switch (dtype) {
    case 'Float64':
      return ((entity * 31 + j * 7) % 1000) / 997;
    case 'Int64':
      return (entity * 13 + j) % 100_000;
    case 'String':
      return `label-${(entity + j) % 17}`;
    case 'Bool':
      return (entity + j) % 2 === 0;
    case 'UnixTimestamp':
      return 1_735_689_600 + entity * 60 + j;
    case 'Array(Float32)':
      return Array.from({ length: 8 }, (_, k) => ((entity + k * j) % 64) / 64);
  }
}

/** POST /push bodies writing users [from, to), Feast's column-wise `df`. */
export function pushBody(from: number, to: number, timestamp: string): unknown {
  const df: Record<string, unknown[]> = { user_id: [], feature_timestamp: [] };
  for (const f of FEATURES) df[f.name] = [];
  for (let i = from; i < to; i++) {
    df.user_id!.push(userId(i));
    df.feature_timestamp!.push(timestamp);
    FEATURES.forEach((f, j) => df[f.name]!.push(valueOf(f.dtype, i, j)));
  }
  return { push_source_name: VIEW, df, to: 'online' };
}

/** PUT /v1/recommendations body for users [from, to). */
export function listsBody(from: number, to: number): unknown {
  const lists = [];
  for (let u = from; u < to; u++) {
    lists.push({
      user_id: userId(u),
      generated_at: new Date().toISOString(),
      model: 'bench-ranker',
      items: Array.from({ length: LIST_ITEMS }, (_, k) => ({ item_id: `item-${(u * 7 + k) % 5000}`, score: 1 - k / LIST_ITEMS })),
    });
  }
  return { lists };
}

/** Items each list user already saw (the first SEEN_PER_USER of their list), for exclude_seen. */
export function seenItems(u: number): string[] {
  return Array.from({ length: SEEN_PER_USER }, (_, k) => `item-${(u * 7 + k) % 5000}`);
}

const featureRefs = FEATURES.map((f) => `${VIEW}:${f.name}`);
const ONLINE_FEATURES_QUERY =
  'query($keys: [String!]) { onlineFeatures(featureView: "' + VIEW + '", keys: $keys) { entities features { name value status eventTimestamp } } }';
const RECOMMENDATIONS_QUERY = 'query($id: ID!) { user(id: $id) { recommendations(limit: 20) { source generatedAt model items { itemId score source } } } }';

/** The users of request i: one user, or a window of BATCH_KEYS consecutive users. */
function keysOf(i: number, width: number, pool: number): string[] {
  const windows = Math.floor(pool / width);
  const start = (i % windows) * width;
  return Array.from({ length: width }, (_, k) => userId(start + k));
}

export type Transport = 'REST' | 'GraphQL';
export type Shape = '1x50' | '100x50' | 'recs';

/**
 * The requests of a scenario, sent in turn. Consecutive requests read disjoint keys, so the 10
 * requests in flight at once never share a key (single-flight would otherwise merge cache misses).
 * `pool` users are cycled: a small pool for cache hits (all warmed), all users for misses.
 */
export function scenarioRequests(transport: Transport, shape: Shape, pool: number): BenchRequest[] {
  const width = shape === '100x50' ? BATCH_KEYS : 1;
  const count = shape === 'recs' ? Math.min(pool, LIST_USERS) : Math.floor(pool / width);
  return Array.from({ length: count }, (_, i): BenchRequest => {
    if (shape === 'recs') {
      return transport === 'REST'
        ? { method: 'GET', path: `/v1/users/${userId(i)}/recommendations?limit=20` }
        : { method: 'POST', path: '/graphql', body: { query: RECOMMENDATIONS_QUERY, variables: { id: userId(i) } } };
    }
    const keys = keysOf(i, width, pool);
    return transport === 'REST'
      ? { method: 'POST', path: '/get-online-features', body: { features: featureRefs, entities: { user_id: keys } } }
      : { method: 'POST', path: '/graphql', body: { query: ONLINE_FEATURES_QUERY, variables: { keys } } };
  });
}
