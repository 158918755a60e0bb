// k6 load scenario for feature and recommendation serving (REST): `k6 run loadtest/k6/serving.js`
// against a running server (BASE_URL=http://host:3000 to target another one; FEATURE_VIEW=… to read
// another view keyed by one entity; USERS=… entities written). setup() writes its own data first
// through the write APIs — fresh values for USERS entities via POST /push (every feature of the view,
// typed from the GraphQL catalog) and a 100-item list for the first 200 of them via
// PUT /v1/recommendations — so the run needs no materialization and reads only keys that exist.
// Then 10 VUs mix what product backends do: one entity's features (most calls), a 100-entity batch,
// and a user's recommendations. After the first pass over the keys, feature reads are cache hits;
// for misses, start the server with STRATUM_CACHE_TTL_MS=0. RATE=… replaces the closed loop of 10
// VUs by requests arriving at that many per second over at most 10 VUs (constant-arrival-rate):
// latency at a set load rather than at saturation. Thresholds are the goals; the local
// bench (`npm run bench:serving`) measures the same against a floor in one run.
import http from 'k6/http';
import { check, fail } from 'k6';

const BASE_URL = __ENV.BASE_URL || 'http://localhost:3000';
const FEATURE_VIEW = __ENV.FEATURE_VIEW || 'user_features';
const USERS = Number(__ENV.USERS || 1000);
const LIST_USERS = Math.min(200, USERS);
const BATCH = 100;
const RATE = __ENV.RATE ? Number(__ENV.RATE) : undefined;

export const options = {
  scenarios: {
    backends: RATE
      ? { executor: 'constant-arrival-rate', rate: RATE, timeUnit: '1s', duration: '30s', preAllocatedVUs: 10, maxVUs: 10 }
      : { executor: 'constant-vus', vus: 10, duration: '30s' },
  },
  thresholds: {
    http_req_failed: ['rate<0.01'],
    'http_req_duration{kind:features_1}': ['p(99)<2'],
    'http_req_duration{kind:features_100}': ['p(99)<10'],
    'http_req_duration{kind:recommendations}': ['p(99)<20'],
    checks: ['rate>0.99'],
  },
};

const JSON_HEADERS = { headers: { 'content-type': 'application/json' } };
const userId = (i) => `k6-user-${i}`;

/** A value of the feature's dtype, as POST /push accepts it (Bytes in base64, timestamps in epoch seconds). */
function sample(dtype, i) {
  const array = /^Array\((.+)\)$/.exec(dtype);
  if (array) return [sample(array[1], i), sample(array[1], i + 1)];
  switch (dtype) {
    case 'Int32':
    case 'Int64':
      return i % 1000;
    case 'Float32':
    case 'Float64':
      return (i % 997) / 10;
    case 'String':
      return `value-${i % 17}`;
    case 'Bool':
      return i % 2 === 0;
    case 'UnixTimestamp':
      return 1735689600 + i;
    case 'Bytes':
      return 'AAEC';
    default:
      fail(`feature dtype ${dtype} is not known to this script`);
  }
}

export function setup() {
  const catalog = http.post(
    `${BASE_URL}/graphql`,
    JSON.stringify({ query: '{ featureViews { name entities { joinKey } features { name valueType } timestampField } }' }),
    JSON_HEADERS,
  );
  if (catalog.status !== 200) fail(`GraphQL catalog: HTTP ${catalog.status} ${catalog.body}`);
  const view = JSON.parse(catalog.body).data.featureViews.find((v) => v.name === FEATURE_VIEW);
  if (!view) fail(`no feature view '${FEATURE_VIEW}' on ${BASE_URL}; set FEATURE_VIEW to one of the catalog's views`);
  if (view.entities.length !== 1) fail(`feature view '${FEATURE_VIEW}' has ${view.entities.length} entities; this script reads views keyed by one`);
  const joinKey = view.entities[0].joinKey;

  const now = new Date().toISOString();
  for (let from = 0; from < USERS; from += 500) {
    const df = { [joinKey]: [], [view.timestampField]: [] };
    for (const f of view.features) df[f.name] = [];
    for (let i = from; i < Math.min(USERS, from + 500); i++) {
      df[joinKey].push(userId(i));
      df[view.timestampField].push(now);
      for (const f of view.features) df[f.name].push(sample(f.valueType, i));
    }
    const res = http.post(`${BASE_URL}/push`, JSON.stringify({ push_source_name: FEATURE_VIEW, df, to: 'online' }), JSON_HEADERS);
    if (res.status !== 200) fail(`POST /push: HTTP ${res.status} ${res.body}`);
  }
  const lists = [];
  for (let u = 0; u < LIST_USERS; u++) {
    const items = [];
    for (let k = 0; k < 100; k++) items.push({ item_id: `k6-item-${(u * 7 + k) % 5000}`, score: 1 - k / 100 });
    lists.push({ user_id: userId(u), generated_at: now, model: 'k6', items });
  }
  const put = http.put(`${BASE_URL}/v1/recommendations`, JSON.stringify({ lists }), JSON_HEADERS);
  if (put.status !== 200) fail(`PUT /v1/recommendations: HTTP ${put.status} ${put.body}`);
  return { joinKey, features: view.features.map((f) => `${FEATURE_VIEW}:${f.name}`) };
}

function readFeatures(data, keys, kind) {
  const res = http.post(`${BASE_URL}/get-online-features`, JSON.stringify({ features: data.features, entities: { [data.joinKey]: keys } }), {
    ...JSON_HEADERS,
    tags: { kind },
  });
  check(res, {
    'status 200': (r) => r.status === 200,
    'every feature found': (r) => r.status === 200 && JSON.parse(r.body).results.slice(1).every((c) => c.statuses.every((s) => s !== 'NOT_FOUND')),
  });
}

export default function (data) {
  const roll = Math.random();
  if (roll < 0.7) {
    readFeatures(data, [userId(Math.floor(Math.random() * USERS))], 'features_1');
  } else if (roll < 0.8) {
    const start = Math.floor(Math.random() * Math.max(1, USERS - BATCH + 1));
    const keys = [];
    for (let k = 0; k < Math.min(BATCH, USERS); k++) keys.push(userId(start + k));
    readFeatures(data, keys, 'features_100');
  } else {
    const res = http.get(`${BASE_URL}/v1/users/${userId(Math.floor(Math.random() * LIST_USERS))}/recommendations?limit=20`, { tags: { kind: 'recommendations' } });
    check(res, {
      'status 200': (r) => r.status === 200,
      'a personalized list': (r) => r.status === 200 && JSON.parse(r.body).source !== 'popular',
    });
  }
}
