/**
 * The serving commands as a user runs them (the real CLI, as a child process): `online-store init`
 * against the Bigtable emulator, `spanner migrate` against the Spanner emulator, `users erase` on
 * the embedded stores with the cache in a real Redis, and `recommendations load` from the demo
 * marts and from a table. What the CLI wrote is then read back in-process through the stores.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DuckDBInstance } from '@duckdb/node-api';
import { loadConfig, type AppConfig, type BigtableStoreSettings, type SpannerStoreSettings } from '../../src/config/app-config';
import { RedisFeatureCache } from '../../src/features/cache/redis-feature-cache';
import { BigtableOnlineStore } from '../../src/features/online-store/bigtable/bigtable-online-store';
import { EmbeddedOnlineStore } from '../../src/features/online-store/embedded/embedded-online-store';
import { BigtableRecommendationStore } from '../../src/features/recommendations/bigtable/bigtable-recommendation-store';
import { EmbeddedRecommendationStore } from '../../src/features/recommendations/embedded/embedded-recommendation-store';
import { FeatureReadPath } from '../../src/features/serving/feature-read-path';
import type { FeatureRegistry } from '../../src/features/serving/feature-registry';
import { EmbeddedUserDataStore } from '../../src/features/users/embedded/embedded-user-data-store';
import { SpannerUserDataStore } from '../../src/features/users/spanner/spanner-user-data-store';
import { loadServingRegistry } from '../../src/cli/serving-runtime';
import { demoDbPath } from '../support/demo-db';
import { prepareEmulatorEnvironment, startBigtableEmulator, startRedis, startSpannerEmulator, type RealServer } from '../support/real-servers';
import { CLI, queryDuckDb, tempDir } from './cli-harness';

prepareEmulatorEnvironment();

/** Settings the CLI must take from the env each test passes, never from this process's environment. */
const SERVING_VARIABLES = /^(STRATUM_|BIGTABLE_|SPANNER_|REDIS_URL$|GOOGLE_CLOUD_PROJECT$|LOG_LEVEL$)/;

function baseEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !SERVING_VARIABLES.test(k)));
}

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `stratum …args` without blocking this process (the emulators this process started keep
 * writing to their pipes meanwhile, and spawnSync would stall them on a full pipe).
 */
function stratum(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { ...baseEnv(), ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('error', reject);
    child.once('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/** The config and feature views as the CLI loads them from the same variables. */
function inProcess(env: NodeJS.ProcessEnv): { config: AppConfig; registry: FeatureRegistry } {
  const config = loadConfig({ ...baseEnv(), ...env });
  return { config, registry: loadServingRegistry(config) };
}

describe('stratum serving commands: help and argument errors', () => {
  it('documents every command with options and examples', async () => {
    const cases: [string[], string[]][] = [
      [['online-store', 'init', '--help'], ['Usage: stratum online-store init [options]', 'Examples:', 'BIGTABLE_EMULATOR_HOST=127.0.0.1:8086', 'stratum_recommendations', 'running it again creates nothing']],
      [['spanner', 'migrate', '--help'], ['Usage: stratum spanner migrate [options]', '--dry-run', 'Examples:', 'STRATUM_USER_DATA_STORE=spanner', 'bump the view\'s version']],
      [['users', 'erase', '--help'], ['Usage: stratum users erase [options] <id>', '-y, --yes', 'Examples:', 'REDIS_URL', 'idempotent']],
      [['recommendations', 'load', '--help'], ['Usage: stratum recommendations load [options]', '--table <name>', '--query <sql>', '--demo', '--batch-size <n>', 'Examples:', 'user_id, item_id, score, generated_at']],
    ];
    const helps = await Promise.all(cases.map(([args]) => stratum(args)));
    cases.forEach(([args, texts], i) => {
      assert.equal(helps[i]!.status, 0, helps[i]!.stderr);
      for (const text of texts) assert.ok(helps[i]!.stdout.includes(text), `${args.join(' ')} lacks ${text}`);
    });
    const top = await stratum(['--help']);
    for (const command of ['online-store', 'spanner', 'users', 'recommendations']) assert.match(top.stdout, new RegExp(`^  ${command} `, 'm'));
  });

  it('refuses a missing or malformed argument before touching any store', async () => {
    const store = join(tempDir('serving-args'), 'store');
    const env = { STRATUM_ONLINE_STORE_PATH: store };
    const cases: [string[], RegExp][] = [
      [['users', 'erase'], /error: missing required argument 'id'/],
      [['users', 'erase', 'x'.repeat(37), '--yes'], /^error \[INVALID_ARGUMENT\]: 'x{37}' is not a user id: user ids are 1–36 characters\./],
      [['users', 'erase', 'u1'], /^error \[CONFIRMATION_REQUIRED\]: Refusing to erase user 'u1' without confirmation: standard input is not a terminal\. Add --yes/],
      [['recommendations', 'load'], /^error \[INVALID_ARGUMENT\]: Say where the lists come from: --table <schema\.table>, --query <sql>, or --demo/],
      [['recommendations', 'load', '--table', 'marts.recs', '--demo'], /^error \[INVALID_ARGUMENT\]: Give one source, not --table and --demo\./],
      [['recommendations', 'load', '--table', 'marts.recs; DROP TABLE marts.recs'], /^error \[INVALID_TABLE_NAME\]: --table 'marts\.recs; DROP TABLE marts\.recs' is not a table name\. Use table, schema\.table or project\.dataset\.table/],
      [['recommendations', 'load', '--table', 'a.b.c.d'], /^error \[INVALID_TABLE_NAME\]/],
      [['recommendations', 'load', '--table', '"marts"."recs"'], /^error \[INVALID_TABLE_NAME\]/],
      [['recommendations', 'load', '--query', '  '], /^error \[INVALID_ARGUMENT\]: --query is empty/],
      [['recommendations', 'load', '--demo', '--batch-size', '0'], /option '--batch-size <n>' argument '0' is invalid\. --batch-size must be at least 1\./],
      [['spanner', 'migrate'], /^error \[SPANNER_NOT_CONFIGURED\]: No Spanner database is configured .*STRATUM_USER_DATA_STORE=spanner.*SPANNER_INSTANCE and SPANNER_DATABASE.*SPANNER_EMULATOR_HOST/],
    ];
    const results = await Promise.all(cases.map(([args]) => stratum(args, env)));
    for (const [i, [args, message]] of cases.entries()) {
      const result = results[i]!;
      assert.equal(result.status, 1, `${args.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr, message, args.join(' '));
      assert.equal(result.stdout, '', args.join(' '));
    }
    assert.equal(existsSync(store) && readdirSync(store).length > 0, false, 'nothing may be written');
  });

  it('says fast that an emulator is not listening', async () => {
    const result = await stratum(['online-store', 'init'], { STRATUM_ONLINE_STORE: 'bigtable', BIGTABLE_EMULATOR_HOST: '127.0.0.1:1', BIGTABLE_INSTANCE: 'test-instance' });
    assert.equal(result.status, 1);
    assert.match(result.stderr, /^error \[STORE_UNAVAILABLE\]: Cannot reach the Bigtable instance 'test-instance' of project 'stratum-local' \(emulator at 127\.0\.0\.1:1\): .*Start the emulator, or point BIGTABLE_EMULATOR_HOST at it/);
  });
});

describe('stratum online-store init (Bigtable emulator)', () => {
  let emulator: RealServer;
  let env: NodeJS.ProcessEnv;
  before(async () => {
    emulator = await startBigtableEmulator();
    env = { STRATUM_ONLINE_STORE: 'bigtable', BIGTABLE_EMULATOR_HOST: emulator.host, BIGTABLE_INSTANCE: 'test-instance', STRATUM_ONLINE_STORE_PATH: join(tempDir('init'), 'store') };
  });
  after(async () => {
    await emulator?.stop();
  });

  it('creates the tables and families once; a second run creates nothing; the stores then read and write', async () => {
    const { config, registry } = inProcess(env);
    const settings = config.serving.onlineStore as BigtableStoreSettings;
    const view = registry.view('user_features')!;
    const before = BigtableOnlineStore.open(settings);
    await assert.rejects(before.read(view, ['u1']), { name: 'BigtableSchemaError' }, 'the table must not exist before init');
    await before.close();

    const first = await stratum(['online-store', 'init'], env);
    assert.equal(first.status, 0, first.stderr);
    assert.match(first.stdout, /^Bigtable instance 'test-instance' of project 'stratum-local' \(emulator at 127\.0\.0\.1:\d+\):$/m);
    assert.match(
      first.stdout,
      /^ {2}created {2}table stratum_features with 3 column families: item_features\.v1 \(item_features\), user_features\.v1 \(user_features\), user_recent_activity\.v1 \(user_recent_activity\)$/m,
    );
    assert.match(first.stdout, /^ {2}created {2}table stratum_recommendations with 1 column family: rec \(recommendation lists\)$/m);
    assert.match(first.stdout, /^Done: the stores are ready/m);

    const second = await stratum(['online-store', 'init'], env);
    assert.equal(second.status, 0, second.stderr);
    assert.doesNotMatch(second.stdout, /created/);
    assert.match(second.stdout, /^ {2}exists {3}table stratum_features with every column family \(item_features\.v1, user_features\.v1, user_recent_activity\.v1\)$/m);
    assert.match(second.stdout, /^ {2}exists {3}table stratum_recommendations with every column family \(rec\)$/m);
    assert.match(second.stdout, /^Nothing to create: everything already exists\.$/m);

    const store = BigtableOnlineStore.open(settings);
    const recommendations = BigtableRecommendationStore.open(settings);
    try {
      const eventTimestamp = new Date('2024-06-30T12:00:00Z');
      await store.write(view, [{ entityKey: 'u1', values: { country: 'BR', lifetime_sessions: 7 }, eventTimestamp }]);
      const [row] = await store.read(view, ['u1']);
      assert.equal(row?.values.country, 'BR');
      assert.equal(row?.values.lifetime_sessions, 7);
      await recommendations.writeLists([{ userId: 'u1', items: [{ itemId: 'p1', score: 0.9 }], generatedAt: eventTimestamp }]);
      const [list] = await recommendations.readLatest(['u1']);
      assert.deepEqual(list?.items, [{ itemId: 'p1', score: 0.9 }]);
    } finally {
      await store.close();
      await recommendations.close();
    }
  });
});

describe('stratum spanner migrate (Spanner emulator)', () => {
  let emulator: RealServer;
  let env: NodeJS.ProcessEnv;
  before(async () => {
    emulator = await startSpannerEmulator();
    env = { STRATUM_ONLINE_STORE: 'spanner', SPANNER_EMULATOR_HOST: emulator.host, SPANNER_INSTANCE: 'test-instance', SPANNER_DATABASE: 'serving', STRATUM_ONLINE_STORE_PATH: join(tempDir('spanner'), 'store') };
  });
  after(async () => {
    await emulator?.stop();
  });

  it('prints the DDL with --dry-run, applies it once, and finds nothing to do the second time', async () => {
    const dry = await stratum(['spanner', 'migrate', '--dry-run'], env);
    assert.equal(dry.status, 0, dry.stderr);
    const statements = dry.stdout.split('\n').filter((line) => /^CREATE (TABLE|INDEX) /.test(line)).map((line) => /^CREATE (?:TABLE|INDEX) `?(\w+)/.exec(line)![1]);
    assert.deepEqual(statements, ['StratumMaterialization', 'fv_item_features_v1', 'fv_user_features_v1', 'fv_user_recent_activity_v1', 'UserPreferences', 'UserInteractions', 'idx_interactions_by_item']);
    assert.match(dry.stdout, /INTERLEAVE IN PARENT UserPreferences ON DELETE CASCADE;/);

    const first = await stratum(['spanner', 'migrate'], env);
    assert.equal(first.status, 0, first.stderr);
    assert.match(first.stdout, /^Spanner database 'serving' of instance 'test-instance', project 'stratum-local' \(emulator at 127\.0\.0\.1:\d+\):$/m);
    const created = [...first.stdout.matchAll(/^ {2}created {2}(table|index) (\w+)$/gm)].map((m) => m[2]);
    assert.deepEqual(created, statements, 'migrate creates what the dry run printed, and the dry run created nothing');
    assert.match(first.stdout, /^Applied 7 DDL statements in one schema update\.$/m);

    const second = await stratum(['spanner', 'migrate'], env);
    assert.equal(second.status, 0, second.stderr);
    assert.doesNotMatch(second.stdout, /created/);
    assert.equal([...second.stdout.matchAll(/^ {2}exists {3}/gm)].length, 7);
    assert.match(second.stdout, /^Nothing to apply: the Spanner schema is up to date\.$/m);

    const { config } = inProcess(env);
    const userData = SpannerUserDataStore.open(config.serving.userDataStore as SpannerStoreSettings);
    try {
      await userData.recordInteractions([{ userId: 'u1', itemId: 'p1', interactionType: 'view', at: new Date('2024-06-30T12:00:00Z') }]);
      assert.deepEqual(await userData.readInteractedItems(['u1']), [['p1']]);
    } finally {
      await userData.close();
    }
  });
});

describe('stratum users erase (embedded stores, Redis cache)', () => {
  let redis: RealServer;
  let env: NodeJS.ProcessEnv;
  let dir: string;
  before(async () => {
    redis = await startRedis();
    dir = join(tempDir('erase'), 'store');
    env = { STRATUM_ONLINE_STORE_PATH: dir, REDIS_URL: `redis://${redis.host}` };
  });
  after(async () => {
    await redis?.stop();
  });

  it('removes the user from the feature views, the shared cache, the lists and the user data; a second erase removes nothing', async () => {
    const { config, registry } = inProcess(env);
    const userViews = registry.viewsOfEntity('user');
    const view = registry.view('user_features')!;
    const at = new Date('2024-06-30T12:00:00Z');
    const users = ['u1', 'u2'];

    // Data for two users, and u1's row in the cache as a server reading it would have put it there.
    const store = await EmbeddedOnlineStore.open(dir);
    await store.write(view, users.map((entityKey) => ({ entityKey, values: { country: 'BR' }, eventTimestamp: at })));
    const cache = RedisFeatureCache.connect(config.serving.cache.kind === 'redis' ? config.serving.cache.url : '');
    await cache.waitUntilReady(5000);
    const readPath = new FeatureReadPath(store, cache, { storeName: 'embedded', timeoutMs: 1000, ttlMs: () => 60_000, negativeTtlMs: 0 });
    const reader = readPath.cached;
    for (const user of users) assert.equal((await readPath.read(view, [user]))[0]!.row?.values.country, 'BR');
    await reader.whenIdle();
    const cached = () => cache.mget(users.map((u) => `${FeatureReadPath.namespace(view)}:${u}`));
    assert.ok((await cached()).every((hit) => hit !== undefined), 'both rows are cached before the erase');
    await store.close();
    const lists = await EmbeddedRecommendationStore.open(dir);
    await lists.writeLists(users.map((userId) => ({ userId, items: [{ itemId: 'p1', score: 1 }], generatedAt: at })));
    await lists.close();
    const userData = await EmbeddedUserDataStore.open(dir);
    await userData.recordInteractions(users.map((userId) => ({ userId, itemId: 'p9', interactionType: 'view', at })));
    await userData.close();

    try {
      const first = await stratum(['users', 'erase', 'u1', '--yes'], env);
      assert.equal(first.status, 0, first.stderr);
      assert.match(first.stdout, /^Erased user 'u1' at \d{4}-\d\d-\d\dT[\d:.]+Z:$/m);
      assert.deepEqual(userViews.map((v) => v.name), ['user_features', 'user_recent_activity']);
      assert.match(first.stdout, /^ {2}feature views {5}user_features \(removed\), user_recent_activity \(nothing stored\)$/m);
      assert.match(first.stdout, /^ {2}cached rows {7}cleared in Redis$/m);
      assert.match(first.stdout, /^ {2}recommendations {3}removed$/m);
      assert.match(first.stdout, /^ {2}user data {9}removed \(UserPreferences and UserInteractions\)$/m);
      assert.match(first.stdout, /^User 'u1' is erased from every store\.$/m);
      assert.match(first.stderr, /^\S+Z INFO stratum users erase: GDPR erase of user u1: feature views user_features, user_recent_activity, user data removed, recommendations deleted$/m);

      const [u1Cached, u2Cached] = await cached();
      assert.equal(u1Cached, undefined, "u1's cached row is gone from Redis");
      assert.notEqual(u2Cached, undefined, "u2's cached row stays");

      const storeAfter = await EmbeddedOnlineStore.open(dir);
      const listsAfter = await EmbeddedRecommendationStore.open(dir);
      const userDataAfter = await EmbeddedUserDataStore.open(dir);
      try {
        assert.deepEqual((await storeAfter.read(view, users)).map((r) => r?.entityKey), [undefined, 'u2']);
        assert.deepEqual((await listsAfter.readLatest(users)).map((l) => l?.userId), [undefined, 'u2']);
        assert.deepEqual(await userDataAfter.readInteractedItems(users), [[], ['p9']]);
        assert.deepEqual((await userDataAfter.readPreferences(users)).map((p) => p?.userId), [undefined, 'u2']);
      } finally {
        await Promise.all([storeAfter.close(), listsAfter.close(), userDataAfter.close()]);
      }

      const second = await stratum(['users', 'erase', 'u1', '--yes'], { ...env, LOG_LEVEL: 'silent' });
      assert.equal(second.status, 0, second.stderr);
      assert.match(second.stdout, /^ {2}feature views {5}user_features \(nothing stored\), user_recent_activity \(nothing stored\)$/m);
      assert.match(second.stdout, /^ {2}recommendations {3}none stored$/m);
      assert.match(second.stdout, /^ {2}user data {9}none stored$/m);
      assert.match(second.stdout, /^Nothing was stored for user 'u1': nothing removed\.$/m);
      assert.equal(second.stderr, '', 'LOG_LEVEL=silent keeps stderr quiet');
    } finally {
      await cache.close();
    }
  });

  it('erases nothing when Redis cannot be reached, since the cached rows would outlive the erase', async () => {
    const down = await stratum(['users', 'erase', 'u2', '--yes'], { ...env, REDIS_URL: 'redis://127.0.0.1:1' });
    assert.equal(down.status, 1);
    assert.match(down.stderr, /^error \[CACHE_UNAVAILABLE\]: Cannot reach Redis at 127\.0\.0\.1:1 \(REDIS_URL\): connect ECONNREFUSED 127\.0\.0\.1:1\. An erase must delete the user's cached rows too, so nothing was erased\.$/m);
    const userData = await EmbeddedUserDataStore.open(dir);
    try {
      assert.deepEqual(await userData.readInteractedItems(['u2']), [['p9']]);
    } finally {
      await userData.close();
    }
  });
});

describe('stratum recommendations load', () => {
  let db: string;
  before(async () => {
    db = await demoDbPath();
  });

  it('--demo writes each user\'s top unseen posts of their favourite category, as a hand-written query finds them', async () => {
    const dir = join(tempDir('recs-demo'), 'store');
    // Small pages and batches, so paging and batching are exercised on the small demo marts.
    const result = await stratum(['recommendations', 'load', '--demo', '--batch-size', '70', '--page-users', '200'], { STRATUM_DUCKDB_PATH: db, STRATUM_ONLINE_STORE_PATH: dir });
    assert.equal(result.status, 0, result.stderr);
    const loaded = /^Loaded (\d+) recommendation lists \((\d+) items\) from the demo marts into the embedded store .+, in (\d+) batches/m.exec(result.stdout);
    assert.ok(loaded, result.stdout);
    const [lists, items, batches] = loaded.slice(1).map(Number) as [number, number, number];
    const [[usersWithEvents]] = (await queryDuckDb(db, 'SELECT COUNT(DISTINCT user_id) FROM marts.fct_user_engagement WHERE content_id IS NOT NULL')) as [[number]];
    assert.ok(lists > 0.8 * usersWithEvents && lists <= usersWithEvents, `${lists} lists for ${usersWithEvents} users`);
    assert.ok(items <= lists * 20 && items > lists * 10);
    assert.ok(batches >= Math.ceil(lists / 70), `${batches} batches`);

    // The users with the most interactions (their lists skip the most posts), and the first ids.
    const picked = (await queryDuckDb(
      db,
      `(SELECT user_id FROM marts.fct_user_engagement WHERE content_id IS NOT NULL GROUP BY user_id ORDER BY COUNT(*) DESC, user_id LIMIT 3)
       UNION ALL (SELECT DISTINCT user_id FROM marts.fct_user_engagement ORDER BY user_id LIMIT 3)`,
    )).map(([id]) => String(id));
    const [[newest]] = (await queryDuckDb(db, "SELECT strftime(MAX(event_timestamp), '%Y-%m-%dT%H:%M:%S.%gZ') FROM marts.fct_user_engagement")) as [[string]];
    const store = await EmbeddedRecommendationStore.open(dir);
    try {
      const read = await store.readLatest(picked);
      for (const [i, user] of picked.entries()) {
        const expected = await queryDuckDb(
          db,
          `WITH totals AS (
             SELECT content_id, SUM(interaction_count) AS total FROM marts.fct_user_engagement WHERE content_id IS NOT NULL GROUP BY content_id
           ), favourite AS (
             SELECT c.category FROM marts.fct_user_engagement e JOIN marts.dim_content c ON c.content_id = e.content_id
             WHERE e.user_id = '${user}' GROUP BY c.category ORDER BY SUM(e.interaction_count) DESC, c.category LIMIT 1
           )
           SELECT c.content_id, CAST(t.total AS DOUBLE) FROM marts.dim_content c JOIN totals t ON t.content_id = c.content_id
           WHERE c.category = (SELECT category FROM favourite) AND c.is_available
             AND c.content_id NOT IN (SELECT content_id FROM marts.fct_user_engagement WHERE user_id = '${user}' AND content_id IS NOT NULL)
           ORDER BY t.total DESC, c.content_id LIMIT 20`,
        );
        const list = read[i];
        if (expected.length === 0) {
          assert.equal(list, undefined, `${user} has no candidates`);
          continue;
        }
        assert.deepEqual(list?.items.map((it) => [it.itemId, it.score]), expected, `list of ${user}`);
        assert.equal(list?.generatedAt.toISOString(), newest);
        assert.equal(list?.model, 'demo-favourite-category');
      }
    } finally {
      await store.close();
    }
  });

  it('--table ranks each user\'s rows, keeps an item once and the top 100, and reports what it left out', async () => {
    const work = tempDir('recs-table');
    const file = join(work, 'warehouse.duckdb');
    const instance = await DuckDBInstance.create(file);
    const connection = await instance.connect();
    await connection.run(`
      CREATE SCHEMA ml;
      CREATE TABLE ml.user_recs AS
        SELECT 'a' AS user_id, 'i' || i AS item_id, i * 1.5 AS score, TIMESTAMP '2024-06-01 10:00:00' AS generated_at, 'm1' AS model FROM range(1, 121) r(i)
        UNION ALL SELECT 'b', 'x', 1.0, TIMESTAMP '2024-06-01 10:00:00', NULL
        UNION ALL SELECT 'b', 'x', 5.0, TIMESTAMP '2024-06-02 10:00:00', NULL
        UNION ALL SELECT 'b', 'y', 3.0, TIMESTAMP '2024-06-01 10:00:00', NULL;
      CREATE TABLE ml.bad_recs AS SELECT 'c' AS user_id, 'z' AS item_id, NULL::DOUBLE AS score, TIMESTAMP '2024-06-01' AS generated_at;`);
    connection.closeSync();
    instance.closeSync();

    const dir = join(work, 'store');
    const env = { STRATUM_DUCKDB_PATH: file, STRATUM_ONLINE_STORE_PATH: dir };
    const result = await stratum(['recommendations', 'load', '--table', 'ml.user_recs', '--batch-size', '1'], env);
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /^Loaded 2 recommendation lists \(102 items\) from table ml\.user_recs into the embedded store .+, in 2 batches/m);
    assert.match(result.stdout, /^note: 21 rows left out: repeats of an item in a user's rows, or beyond a user's top 100\.$/m);
    const store = await EmbeddedRecommendationStore.open(dir);
    try {
      const [a, b] = await store.readLatest(['a', 'b']);
      assert.equal(a?.items.length, 100);
      assert.deepEqual(a?.items.slice(0, 2), [{ itemId: 'i120', score: 180 }, { itemId: 'i119', score: 178.5 }]);
      assert.deepEqual(a?.items.at(-1), { itemId: 'i21', score: 31.5 });
      assert.equal(a?.model, 'm1');
      assert.deepEqual(b?.items, [{ itemId: 'x', score: 5 }, { itemId: 'y', score: 3 }]);
      assert.equal(b?.generatedAt.toISOString(), '2024-06-02T10:00:00.000Z');
      assert.equal(b?.model, undefined);
    } finally {
      await store.close();
    }

    const nulls = await stratum(['recommendations', 'load', '--table', 'ml.bad_recs'], env);
    assert.equal(nulls.status, 1);
    assert.match(nulls.stderr, /^error \[INVALID_SOURCE\]: 1 of 1 rows of table ml\.bad_recs have a NULL user_id, item_id, score or generated_at; nothing was written\./);
    const shape = await stratum(['recommendations', 'load', '--query', 'SELECT user_id, item_id FROM ml.user_recs'], env);
    assert.equal(shape.status, 1);
    assert.match(shape.stderr, /^error \[INVALID_SOURCE\]: The --query has no columns score, generated_at \(columns: user_id, item_id\)\./);
    const missing = await stratum(['recommendations', 'load', '--table', 'ml.nope'], env);
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /^error \[WAREHOUSE_ERROR\]: Reading table ml\.nope failed: .*nope/);
  });
});
