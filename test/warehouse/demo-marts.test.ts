import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { DemoProgress, ensureDemoWarehouse, GenerateDemoOptions, generateDemoMarts } from '../../src/warehouse/demo';
import { DuckDbWarehouse } from '../../src/warehouse/duckdb/duckdb-warehouse';

/** The tables and columns of docs/demo-marts.md, with the DuckDB type each must have. */
const DOC_SCHEMA: Record<string, string> = {
  dim_date: 'date_day DATE, year INTEGER, quarter INTEGER, month INTEGER, month_name VARCHAR, week_of_year INTEGER, day_of_week INTEGER, day_name VARCHAR, is_weekend BOOLEAN',
  dim_users: 'user_key BIGINT, user_id VARCHAR, username VARCHAR, age_group VARCHAR, country VARCHAR, user_segment VARCHAR, signup_date DATE, valid_from TIMESTAMP, valid_to TIMESTAMP, is_current BOOLEAN, version INTEGER',
  dim_users_current: 'user_key BIGINT, user_id VARCHAR, username VARCHAR, age_group VARCHAR, country VARCHAR, user_segment VARCHAR, signup_date DATE, valid_from TIMESTAMP, valid_to TIMESTAMP, is_current BOOLEAN, version INTEGER',
  dim_content: 'content_id VARCHAR, creator_user_id VARCHAR, content_type VARCHAR, category VARCHAR, created_at TIMESTAMP, is_available BOOLEAN',
  dim_device: 'device_key INTEGER, platform VARCHAR, os_version VARCHAR, device_model VARCHAR, app_version VARCHAR',
  dim_location: 'location_key INTEGER, city VARCHAR, region VARCHAR, country_code VARCHAR, country_name VARCHAR, continent VARCHAR',
  fct_user_engagement: 'event_id VARCHAR, event_date DATE, event_timestamp TIMESTAMP, user_id VARCHAR, user_key BIGINT, session_id VARCHAR, content_id VARCHAR, device_key INTEGER, location_key INTEGER, event_type VARCHAR, engagement_duration_seconds DOUBLE, interaction_count INTEGER',
  fct_user_sessions: 'session_id VARCHAR, user_id VARCHAR, session_date DATE, session_start TIMESTAMP, session_end TIMESTAMP, session_duration_seconds DOUBLE, event_count INTEGER, device_key INTEGER, location_key INTEGER',
  dim_customer: 'customer_key BIGINT, customer_id VARCHAR, customer_city VARCHAR, customer_state VARCHAR, customer_segment VARCHAR, valid_from TIMESTAMP, valid_to TIMESTAMP, is_current BOOLEAN, version INTEGER',
  dim_customer_current: 'customer_key BIGINT, customer_id VARCHAR, customer_city VARCHAR, customer_state VARCHAR, customer_segment VARCHAR, valid_from TIMESTAMP, valid_to TIMESTAMP, is_current BOOLEAN, version INTEGER',
  dim_product: 'product_key INTEGER, product_id VARCHAR, product_category VARCHAR, list_price DECIMAL(12,2), product_weight_g INTEGER',
  dim_seller: 'seller_key INTEGER, seller_id VARCHAR, seller_city VARCHAR, seller_state VARCHAR',
  fact_orders: 'order_id VARCHAR, customer_id VARCHAR, customer_key BIGINT, order_date DATE, order_purchase_timestamp TIMESTAMP, order_status VARCHAR, estimated_delivery_date DATE, delivery_date DATE, total_order_value DECIMAL(12,2), freight_value DECIMAL(12,2), payment_count INTEGER, item_count INTEGER, delivery_time_days INTEGER, estimated_delivery_days INTEGER, is_late_delivery BOOLEAN',
  fact_order_items: 'order_item_key BIGINT, order_id VARCHAR, order_item_id INTEGER, product_id VARCHAR, seller_id VARCHAR, order_date DATE, price DECIMAL(12,2), freight_value DECIMAL(12,2), shipping_limit_date TIMESTAMP',
};
const PRIMARY_KEYS: Record<string, string> = {
  dim_date: 'date_day', dim_users: 'user_key', dim_content: 'content_id', dim_device: 'device_key', dim_location: 'location_key',
  fct_user_engagement: 'event_id', fct_user_sessions: 'session_id', dim_customer: 'customer_key', dim_product: 'product_key',
  dim_seller: 'seller_key', fact_orders: 'order_id', fact_order_items: 'order_item_key',
};
const TABLES = Object.keys(PRIMARY_KEYS);

async function rows(connection: DuckDBConnection, sql: string): Promise<unknown[][]> {
  return (await connection.runAndReadAll(sql)).getRowsJS() as unknown[][];
}
async function scalar(connection: DuckDBConnection, sql: string): Promise<number> {
  return Number((await rows(connection, sql))[0][0]);
}
/** Asserts a query that lists violations returns none, showing a few if it does. */
async function none(connection: DuckDBConnection, sql: string, what: string): Promise<void> {
  const found = await rows(connection, `${sql} LIMIT 3`);
  assert.equal(found.length, 0, `${what}: ${JSON.stringify(found, (_k, v) => (typeof v === 'bigint' ? String(v) : v))}`);
}

async function generated(
  scale: number,
  seed: number,
  threads?: number,
  extra: Partial<GenerateDemoOptions> = {},
): Promise<{ instance: DuckDBInstance; connection: DuckDBConnection }> {
  const instance = await DuckDBInstance.create(':memory:', threads ? { threads: String(threads) } : {});
  const connection = await instance.connect();
  await generateDemoMarts(connection, { ...extra, scale, seed });
  return { instance, connection };
}

/** Per table: row count, an order-blind hash of the rows, and one that also depends on their stored order. */
async function checksums(connection: DuckDBConnection): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const table of TABLES) {
    const [[count, sum, ordered]] = await rows(connection, `SELECT count(*), sum(hash(t)), sum(hash(t, t.rowid)) FROM marts.${table} t`);
    out[table] = `${count}:${sum}:${ordered}`;
  }
  return out;
}

describe('demo marts', () => {
  let db: { instance: DuckDBInstance; connection: DuckDBConnection };
  let c: DuckDBConnection;
  before(async () => {
    db = await generated(0.05, 42);
    c = db.connection;
  });
  after(() => {
    db.connection.closeSync();
    db.instance.closeSync();
  });

  it('has exactly the documented tables and columns, with their types', async () => {
    const found = await rows(
      c,
      `SELECT table_name, string_agg(column_name || ' ' || data_type, ', ' ORDER BY ordinal_position)
       FROM information_schema.columns WHERE table_schema = 'marts' AND table_name NOT LIKE '\\_%' ESCAPE '\\'
       GROUP BY table_name ORDER BY table_name`,
    );
    assert.deepEqual(Object.fromEntries(found), Object.fromEntries(Object.entries(DOC_SCHEMA).sort()));
  });

  it('has unique primary keys and non-empty tables', async () => {
    for (const [table, key] of Object.entries(PRIMARY_KEYS)) {
      const [[total, distinct, nulls]] = await rows(c, `SELECT count(*), count(DISTINCT ${key}), count(*) - count(${key}) FROM marts.${table}`);
      assert.ok(Number(total) > 0, `${table} is empty`);
      assert.equal(distinct, total, `${table}.${key} is not unique`);
      assert.equal(Number(nulls), 0, `${table}.${key} has NULLs`);
    }
  });

  it('builds a BigQuery-style calendar for 2023–2025', async () => {
    assert.equal(await scalar(c, 'SELECT count(*) FROM marts.dim_date'), 1096);
    assert.deepEqual(await rows(c, `SELECT day_of_week, day_name, is_weekend FROM marts.dim_date WHERE date_day = DATE '2024-01-07'`), [[1, 'Sunday', true]]);
    assert.deepEqual(await rows(c, `SELECT day_of_week, week_of_year, quarter FROM marts.dim_date WHERE date_day = DATE '2024-04-06'`), [[7, 13, 2]]);
    await none(c, `SELECT * FROM marts.dim_date WHERE is_weekend <> (day_of_week IN (1, 7))`, 'is_weekend vs day_of_week');
  });

  it('keeps every fact inside 2024-01-01 … 2024-06-30', async () => {
    for (const [table, column] of [['fct_user_engagement', 'event_date'], ['fct_user_sessions', 'session_date'], ['fact_orders', 'order_date'], ['fact_order_items', 'order_date']]) {
      await none(c, `SELECT ${column} FROM marts.${table} WHERE ${column} NOT BETWEEN DATE '2024-01-01' AND DATE '2024-06-30'`, `${table}.${column} outside the window`);
    }
  });

  it('gives each event the user version valid at its timestamp', async () => {
    await none(
      c,
      `SELECT e.event_id FROM marts.fct_user_engagement e
       LEFT JOIN marts.dim_users d ON d.user_id = e.user_id AND e.event_timestamp >= d.valid_from
            AND (d.valid_to IS NULL OR e.event_timestamp < d.valid_to)
       WHERE d.user_key IS DISTINCT FROM e.user_key`,
      'events whose user_key is not the version at event time',
    );
  });

  it('agrees between sessions and events', async () => {
    await none(
      c,
      `SELECT e.event_id FROM marts.fct_user_engagement e LEFT JOIN marts.fct_user_sessions s USING (session_id)
       WHERE s.session_id IS NULL OR s.user_id <> e.user_id OR s.session_date <> e.event_date
          OR e.event_timestamp NOT BETWEEN s.session_start AND s.session_end
          OR s.device_key <> e.device_key OR s.location_key <> e.location_key`,
      'events disagreeing with their session',
    );
    await none(
      c,
      `SELECT s.session_id FROM marts.fct_user_sessions s
       JOIN (SELECT session_id, count(*) AS n, min(event_timestamp) AS first_ts FROM marts.fct_user_engagement GROUP BY session_id) e USING (session_id)
       WHERE s.event_count <> e.n OR s.session_start <> e.first_ts
          OR s.session_duration_seconds <> date_diff('millisecond', s.session_start, s.session_end) / 1000.0
          OR s.session_date <> s.session_end::DATE`,
      'sessions disagreeing with their events',
    );
    assert.equal(await scalar(c, `SELECT count(*) FROM marts.fct_user_sessions WHERE session_id NOT IN (SELECT session_id FROM marts.fct_user_engagement)`), 0);
  });

  it('links events to content, devices and locations that exist', async () => {
    await none(c, `SELECT event_id FROM marts.fct_user_engagement WHERE (content_id IS NULL) <> (event_type = 'app_open')`, 'content_id NULL iff app_open');
    await none(
      c,
      `SELECT e.event_id FROM marts.fct_user_engagement e LEFT JOIN marts.dim_content d USING (content_id)
       WHERE e.content_id IS NOT NULL AND (d.content_id IS NULL OR d.created_at > e.event_timestamp)`,
      'events on content that does not exist yet',
    );
    await none(
      c,
      `SELECT e.event_id FROM marts.fct_user_engagement e JOIN marts.dim_content d USING (content_id)
       WHERE e.event_type = 'post_created' AND (d.creator_user_id <> e.user_id OR d.created_at <> e.event_timestamp)`,
      'post_created events not matching their post',
    );
    await none(c, `SELECT device_key FROM marts.fct_user_engagement WHERE device_key NOT IN (SELECT device_key FROM marts.dim_device)`, 'unknown device');
    await none(c, `SELECT location_key FROM marts.fct_user_engagement WHERE location_key NOT IN (SELECT location_key FROM marts.dim_location)`, 'unknown location');
    await none(c, `SELECT creator_user_id FROM marts.dim_content WHERE creator_user_id NOT IN (SELECT user_id FROM marts.dim_users)`, 'unknown creator');
    const types = (await rows(c, `SELECT DISTINCT event_type FROM marts.fct_user_engagement ORDER BY 1`)).map((r) => r[0]);
    assert.deepEqual(types, ['app_open', 'comment', 'post_created', 'post_viewed', 'reaction', 'share']);
  });

  it('keeps SCD2 histories contiguous, with exactly one current version per id', async () => {
    for (const [table, id, key] of [['dim_users', 'user_id', 'user_key'], ['dim_customer', 'customer_id', 'customer_key']]) {
      await none(
        c,
        `SELECT ${id} FROM marts.${table} GROUP BY ${id}
         HAVING count(*) FILTER (WHERE is_current) <> 1 OR min(version) <> 1 OR max(version) <> count(*)`,
        `${table}: not exactly one current version, or gaps in version numbers`,
      );
      await none(
        c,
        `SELECT a.${key} FROM marts.${table} a LEFT JOIN marts.${table} b ON b.${id} = a.${id} AND b.version = a.version + 1
         WHERE (b.${key} IS NULL) <> a.is_current OR (a.valid_to IS NULL) <> a.is_current
            OR a.valid_to IS DISTINCT FROM b.valid_from OR a.valid_from >= coalesce(a.valid_to, TIMESTAMP '9999-12-31')`,
        `${table}: validity intervals that overlap, leave gaps or are empty`,
      );
      const changed = await scalar(c, `SELECT avg((n > 1)::INTEGER) FROM (SELECT count(*) AS n FROM marts.${table} GROUP BY ${id})`);
      assert.ok(changed > 0.2 && changed < 0.7, `${table}: share of ids with history ${changed}`);
      assert.equal(
        await scalar(c, `SELECT count(*) FROM marts.${table}_current`),
        await scalar(c, `SELECT count(DISTINCT ${id}) FROM marts.${table}`),
      );
    }
    await none(
      c,
      `SELECT a.user_key FROM marts.dim_users a JOIN marts.dim_users b ON b.user_id = a.user_id AND b.version = a.version + 1
       WHERE a.country = b.country AND a.user_segment = b.user_segment`,
      'user versions that change nothing',
    );
    await none(c, `SELECT user_key FROM marts.dim_users WHERE valid_from < signup_date::TIMESTAMP`, 'versions before signup');
  });

  it('satisfies the order invariants', async () => {
    await none(
      c,
      `SELECT o.order_id FROM marts.fact_orders o
       JOIN (SELECT order_id, sum(price + freight_value) AS total, sum(freight_value) AS freight, count(*) AS n,
                    min(order_item_id) AS lo, max(order_item_id) AS hi, min(order_date) AS d1, max(order_date) AS d2
             FROM marts.fact_order_items GROUP BY order_id) i USING (order_id)
       WHERE o.total_order_value <> i.total OR o.freight_value <> i.freight OR o.item_count <> i.n
          OR i.lo <> 1 OR i.hi <> i.n OR i.d1 <> o.order_date OR i.d2 <> o.order_date`,
      'orders disagreeing with their items',
    );
    assert.equal(await scalar(c, `SELECT count(*) FROM marts.fact_orders WHERE order_id NOT IN (SELECT order_id FROM marts.fact_order_items)`), 0);
    await none(
      c,
      `SELECT o.order_id FROM marts.fact_orders o
       LEFT JOIN marts.dim_customer d ON d.customer_id = o.customer_id AND o.order_purchase_timestamp >= d.valid_from
            AND (d.valid_to IS NULL OR o.order_purchase_timestamp < d.valid_to)
       WHERE d.customer_key IS DISTINCT FROM o.customer_key`,
      'orders whose customer_key is not the version at purchase time',
    );
    await none(
      c,
      `SELECT order_id FROM marts.fact_orders
       WHERE (order_status = 'delivered') <> (delivery_date IS NOT NULL)
          OR (delivery_date IS NULL) <> (delivery_time_days IS NULL) OR (delivery_date IS NULL) <> (is_late_delivery IS NULL)
          OR delivery_date - order_date <> delivery_time_days
          OR estimated_delivery_date - order_date <> estimated_delivery_days
          OR is_late_delivery <> (delivery_date > estimated_delivery_date)
          OR delivery_date > DATE '2024-06-30'
          OR order_status NOT IN ('delivered', 'shipped', 'canceled', 'processing')`,
      'inconsistent delivery columns',
    );
    await none(c, `SELECT product_id FROM marts.fact_order_items WHERE product_id NOT IN (SELECT product_id FROM marts.dim_product)`, 'unknown product');
    await none(c, `SELECT seller_id FROM marts.fact_order_items WHERE seller_id NOT IN (SELECT seller_id FROM marts.dim_seller)`, 'unknown seller');
    await none(c, `SELECT order_item_key FROM marts.fact_order_items WHERE shipping_limit_date::DATE <= order_date OR price <= 0`, 'odd items');
    const late = await scalar(c, `SELECT avg(is_late_delivery::INTEGER) FROM marts.fact_orders WHERE order_status = 'delivered'`);
    assert.ok(late > 0.05 && late < 0.12, `late deliveries ${late}`);
    const canceled = await scalar(c, `SELECT avg((order_status = 'canceled')::INTEGER) FROM marts.fact_orders`);
    assert.ok(canceled > 0.015 && canceled < 0.05, `canceled orders ${canceled}`);
  });

  it('stores the facts in date order, as BigQuery partitions would cluster them', async () => {
    for (const [table, column] of [['fct_user_engagement', 'event_date'], ['fct_user_sessions', 'session_date'], ['fact_orders', 'order_date'], ['fact_order_items', 'order_date']]) {
      await none(
        c,
        `SELECT * FROM (SELECT ${column} < lag(${column}) OVER (ORDER BY rowid) AS backwards FROM marts.${table}) WHERE backwards`,
        `${table} rows out of ${column} order`,
      );
    }
  });

  it('shows weekend uplift in daily event counts', async () => {
    const [[weekend, weekday]] = await rows(
      c,
      `SELECT avg(n) FILTER (WHERE isodow(event_date) >= 6), avg(n) FILTER (WHERE isodow(event_date) < 6)
       FROM (SELECT event_date, count(*) AS n FROM marts.fct_user_engagement GROUP BY event_date)`,
    );
    assert.ok(Number(weekend) / Number(weekday) > 1.1, `weekend/weekday = ${Number(weekend) / Number(weekday)}`);
  });

  it('has heavy-tailed activity, growth in signups and churn', async () => {
    const topShare = await scalar(
      c,
      `SELECT sum(n) FILTER (WHERE rank_share <= 0.1) / sum(n) FROM (
         SELECT count(*) AS n, percent_rank() OVER (ORDER BY count(*) DESC) AS rank_share
         FROM marts.fct_user_engagement GROUP BY user_id)`,
    );
    assert.ok(topShare > 0.4, `top 10% of users produce ${topShare} of events`);
    const [[q1, q2]] = await rows(
      c,
      `SELECT count(*) FILTER (WHERE signup_date BETWEEN DATE '2024-01-01' AND DATE '2024-03-31'),
              count(*) FILTER (WHERE signup_date BETWEEN DATE '2024-04-01' AND DATE '2024-06-30')
       FROM marts.dim_users_current`,
    );
    assert.ok(Number(q2) > Number(q1) * 1.2, `signups Q1 ${q1}, Q2 ${q2}`);
    const churned = await scalar(
      c,
      `SELECT avg((last_day < DATE '2024-06-01')::INTEGER) FROM (
         SELECT max(event_date) AS last_day FROM marts.fct_user_engagement e JOIN marts.dim_users_current u USING (user_id)
         WHERE u.signup_date < DATE '2024-03-01' GROUP BY user_id)`,
    );
    assert.ok(churned > 0.15, `users inactive in June: ${churned}`);
  });
});

describe('demo marts determinism', () => {
  it('gives identical data for the same seed and scale (whatever the thread count), different data for another seed', async () => {
    const runs = [await generated(0.01, 7), await generated(0.01, 7, 1), await generated(0.01, 8)];
    try {
      const [a, b, other] = await Promise.all(runs.map((run) => checksums(run.connection)));
      assert.deepEqual(a, b);
      for (const table of ['dim_users', 'dim_content', 'fct_user_engagement', 'fct_user_sessions', 'dim_customer', 'dim_product', 'fact_orders', 'fact_order_items']) {
        assert.notEqual(a[table], other[table], `${table} did not change with the seed`);
      }
      assert.equal(a.dim_date, other.dim_date);
    } finally {
      for (const run of runs) {
        run.connection.closeSync();
        run.instance.closeSync();
      }
    }
  });
});

describe('demo marts chunking', () => {
  it('gives the same tables, in the same stored order, whether events are generated in one chunk or many', async () => {
    const progress: DemoProgress[] = [];
    const runs = [
      await generated(0.01, 7),
      await generated(0.01, 7, undefined, { eventsPerChunk: 1500, onProgress: (p) => progress.push(p) }),
    ];
    try {
      const chunkSteps = progress.filter((p) => /^fct_user_engagement \d+\/\d+$/.test(p.step));
      assert.ok(chunkSteps.length >= 5, `expected several event chunks, got ${chunkSteps.map((p) => p.step).join(', ')}`);
      const [whole, chunked] = await Promise.all(runs.map((run) => checksums(run.connection)));
      assert.deepEqual(chunked, whole);
    } finally {
      for (const run of runs) {
        run.connection.closeSync();
        run.instance.closeSync();
      }
    }
  });
});

describe('ensureDemoWarehouse', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'stratum-demo-'));
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('builds once, reuses a complete database, and rebuilds for another seed', async () => {
    const path = join(dir, 'demo.duckdb');
    const progress: DemoProgress[] = [];
    const first = await ensureDemoWarehouse({ path, scale: 0.01, seed: 1, onProgress: (p) => progress.push(p) });
    assert.equal(first.created, true);
    assert.equal(first.path, path);
    assert.ok(existsSync(path));
    assert.ok(progress.length > 3);
    assert.deepEqual(progress.at(-1), { step: 'done', done: progress[0].total, total: progress[0].total });
    assert.ok(progress.every((p, i) => i === 0 || p.done >= progress[i - 1].done));

    const again = await ensureDemoWarehouse({ path, scale: 0.01, seed: 1, onProgress: (p) => progress.push(p) });
    assert.equal(again.created, false);

    const reseeded = await ensureDemoWarehouse({ path, scale: 0.01, seed: 2 });
    assert.equal(reseeded.created, true);
    const rescaled = await ensureDemoWarehouse({ path, scale: 0.02, seed: 2 });
    assert.equal(rescaled.created, true);

    const warehouse = await DuckDbWarehouse.open(path, { readOnly: true });
    try {
      const meta = await warehouse.execute('SELECT generator_version, scale, seed FROM marts._stratum_demo_meta', {});
      assert.deepEqual(meta.rows.map((r) => r.slice(1)), [[0.02, 2]]);
      const orders = await warehouse.execute('SELECT count(*) AS n FROM marts.fact_orders', {});
      assert.ok(Number(orders.rows[0][0]) > 0);
    } finally {
      await warehouse.close();
    }
    assert.deepEqual(readdirSync(dir).filter((name) => name.includes('.building-')), []);
  });

  it('ignores and cleans up what a crashed build left behind', async () => {
    const path = join(dir, 'crashed.duckdb');
    // A pid that certainly belongs to no running process: a child that has already exited.
    const deadPid = spawnSync(process.execPath, ['-e', '0']).pid;
    const leftover = `${path}.building-${deadPid}-0badf00d`;
    writeFileSync(leftover, 'half a database');
    writeFileSync(`${leftover}.wal`, 'half a log');
    // A file at the target that is not a complete demo database must not be trusted.
    writeFileSync(path, 'not a database');

    const result = await ensureDemoWarehouse({ path, scale: 0.01, seed: 3 });
    assert.equal(result.created, true);
    assert.equal(existsSync(leftover), false);
    assert.equal(existsSync(`${leftover}.wal`), false);
    assert.equal((await ensureDemoWarehouse({ path, scale: 0.01, seed: 3 })).created, false);
  });

  it('rebuilds a database that lacks the completion stamp', async () => {
    const path = join(dir, 'unstamped.duckdb');
    await ensureDemoWarehouse({ path, scale: 0.01, seed: 4 });
    const instance = await DuckDBInstance.create(path);
    const connection = await instance.connect();
    await connection.run('DROP TABLE marts._stratum_demo_meta');
    connection.closeSync();
    instance.closeSync();
    assert.equal((await ensureDemoWarehouse({ path, scale: 0.01, seed: 4 })).created, true);
  });
});
