/**
 * Materialization against the real demo DuckDB warehouse and real embedded online stores in temp
 * folders: every demo view lands with the values a hand-written query computes, re-running changes
 * nothing, incremental runs write only what is newer, writes stay within the concurrency limit, and
 * a CLI run killed mid-view leaves the watermark where it was until a re-run completes the view.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildLatestRowsSql, Materializer, type WarehouseFeatureView } from '../../src/features/materialize';
import { EmbeddedOnlineStore } from '../../src/features/online-store/embedded/embedded-online-store';
import { OnlineStore, type OnlineRow, type StoredRow } from '../../src/features/online-store/online-store';
import { plainRow } from './online-store-contract';
import { loadFeatureDefinitions, parseFeatureDefinitionFiles, type FeatureManifest, type FeatureView } from '../../src/features/spec';
import { dialectByName, SemanticEngine, type SqlDialect } from '../../src/semantic';
import type { DuckDbWarehouse } from '../../src/warehouse/duckdb/duckdb-warehouse';
import { typeEngineFromWarehouse } from '../../src/warehouse/typed-engine';
import { CLI } from '../cli/cli-harness';
import { demoDbPath, demoWarehouse, repoPath } from '../support/demo-db';

const END = new Date('2024-07-01T00:00:00Z');
/** Middle of the demo's history: 732 of its 1000 users have a feature_timestamp at or after it. */
const MIDDLE = new Date('2024-06-01T00:00:00Z');

/** The real store, counting write calls, rows written and the most calls in flight at once. */
class CountingStore extends OnlineStore {
  writes = 0;
  rowsWritten = 0;
  inFlight = 0;
  maxInFlight = 0;
  constructor(private readonly inner: OnlineStore) {
    super();
  }
  override async write(view: FeatureView, rows: readonly OnlineRow[]): Promise<void> {
    this.writes++;
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      await this.inner.write(view, rows);
      this.rowsWritten += rows.length;
    } finally {
      this.inFlight--;
    }
  }
  override read(view: FeatureView, keys: readonly string[]): Promise<(StoredRow | undefined)[]> {
    return this.inner.read(view, keys);
  }
  override delete(view: FeatureView, keys: readonly string[]): Promise<void> {
    return this.inner.delete(view, keys);
  }
  override readWatermark(view: FeatureView): Promise<Date | undefined> {
    return this.inner.readWatermark(view);
  }
  override writeWatermark(view: FeatureView, watermark: Date): Promise<void> {
    return this.inner.writeWatermark(view, watermark);
  }
  override close(): Promise<void> {
    return this.inner.close();
  }
}

describe('materialize the demo feature views', () => {
  let warehouse: DuckDbWarehouse;
  let engine: SemanticEngine;
  let manifest: FeatureManifest;
  const dirs: string[] = [];
  const stores: OnlineStore[] = [];
  /** Every entity key of the demo: users and posts. */
  let keys: Record<string, string[]>;
  /** The state after one clean full run to END, per view. */
  let clean: Record<string, string[]>;

  const view = (name: string): FeatureView => {
    const found = manifest.featureViews.find((v) => v.name === name);
    assert.ok(found, name);
    return found;
  };
  const newDir = (): string => {
    const dir = mkdtempSync(join(tmpdir(), 'stratum-materialize-'));
    dirs.push(dir);
    return dir;
  };
  const openStore = async (dir = newDir()): Promise<EmbeddedOnlineStore> => {
    const store = await EmbeddedOnlineStore.open(dir);
    stores.push(store);
    return store;
  };
  const materializer = (store: OnlineStore) => new Materializer({ warehouse, store, engine });
  const keysOf = (v: FeatureView) => keys[v.joinKeys[0]!]!;

  /** A view's whole stored state, comparable with deepEqual. */
  const state = async (store: OnlineStore, v: FeatureView): Promise<string[]> =>
    (await store.read(v, keysOf(v))).filter((r) => r !== undefined).map((r) => JSON.stringify(r));

  before(async () => {
    warehouse = await demoWarehouse();
    const definitions = SemanticEngine.load(repoPath('semantic-layer'));
    manifest = loadFeatureDefinitions(repoPath('semantic-layer', 'features'), definitions);
    engine = (await typeEngineFromWarehouse(definitions, warehouse)).engine;
    const column = async (sql: string) => (await warehouse.execute(sql, {})).rows.map((r) => String(r[0]));
    keys = {
      user_id: await column('SELECT user_id FROM marts.dim_users_current ORDER BY 1'),
      content_id: await column('SELECT content_id FROM marts.dim_content ORDER BY 1'),
    };
  });
  after(async () => {
    for (const store of stores) await store.close().catch(() => undefined);
    await warehouse.close();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('materializes every demo view to END: counts, batches, watermarks', async () => {
    const store = await openStore();
    const results = await materializer(store).materialize(manifest.featureViews, { end: END, batchSize: 400 });
    assert.deepEqual(results.map((r) => r.view), manifest.featureViews.map((v) => v.name));
    const expectedRows: Record<string, number> = { user_features: 1000, item_features: keys.content_id!.length };
    clean = {};
    for (const r of results) {
      const v = view(r.view);
      assert.ok(r.rows > 0, r.view);
      if (expectedRows[r.view] !== undefined) assert.equal(r.rows, expectedRows[r.view], r.view);
      assert.equal(r.batches, Math.ceil(r.rows / 400), r.view);
      assert.deepEqual(r.watermark, END, r.view);
      assert.deepEqual(await store.readWatermark(v), END, r.view);
      clean[r.view] = await state(store, v);
      assert.equal(clean[r.view]!.length, r.rows, `${r.view}: every written row reads back`);
    }
  });

  it('stores what a hand-written arg_max query says is each user\'s latest row before the end', async () => {
    const v = view('user_features');
    assert.equal(v.source.kind, 'query');
    if (v.source.kind !== 'query') return;
    const store = await openStore();
    const [result] = await materializer(store).materialize([v], { end: MIDDLE });
    // A different formulation from the materializer's ROW_NUMBER: arg_max per user, times as epoch ms.
    const expected = await warehouse.execute(
      `SELECT user_id,
              CAST(epoch_ms(arg_max(CAST(signup_date AS TIMESTAMP), feature_timestamp)) AS DOUBLE) / 1000 AS signup_date,
              arg_max(country, feature_timestamp) AS country,
              arg_max(user_segment, feature_timestamp) AS user_segment,
              arg_max(age_group, feature_timestamp) AS age_group,
              CAST(arg_max(lifetime_sessions, feature_timestamp) AS DOUBLE) AS lifetime_sessions,
              CAST(arg_max(lifetime_session_seconds, feature_timestamp) AS DOUBLE) AS lifetime_session_seconds,
              CAST(epoch_ms(arg_max(last_session_at, feature_timestamp)) AS DOUBLE) / 1000 AS last_session_at,
              CAST(epoch_ms(max(feature_timestamp)) AS DOUBLE) AS event_ms
       FROM (${v.source.query}) AS q
       WHERE feature_timestamp < TIMESTAMP '2024-06-01 00:00:00'
       GROUP BY user_id
       ORDER BY user_id`,
      {},
    );
    assert.equal(result!.rows, expected.rows.length);
    assert.equal(expected.rows.length, 1000 - 732, 'the window leaves out users whose only row is newer');
    const stored = await store.read(v, keysOf(v));
    const byKey = new Map(stored.filter((r) => r !== undefined).map((r) => [r.entityKey, r]));
    assert.equal(byKey.size, expected.rows.length, 'no other user was written');
    const names = expected.columns.map((c) => c.name);
    for (const row of expected.rows) {
      const want = Object.fromEntries(names.map((n, i) => [n, row[i]]));
      const got = byKey.get(String(want.user_id));
      assert.ok(got, `user ${want.user_id} missing`);
      assert.equal(got.eventTimestamp.getTime(), want.event_ms, `${want.user_id} event time`);
      for (const f of v.features) assert.equal(got.values[f.name], want[f.name], `${want.user_id}.${f.name}`);
    }
  });

  it('stores the 7-day metric values a hand-written aggregate computes, stamped with the end', async () => {
    const v = view('user_recent_activity');
    const store = await openStore();
    const [result] = await materializer(store).materialize([v], { end: END });
    assert.deepEqual([result!.start, result!.end], [new Date('2024-06-24T00:00:00Z'), END]);
    const expected = await warehouse.execute(
      `WITH e AS (
         SELECT user_id, SUM(engagement_duration_seconds) AS seconds, SUM(CASE WHEN event_type = 'post_created' THEN 1 ELSE 0 END) AS posts
         FROM marts.fct_user_engagement
         WHERE event_date BETWEEN DATE '2024-06-24' AND DATE '2024-06-30' GROUP BY user_id
       ), s AS (
         SELECT user_id, COUNT(session_id) AS sessions
         FROM marts.fct_user_sessions
         WHERE session_date BETWEEN DATE '2024-06-24' AND DATE '2024-06-30' GROUP BY user_id
       )
       SELECT COALESCE(e.user_id, s.user_id) AS user_id, CAST(e.seconds AS DOUBLE), CAST(s.sessions AS DOUBLE), CAST(e.posts AS DOUBLE)
       FROM e FULL OUTER JOIN s ON s.user_id = e.user_id
       WHERE COALESCE(e.user_id, s.user_id) IS NOT NULL`,
      {},
    );
    assert.ok(expected.rows.length > 50);
    assert.equal(result!.rows, expected.rows.length);
    const stored = await store.read(v, expected.rows.map((r) => String(r[0])));
    expected.rows.forEach((row, i) => {
      const got = stored[i];
      assert.ok(got, `user ${row[0]} missing`);
      assert.deepEqual(got.eventTimestamp, END);
      const want = { engagement_seconds_7d: row[1], sessions_7d: row[2], posts_7d: row[3] };
      for (const [name, value] of Object.entries(want)) {
        if (value === null) assert.equal(got.values[name], null, `${row[0]}.${name}`);
        else assert.ok(Math.abs(Number(got.values[name]) - Number(value)) < 1e-6, `${row[0]}.${name}: ${String(got.values[name])} vs ${String(value)}`);
      }
    });
  });

  it('picks each user\'s latest of many rows in the window (table source; TIMESTAMP and DATE event times)', async () => {
    // Views over the session fact: several sessions per user, and several per user and day.
    const { featureViews } = parseFeatureDefinitionFiles([{ path: 'features/sessions.yml', text: SESSION_VIEWS }]);
    const [bySession, byDay] = featureViews as [FeatureView, FeatureView];
    const store = await openStore();
    const m = materializer(store);
    const [a] = await m.materialize([bySession], { start: MIDDLE, end: END });
    // A DATE column holds midnights: from 12:00 on 06-01 means from 06-02; before 00:00:01 on 06-20 includes 06-20.
    const [b] = await m.materialize([byDay], { start: new Date('2024-06-01T12:00:00Z'), end: new Date('2024-06-20T00:00:01Z') });

    // Correlated subqueries instead of ROW_NUMBER; a tie on the day goes to the smallest session id.
    const latestSession = await warehouse.execute(
      `SELECT s.user_id, s.session_id, CAST(s.session_duration_seconds AS DOUBLE), CAST(epoch_ms(s.session_end) AS DOUBLE)
       FROM marts.fct_user_sessions AS s
       WHERE s.session_end = (SELECT MAX(s2.session_end) FROM marts.fct_user_sessions AS s2
                              WHERE s2.user_id = s.user_id AND s2.session_end >= TIMESTAMP '2024-06-01' AND s2.session_end < TIMESTAMP '2024-07-01')`,
      {},
    );
    const latestDay = await warehouse.execute(
      `SELECT s.user_id, MIN(s.session_id), CAST(epoch_ms(CAST(s.session_date AS TIMESTAMP)) AS DOUBLE)
       FROM marts.fct_user_sessions AS s
       WHERE s.session_date = (SELECT MAX(s2.session_date) FROM marts.fct_user_sessions AS s2
                               WHERE s2.user_id = s.user_id AND s2.session_date >= DATE '2024-06-02' AND s2.session_date < DATE '2024-06-21')
       GROUP BY s.user_id, s.session_date`,
      {},
    );
    assert.equal(a!.rows, latestSession.rows.length);
    assert.equal(b!.rows, latestDay.rows.length);
    const sessions = await store.read(bySession, latestSession.rows.map((r) => String(r[0])));
    latestSession.rows.forEach((row, i) => {
      assert.deepEqual(plainRow(sessions[i]), { entityKey: row[0], values: { session_id: row[1], session_duration_seconds: row[2] }, eventTimestamp: new Date(row[3] as number) }, String(row[0]));
    });
    const days = await store.read(byDay, latestDay.rows.map((r) => String(r[0])));
    latestDay.rows.forEach((row, i) => {
      assert.equal(days[i]?.values.session_id, row[1], String(row[0]));
      assert.equal(days[i]?.eventTimestamp.getTime(), row[2], String(row[0]));
    });
    // Nobody outside the window was written.
    assert.equal((await store.read(byDay, keys.user_id!)).filter((r) => r !== undefined).length, latestDay.rows.length);
  });

  it('changes nothing when run again (newest-wins, same rows picked)', async () => {
    const store = await openStore();
    const m = materializer(store);
    await m.materialize(manifest.featureViews, { end: END });
    const first = await Promise.all(manifest.featureViews.map((v) => state(store, v)));
    const again = await m.materialize(manifest.featureViews, { end: END });
    assert.ok(again.every((r) => r.rows > 0), 'the second run did write');
    const second = await Promise.all(manifest.featureViews.map((v) => state(store, v)));
    assert.deepEqual(second, first);
    assert.deepEqual(first, manifest.featureViews.map((v) => clean[v.name]), 'and equals the clean run');
  });

  it('writes only rows newer than the watermark on an incremental run, ending in the full run\'s state', async () => {
    const views = [view('user_features'), view('item_features')];
    const store = new CountingStore(await openStore());
    await materializer(store).materialize(views, { end: MIDDLE });
    assert.deepEqual(await store.readWatermark(views[0]!), MIDDLE);
    const before = store.rowsWritten;

    const results = await materializer(store).materializeIncremental(views, { end: END });
    const newer = async (v: FeatureView) => {
      if (v.source.kind !== 'query') throw new Error('query views only');
      const r = await warehouse.execute(
        `SELECT COUNT(DISTINCT ${v.joinKeys[0]}) FROM (${v.source.query}) AS q WHERE ${v.timestampField} >= TIMESTAMP '2024-06-01' AND ${v.timestampField} < TIMESTAMP '2024-07-01'`,
        {},
      );
      return Number(r.rows[0]![0]);
    };
    const expected = [await newer(views[0]!), await newer(views[1]!)];
    assert.equal(expected[0], 732);
    assert.deepEqual(results.map((r) => r.rows), expected);
    assert.deepEqual(results.map((r) => r.start), [MIDDLE, MIDDLE]);
    assert.equal(store.rowsWritten - before, expected[0]! + expected[1]!, 'rows written by the incremental run');
    for (const v of views) {
      assert.deepEqual(await store.readWatermark(v), END);
      assert.deepEqual(await state(store, v), clean[v.name], `${v.name} equals a full run to END`);
    }

    // Up to date: a second incremental run to the same end reads and writes nothing.
    const writes = store.writes;
    const again = await materializer(store).materializeIncremental(views, { end: END });
    assert.deepEqual(again.map((r) => r.rows), [0, 0]);
    assert.match(again[0]!.note ?? '', /up to date/);
    assert.equal(store.writes, writes);
  });

  it('keeps the watermark when a ranged run starts after it (a gap must not read as done)', async () => {
    const v = view('user_features');
    const store = await openStore();
    const [r] = await materializer(store).materialize([v], { start: MIDDLE, end: END });
    assert.equal(r!.rows, 732);
    assert.equal(r!.watermark, undefined);
    assert.match(r!.note ?? '', /watermark not moved/);
    assert.equal(await store.readWatermark(v), undefined);
  });

  it('never has more than `concurrency` writes in flight', async () => {
    const v = view('item_features');
    for (const concurrency of [1, 3]) {
      const store = new CountingStore(await openStore());
      const [r] = await materializer(store).materialize([v], { end: END, batchSize: 100, concurrency });
      assert.equal(store.writes, r!.batches);
      assert.ok(r!.batches > 10);
      // The embedded store's writes wait on file I/O, so each worker's call is in flight before any returns.
      assert.equal(store.maxInFlight, concurrency, `concurrency ${concurrency}`);
    }
  });

  it('reads the same rows without QUALIFY (the subquery form other dialects get)', async () => {
    const v = view('item_features') as WarehouseFeatureView;
    const duckdb = dialectByName('duckdb');
    const noQualify: SqlDialect = { ...duckdb, capabilities: { ...duckdb.capabilities, supportsQualify: false } };
    const run = async (d: SqlDialect) => {
      const built = buildLatestRowsSql(v, d, { start: MIDDLE, end: END });
      return (await warehouse.execute(built.sql, built.parameters)).rows.map((r) => JSON.stringify(r)).sort();
    };
    const [a, b] = [await run(duckdb), await run(noQualify)];
    assert.ok(a.length > 0);
    assert.deepEqual(b, a);
  });

  describe('a CLI run killed mid-view', () => {
    let child: ChildProcess | undefined;
    after(() => {
      if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    });

    const cli = (dir: string, args: string[]) =>
      spawn(process.execPath, [CLI, ...args], {
        env: { ...cleanEnv(), STRATUM_ONLINE_STORE_PATH: dir },
        stdio: ['ignore', 'pipe', 'pipe'],
      });

    it('leaves the previous watermark and an incomplete view; running again completes it', async () => {
      const v = view('user_features');
      const dir = newDir();
      // Materialized up to MIDDLE, then closed: the CLI process owns the folder from here on.
      const seeded = await EmbeddedOnlineStore.open(dir);
      await materializer(seeded).materialize([v], { end: MIDDLE });
      await seeded.close();
      // The store is shared between processes (LMDB): this one watches the CLI's batches land.
      const watcher = await EmbeddedOnlineStore.open(dir);
      const newerRows = async () => (await watcher.read(v, keysOf(v))).filter((r) => r !== undefined && r.eventTimestamp >= MIDDLE).length;

      const db = await demoDbPath();
      const args = ['materialize-incremental', END.toISOString(), '--views', v.name, '--duckdb', db];
      // Paced (20-row batches, 400 rows/s: 732 rows take ~1.8 s) so the kill lands mid-view.
      child = cli(dir, [...args, '--batch-size', '20', '--max-rows-per-second', '400']);
      const exited = new Promise<void>((resolve) => child!.once('exit', () => resolve()));
      let stderr = '';
      child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
      while ((await newerRows()) === 0) {
        if (child.exitCode !== null) assert.fail(`the CLI ended before writing a batch: ${stderr}`);
        await new Promise((r) => setTimeout(r, 5));
      }
      child.kill('SIGKILL');
      await exited;
      assert.equal(child.signalCode, 'SIGKILL');
      await watcher.close();

      const crashed = await EmbeddedOnlineStore.open(dir);
      assert.deepEqual(await crashed.readWatermark(v), MIDDLE, 'the watermark did not move');
      const newer = (await crashed.read(v, keysOf(v))).filter((r) => r !== undefined && r.eventTimestamp >= MIDDLE).length;
      assert.ok(newer > 0 && newer < 732, `the view is incomplete: ${newer} of 732 newer rows`);
      await crashed.close();

      child = cli(dir, args);
      let stdout = '';
      child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
      const code = await new Promise<number | null>((resolve) => child!.once('exit', (c) => resolve(c)));
      assert.equal(code, 0, stdout);
      // The whole interval since the watermark is read again (writes are idempotent).
      assert.match(stdout, /user_features\s+732\s/);

      const resumed = await openStore(dir);
      assert.deepEqual(await resumed.readWatermark(v), END);
      assert.deepEqual(await state(resumed, v), clean[v.name], 'the same state as a clean run');
    });
  });
});

const SESSION_VIEWS = `
entities:
  - name: user
    join_keys: [user_id]
    value_type: STRING
feature_views:
  - name: last_session
    entities: [user]
    ttl: 30d
    source:
      table: marts.fct_user_sessions
      timestamp_field: session_end
    schema:
      - name: session_id
        dtype: String
      - name: session_duration_seconds
        dtype: Float64
  - name: last_session_day
    entities: [user]
    ttl: 30d
    source:
      table: marts.fct_user_sessions
      timestamp_field: session_date
    schema:
      - name: session_id
        dtype: String
`;

function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('STRATUM_')));
}
