import 'reflect-metadata';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { loadConfig } from '../../src/config/app-config';
import { createApp } from '../../src/main';
import { demoDbPath, repoPath } from '../support/demo-db';
import { scratchDir } from '../support/scratch-dir';
import { FEATURE_SERVING } from '../../src/api/features/feature-serving.tokens';
import type { FeatureServing } from '../../src/features/serving/open-feature-serving';
import { LARGEST_STRING_BODY } from '../../src/api/json-body';

interface FeastResponse {
  metadata: { feature_names: string[] };
  results: { values: unknown[]; statuses: string[]; event_timestamps: string[] }[];
}
interface ErrorBody {
  error: { code: string; message: string; problems?: { path: string; message: string }[] };
}

const DAY = 86_400_000;

describe('Feast-compatible REST feature serving (embedded store, in-process cache)', () => {
  let app: NestFastifyApplication;
  let url: string;

  const post = async <T>(path: string, body: unknown): Promise<{ status: number; body: T }> => {
    const res = await fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as T };
  };
  const iso = (msAgo: number) => new Date(Date.now() - msAgo).toISOString();

  before(async () => {
    const config = loadConfig({
      STRATUM_DUCKDB_PATH: await demoDbPath(),
      STRATUM_SEMANTIC_LAYER: repoPath('semantic-layer'),
      STRATUM_ONLINE_STORE_PATH: scratchDir('stratum-serving-e2e-'),
      LOG_LEVEL: 'silent',
      STRATUM_ADMIN_TOKEN: 'test-admin-token',
      // A minute, not a second: the counts asserted below must not race the near cache's refresh on a slow machine.
      STRATUM_NEAR_CACHE_TTL_MS: '60000',
    });
    app = await createApp(config, { logger: false });
    await app.listen(0, '127.0.0.1');
    url = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
    const pushed = await post<{ rows: number }>('/push', {
      push_source_name: 'user_features',
      df: {
        user_id: ['u1', 'u2', 'u-old'],
        country: ['DE', null, 'FR'],
        user_segment: ['core', 'new', 'power'],
        lifetime_sessions: [12, 3, 99],
        feature_timestamp: [iso(DAY), iso(2 * DAY), iso(30 * DAY)],
      },
      to: 'online',
    });
    assert.equal(pushed.status, 200, JSON.stringify(pushed.body));
    assert.equal(pushed.body.rows, 3);
  });

  after(async () => {
    await app?.close();
  });

  it('answers in Feast\'s column-wise shape with PRESENT, NULL_VALUE, NOT_FOUND and OUTSIDE_MAX_AGE', async () => {
    const res = await post<FeastResponse>('/get-online-features', {
      features: ['user_features:country', 'user_features:lifetime_sessions'],
      entities: { user_id: ['u1', 'u2', 'nobody', 'u-old'] },
    });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body.metadata.feature_names, ['user_id', 'country', 'lifetime_sessions']);
    const [ids, country, sessions] = res.body.results;
    assert.deepEqual(ids!.values, ['u1', 'u2', 'nobody', 'u-old']);
    assert.deepEqual(ids!.statuses, ['PRESENT', 'PRESENT', 'PRESENT', 'PRESENT']);
    assert.deepEqual(country!.values, ['DE', null, null, null]);
    // u-old is 30 days old and the view's TTL is 7 days: not served as fresh.
    assert.deepEqual(country!.statuses, ['PRESENT', 'NULL_VALUE', 'NOT_FOUND', 'OUTSIDE_MAX_AGE']);
    assert.deepEqual(sessions!.values, [12, 3, null, null]);
    assert.deepEqual(sessions!.statuses, ['PRESENT', 'PRESENT', 'NOT_FOUND', 'OUTSIDE_MAX_AGE']);
    assert.equal(country!.event_timestamps[2], '1970-01-01T00:00:00Z');
    assert.ok(Math.abs(Date.parse(country!.event_timestamps[0]!) - (Date.now() - DAY)) < 60_000);
  });

  it('reads a feature service, with full feature names', async () => {
    const res = await post<FeastResponse>('/get-online-features', {
      feature_service: 'recommendation_ranking',
      entities: { user_id: ['u1'], content_id: ['c-none'] },
      full_feature_names: true,
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const names = res.body.metadata.feature_names;
    assert.deepEqual(names.slice(0, 2), ['user_id', 'content_id']);
    assert.ok(names.includes('user_features__user_segment'));
    assert.ok(names.includes('item_features__view_count'));
    assert.equal(res.body.results[names.indexOf('user_features__user_segment')]!.values[0], 'core');
    assert.equal(res.body.results[names.indexOf('item_features__view_count')]!.statuses[0], 'NOT_FOUND');
  });

  it('sees a push at once (the cached copy is dropped)', async () => {
    const read = () => post<FeastResponse>('/get-online-features', { features: ['user_features:user_segment'], entities: { user_id: ['u1'] } });
    assert.equal((await read()).body.results[1]!.values[0], 'core');
    const pushed = await post('/push', { push_source_name: 'user_features', df: { user_id: ['u1'], user_segment: ['power'], feature_timestamp: [iso(0)] } });
    assert.equal(pushed.status, 200);
    assert.equal((await read()).body.results[1]!.values[0], 'power');
  });

  it('serves a body too large for one string (1000 rows, non-ASCII text) as its exact UTF-8 bytes, from the store and from the cache', async () => {
    const ids = Array.from({ length: 1000 }, (_, i) => `big-${i}`);
    const countries = ids.map((_, i) => ['Zürich ✓', 'Ørsted 😀', 'DE', null][i % 4]!);
    const pushed = await post('/push', {
      push_source_name: 'user_features',
      df: { user_id: ids, country: countries, user_segment: ids.map((_, i) => `segment-${i}`), lifetime_sessions: ids.map((_, i) => i), feature_timestamp: ids.map(() => iso(DAY)) },
      to: 'online',
    });
    assert.equal(pushed.status, 200, JSON.stringify(pushed.body));
    const request = { features: ['user_features:country', 'user_features:user_segment', 'user_features:lifetime_sessions', 'user_features:age_group'], entities: { user_id: ids } };
    const serving = app.get<FeatureServing>(FEATURE_SERVING);
    for (const pass of ['store', 'cache']) {
      const res = await fetch(`${url}/get-online-features`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(request) });
      const bytes = Buffer.from(await res.arrayBuffer());
      assert.equal(res.status, 200, pass);
      assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
      const text = bytes.toString('utf8');
      // Longer than LARGEST_STRING_BODY, so sent as one Buffer: its length must be the bytes, not the characters.
      assert.ok(text.length > LARGEST_STRING_BODY && bytes.length > text.length, `${pass}: ${text.length} characters, ${bytes.length} bytes`);
      assert.equal(Number(res.headers.get('content-length')), bytes.length, pass);
      const body = JSON.parse(text) as FeastResponse;
      assert.deepEqual(body, JSON.parse(JSON.stringify(await serving.server.getOnlineFeatures(request))), pass);
      assert.deepEqual(body.results[1]!.values, countries, pass);
      assert.deepEqual(body.results[3]!.values, ids.map((_, i) => i), pass);
    }
  });

  it('refuses malformed requests with 400 and says what and where', async () => {
    const cases: [unknown, RegExp][] = [
      [{ features: ['user_featurs:country'], entities: { user_id: ['u1'] } }, /Unknown feature view 'user_featurs'.*Did you mean 'user_features'/],
      [{ features: ['user_features:contry'], entities: { user_id: ['u1'] } }, /Unknown feature of 'user_features' 'contry'.*Did you mean 'country'/],
      [{ features: ['user_features:country'], entities: { user_id: [1, { x: 1 }] } }, /entities.user_id\[1\].*not a valid 'user' key/],
      [{ features: ['user_features:country'], entities: { usr_id: ['u1'] } }, /'usr_id' is not a join key.*Did you mean 'user_id'/],
      [{ features: ['user_features:country'], entities: { user_id: Array.from({ length: 10_000 }, (_, i) => `u${i}`) } }, /10000 values; at most 1000/],
      [{ features: 'user_features:country', entities: { user_id: ['u1'] } }, /features: must be a non-empty array/],
      [{ feature_service: 'nope', entities: { user_id: ['u1'] } }, /Unknown feature service 'nope'/],
      [{ features: ['user_features:country'] }, /entities: is required/],
      [[1, 2], /must be a JSON object/],
    ];
    for (const [body, message] of cases) {
      const res = await post<ErrorBody>('/get-online-features', body);
      assert.equal(res.status, 400, JSON.stringify(body).slice(0, 80));
      assert.equal(res.body.error.code, 'INVALID_ARGUMENT');
      assert.match(res.body.error.message, message);
    }
    const malformed = await post<ErrorBody>('/get-online-features', '{"features": [');
    assert.equal(malformed.status, 400);
  });

  it('rejects a push with one bad value and writes none of it', async () => {
    const res = await post<ErrorBody>('/push', {
      push_source_name: 'user_features',
      df: { user_id: ['p1', 'p2'], lifetime_sessions: [5, 'many'], feature_timestamp: [iso(0), iso(0)] },
    });
    assert.equal(res.status, 400);
    assert.match(res.body.error.message, /lifetime_sessions.*p2/);
    const read = await post<FeastResponse>('/get-online-features', { features: ['user_features:lifetime_sessions'], entities: { user_id: ['p1', 'p2'] } });
    assert.deepEqual(read.body.results[1]!.statuses, ['NOT_FOUND', 'NOT_FOUND']);
    const unknown = await post<ErrorBody>('/push', { push_source_name: 'user_features', df: { user_id: ['p1'], contry: ['DE'], feature_timestamp: [iso(0)] } });
    assert.equal(unknown.status, 400);
    assert.match(unknown.body.error.message, /'contry' is not a column.*Did you mean 'country'/);
  });

  it('counts near-cache hits, cache hits, store reads and their time for Prometheus', async () => {
    const body = { features: ['user_features:country'], entities: { user_id: ['m1', 'm2'] } };
    const metric = async (name: string) => Number(new RegExp(`^${name}\\{[^}]*\\} (\\d+)$`, 'm').exec(await (await fetch(`${url}/metrics`)).text())?.[1]);
    const readTime = async () => {
      const text = await (await fetch(`${url}/metrics`)).text();
      const value = (suffix: string) => Number(new RegExp(`^stratum_online_store_read_duration_seconds_${suffix}\\{store="embedded"\\} (\\S+)$`, 'm').exec(text)?.[1]);
      return { sum: value('sum'), count: value('count') };
    };
    const reads = await metric('stratum_online_store_reads_total');
    const timedBefore = await readTime();
    await post('/get-online-features', body);
    assert.equal((await metric('stratum_online_store_reads_total')) - reads, 1, 'one batched store read for both keys');
    const timed = await readTime();
    assert.equal(timed.count - timedBefore.count, 1, 'the read-time summary counts the same reads');
    assert.ok(timed.sum > timedBefore.sum, `the read took time: ${timedBefore.sum} s, then ${timed.sum} s`);
    const near = await metric('stratum_feature_near_cache_hits_total');
    const shared = await metric('stratum_feature_cache_hits_total');
    await post('/get-online-features', body);
    // Within the near cache's second, "not in the store" is answered in process: no cache or store call.
    assert.equal((await metric('stratum_feature_near_cache_hits_total')) - near, 2);
    assert.equal(await metric('stratum_feature_cache_hits_total'), shared);
    assert.equal((await metric('stratum_online_store_reads_total')) - reads, 1);
  });

  const gql = async (query: string) => {
    const res = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
    return (await res.json()) as { data?: any; errors?: { message: string; extensions?: { code?: string } }[] };
  };
  const metric = async (name: string) => Number(new RegExp(`^${name}\\{[^}]*\\} (\\d+)$`, 'm').exec(await (await fetch(`${url}/metrics`)).text())?.[1]);

  it('lists feature views and services in the GraphQL catalog', async () => {
    const res = await gql('{ featureViews { name entities { name joinKey valueType } features { name valueType } timestampField ttlSeconds onlineStore version sourceKind } featureServices { name projections { featureView features } } }');
    assert.equal(res.errors, undefined);
    const user = res.data.featureViews.find((v: { name: string }) => v.name === 'user_features');
    assert.deepEqual(user.entities, [{ name: 'user', joinKey: 'user_id', valueType: 'STRING' }]);
    assert.deepEqual(user.features.find((f: { name: string }) => f.name === 'lifetime_sessions'), { name: 'lifetime_sessions', valueType: 'Int64' });
    assert.equal(user.ttlSeconds, 7 * 86400);
    assert.equal(user.onlineStore, 'embedded');
    const recent = res.data.featureViews.find((v: { name: string }) => v.name === 'user_recent_activity');
    assert.equal(recent.sourceKind, 'metric');
    const ranking = res.data.featureServices.find((s: { name: string }) => s.name === 'recommendation_ranking');
    assert.deepEqual(ranking.projections[0], { featureView: 'user_features', features: ['country', 'user_segment', 'age_group', 'lifetime_sessions'] });
  });

  it('serves onlineFeatures over GraphQL, batching every field of a request into one store read', async () => {
    const before = await metric('stratum_online_store_reads_total');
    const res = await gql(`{
      a: onlineFeatures(featureView: "user_features", keys: ["g1"]) { entities features { name value status } }
      b: onlineFeatures(featureView: "user_features", keys: ["g2", "g3"]) { entities features { name value status } }
    }`);
    assert.equal(res.errors, undefined, JSON.stringify(res.errors));
    assert.deepEqual(res.data.a[0].entities, { user_id: 'g1' });
    assert.equal(res.data.b.length, 2);
    assert.equal(res.data.b[1].features[0].status, 'NOT_FOUND');
    // Three keys from two fields: one DataLoader batch, one cache lookup, one store read.
    assert.equal((await metric('stratum_online_store_reads_total')) - before, 1);
    const known = await gql('{ onlineFeatures(featureView: "user_features", keys: ["u2"]) { features { name value status eventTimestamp } } }');
    const segment = known.data.onlineFeatures[0].features.find((f: { name: string }) => f.name === 'user_segment');
    assert.equal(segment.value, 'new');
    assert.equal(segment.status, 'PRESENT');
  });

  it('answers a bad GraphQL read with INVALID_ARGUMENT and a suggestion', async () => {
    const res = await gql('{ onlineFeatures(featureView: "user_featurez", keys: ["u1"]) { entities } }');
    assert.equal(res.errors?.[0]?.extensions?.code, 'INVALID_ARGUMENT');
    assert.match(res.errors![0]!.message, /Did you mean 'user_features'/);
  });

  describe('recommendations', () => {
    let serving: FeatureServing;
    const put = async (body: unknown) => {
      const res = await fetch(`${url}/v1/recommendations`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      return { status: res.status, body: (await res.json()) as any };
    };
    const recommend = async (user: string, query = '') => {
      const res = await fetch(`${url}/v1/users/${encodeURIComponent(user)}/recommendations${query}`);
      return { status: res.status, body: (await res.json()) as any };
    };

    before(async () => {
      serving = app.get<FeatureServing>(FEATURE_SERVING);
      const written = await put({
        lists: [
          { user_id: 'r1', generated_at: '2025-01-01T00:00:00Z', model: 'old', items: [{ item_id: 'x-old', score: 1 }] },
          {
            user_id: 'r1', generated_at: '2025-02-01T00:00:00Z', model: 'ranker-v2',
            items: [{ item_id: 'p-seen', score: 0.9 }, { item_id: 'p-gone', score: 0.8 }, { item_id: 'p-ok', score: 0.7 }],
          },
        ],
      });
      assert.equal(written.status, 200, JSON.stringify(written.body));
      await serving.userData.recordInteractions([{ userId: 'r1', itemId: 'p-seen', interactionType: 'view', at: new Date('2025-02-02T00:00:00Z') }]);
      await post('/push', { push_source_name: 'item_features', df: { content_id: ['p-gone', 'p-ok'], is_available: [false, true], feature_timestamp: [iso(0), iso(0)] } });
    });

    it('serves the newest list without seen or unavailable items, topped up with popular items', async () => {
      const popular = (await serving.popular.items()).map((i) => i.itemId);
      assert.ok(popular.length >= 3, 'the demo marts give popular items');
      const res = await recommend('r1', '?limit=3');
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.body.source, 'personalized+popular');
      assert.equal(res.body.model, 'ranker-v2');
      assert.deepEqual(res.body.items.map((i: { item_id: string }) => i.item_id), ['p-ok', ...popular.filter((p) => p !== 'p-ok').slice(0, 2)]);
      assert.deepEqual(res.body.items.map((i: { source: string }) => i.source), ['personalized', 'popular', 'popular']);
      const withSeen = await recommend('r1', '?limit=2&exclude_seen=false');
      assert.deepEqual(withSeen.body.items.map((i: { item_id: string }) => i.item_id), ['p-seen', 'p-ok']);
      assert.equal(withSeen.body.source, 'personalized');
    });

    it('answers a user without a list from popular items, and says so', async () => {
      const res = await recommend('nobody-here', '?limit=5');
      assert.equal(res.status, 200);
      assert.equal(res.body.source, 'popular');
      assert.equal(res.body.generated_at, null);
      assert.deepEqual(res.body.items.map((i: { item_id: string }) => i.item_id), (await serving.popular.items()).slice(0, 5).map((i) => i.itemId));
    });

    it('refuses bad parameters and bad lists with 400, writing nothing', async () => {
      assert.equal((await recommend('r1', '?limit=0')).status, 400);
      assert.match((await recommend('r1', '?limit=abc')).body.error.message, /limit/);
      assert.match((await recommend('r1', '?exclude_seen=maybe')).body.error.message, /exclude_seen/);
      const bad = await put({ lists: [{ user_id: 'r2', generated_at: '2025-01-01T00:00:00Z', items: [{ item_id: 'a', score: 1 }] }, { user_id: 'r3', generated_at: 'soon', items: [{ item_id: 'a', score: 'high' }] }] });
      assert.equal(bad.status, 400);
      assert.match(bad.body.error.message, /lists\[1\].*generated_at/);
      assert.match(bad.body.error.message, /score must be a finite number/);
      assert.equal((await recommend('r2')).body.source, 'popular', 'the valid list of the call was not written either');
    });

    it('resolves user(id) fields through loaders, and erases a user everywhere, idempotently', async () => {
      await serving.userData.writePreferences([{ userId: 'r1', preferenceVector: [0.5, 0.25], lastInteractionAt: null, recommendationSettings: { diversity: 'high' }, versionId: 3 }]);
      await post('/push', { push_source_name: 'user_features', df: { user_id: ['r1'], country: ['NL'], feature_timestamp: [iso(0)] } });
      const query = '{ a: user(id: "r1") { id preferences { preferenceVector recommendationSettings versionId } recommendations(limit: 1) { source items { itemId source } } features(featureViews: ["user_features"]) { name value status } } b: user(id: "r-none") { preferences { versionId } recommendations(limit: 1) { source } } }';
      const res = await gql(query);
      assert.equal(res.errors, undefined, JSON.stringify(res.errors));
      assert.deepEqual(res.data.a.preferences, { preferenceVector: [0.5, 0.25], recommendationSettings: { diversity: 'high' }, versionId: 3 });
      assert.deepEqual(res.data.a.recommendations, { source: 'personalized', items: [{ itemId: 'p-ok', source: 'personalized' }] });
      assert.deepEqual(res.data.a.features.find((f: { name: string }) => f.name === 'user_features__country'), { name: 'user_features__country', value: 'NL', status: 'PRESENT' });
      assert.equal(res.data.b.preferences, null);
      assert.equal(res.data.b.recommendations.source, 'popular');

      const erase = async (auth?: string) => {
        const r = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...(auth ? { authorization: auth } : {}) }, body: JSON.stringify({ query: 'mutation { eraseUser(id: "r1") { userId featureViews userDataRemoved } }' }) });
        return (await r.json()) as any;
      };
      assert.equal((await erase()).errors[0].extensions.code, 'UNAUTHENTICATED');
      const first = await erase("Bearer test-admin-token");
      assert.equal(first.errors, undefined, JSON.stringify(first.errors));
      assert.deepEqual(first.data.eraseUser, { userId: 'r1', featureViews: ['user_features', 'user_recent_activity'], userDataRemoved: true });
      const after = await gql(query);
      assert.equal(after.data.a.preferences, null);
      assert.equal(after.data.a.recommendations.source, 'popular');
      assert.equal(after.data.a.features.find((f: { name: string }) => f.name === 'user_features__country').status, 'NOT_FOUND');
      assert.equal((await erase('Bearer test-admin-token')).data.eraseUser.userDataRemoved, false);
    });
  });
});
