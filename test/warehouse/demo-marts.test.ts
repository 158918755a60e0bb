import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { DemoProgress, GenerateDemoOptions, generateDemoMarts } from '../../src/warehouse/demo';

/** The tables and columns of docs/demo-marts.md, with the DuckDB type each must have. */
const DOC_SCHEMA: Record<string, string> = {
  dim_date: 'date_day DATE, year INTEGER, quarter INTEGER, month INTEGER, month_name VARCHAR, week_of_year INTEGER, day_of_week INTEGER, day_name VARCHAR, is_weekend BOOLEAN, fiscal_year INTEGER, fiscal_quarter_of_year INTEGER, fiscal_year_start DATE, fiscal_quarter DATE',
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
  fct_inventory_daily: 'snapshot_date DATE, product_key INTEGER, product_id VARCHAR, units_on_hand INTEGER, units_received INTEGER, units_sold INTEGER, stock_value DECIMAL(12,2)',
};
const PRIMARY_KEYS: Record<string, string> = {
  dim_date: 'date_day', dim_users: 'user_key', dim_content: 'content_id', dim_device: 'device_key', dim_location: 'location_key',
  fct_user_engagement: 'event_id', fct_user_sessions: 'session_id', dim_customer: 'customer_key', dim_product: 'product_key',
  dim_seller: 'seller_key', fact_orders: 'order_id', fact_order_items: 'order_item_key',
  // A (product, day) snapshot: the key is the pair.
  fct_inventory_daily: 'product_id, snapshot_date',
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
      const [[total, distinct, nulls]] = await rows(
        c,
        `SELECT count(*), count(DISTINCT (${key})), count(*) FILTER (WHERE ${key.split(', ').map((k) => `${k} IS NULL`).join(' OR ')}) FROM marts.${table}`,
      );
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

  it('has a fiscal calendar whose year starts on 1 February', async () => {
    const at = (day: string) =>
      rows(c, `SELECT fiscal_year, fiscal_quarter_of_year, fiscal_year_start::VARCHAR, fiscal_quarter::VARCHAR FROM marts.dim_date WHERE date_day = DATE '${day}'`);
    assert.deepEqual(await at('2024-01-31'), [[2023, 4, '2023-02-01', '2023-11-01']]);
    assert.deepEqual(await at('2024-02-01'), [[2024, 1, '2024-02-01', '2024-02-01']]);
    assert.deepEqual(await at('2024-05-01'), [[2024, 2, '2024-02-01', '2024-05-01']]);
    assert.deepEqual(await at('2025-01-31'), [[2024, 4, '2024-02-01', '2024-11-01']]);
    await none(
      c,
      `SELECT date_day FROM marts.dim_date
       WHERE date_day < fiscal_quarter OR date_day >= fiscal_quarter + INTERVAL 3 MONTH
          OR fiscal_quarter <> (fiscal_year_start + to_months(3 * (fiscal_quarter_of_year - 1)))::DATE
          OR year(fiscal_year_start) <> fiscal_year OR month(fiscal_year_start) <> 2 OR day(fiscal_year_start) <> 1`,
      'days outside their fiscal quarter, or quarters outside their fiscal year',
    );
    // Quarters wholly inside the spine are three whole calendar months, named by their first day.
    await none(
      c,
      `SELECT fiscal_quarter FROM marts.dim_date WHERE fiscal_quarter BETWEEN DATE '2023-02-01' AND DATE '2025-08-01' GROUP BY fiscal_quarter
       HAVING min(date_day) <> fiscal_quarter OR count(DISTINCT month) <> 3 OR max(date_day) <> (fiscal_quarter + INTERVAL 3 MONTH - INTERVAL 1 DAY)::DATE`,
      'fiscal quarters that are not three months from their own first day',
    );
    // The spine starts and ends mid fiscal year: FY2022 (from 2022-02-01) and FY2025 are partial.
    assert.deepEqual(
      (await rows(c, `SELECT DISTINCT fiscal_year FROM marts.dim_date ORDER BY 1`)).map((r) => r[0]),
      [2022, 2023, 2024, 2025],
    );
  });

  it('keeps every fact inside 2024-01-01 … 2024-06-30', async () => {
    for (const [table, column] of [['fct_user_engagement', 'event_date'], ['fct_user_sessions', 'session_date'], ['fact_orders', 'order_date'], ['fact_order_items', 'order_date'], ['fct_inventory_daily', 'snapshot_date']]) {
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

  it('changes SCD2 versions at midnight, so the version at an event date is the version at its timestamp', async () => {
    for (const table of ['dim_users', 'dim_customer']) {
      await none(c, `SELECT * FROM marts.${table} WHERE valid_from <> date_trunc('day', valid_from) OR valid_to <> date_trunc('day', valid_to)`, `${table}: a version starting or ending off midnight`);
      await none(c, `SELECT * FROM marts.${table} WHERE valid_from > TIMESTAMP '2024-06-30'`, `${table}: a version starting after the window`);
    }
    // The join MetricFlow makes for an SCD2 dimension at a DATE agg time finds the same version as the facts carry.
    await none(
      c,
      `SELECT e.event_id FROM marts.fct_user_engagement e
       LEFT JOIN marts.dim_users d ON d.user_id = e.user_id AND e.event_date::TIMESTAMP >= d.valid_from
            AND (d.valid_to IS NULL OR e.event_date::TIMESTAMP < d.valid_to)
       WHERE d.user_key IS DISTINCT FROM e.user_key`,
      'events whose user version at event_date differs from user_key',
    );
    await none(
      c,
      `SELECT o.order_id FROM marts.fact_orders o
       LEFT JOIN marts.dim_customer d ON d.customer_id = o.customer_id AND o.order_date::TIMESTAMP >= d.valid_from
            AND (d.valid_to IS NULL OR o.order_date::TIMESTAMP < d.valid_to)
       WHERE d.customer_key IS DISTINCT FROM o.customer_key`,
      'orders whose customer version at order_date differs from customer_key',
    );
    // The demo must show a difference between "as it was" and "as it is": facts placed under an older version.
    const historical = await scalar(c, `SELECT count(*) FROM marts.fact_orders o JOIN marts.dim_customer d USING (customer_key) WHERE NOT d.is_current`);
    assert.ok(historical > 0, 'no order was placed under a non-current customer version');
  });

  it('keeps daily stock consistent with the orders', async () => {
    const products = await scalar(c, 'SELECT count(*) FROM marts.dim_product');
    // Every tracked product has one row on every day of the window.
    await none(
      c,
      `SELECT product_id FROM marts.fct_inventory_daily GROUP BY product_id
       HAVING count(*) <> 182 OR min(snapshot_date) <> DATE '2024-01-01' OR max(snapshot_date) <> DATE '2024-06-30'`,
      'products without a row per day',
    );
    assert.equal(await scalar(c, 'SELECT count(DISTINCT product_id) FROM marts.fct_inventory_daily'), products, 'at this scale every product is tracked');
    await none(
      c,
      `SELECT i.product_id FROM marts.fct_inventory_daily i LEFT JOIN marts.dim_product p USING (product_id)
       WHERE p.product_key IS DISTINCT FROM i.product_key OR i.stock_value <> i.units_on_hand * p.list_price`,
      'snapshots disagreeing with dim_product',
    );
    // A unit leaves stock for each line of a non-canceled order, on the order date.
    await none(
      c,
      `SELECT * FROM marts.fct_inventory_daily i
       FULL JOIN (SELECT it.product_id, it.order_date, count(*) AS n FROM marts.fact_order_items it
                  JOIN marts.fact_orders o USING (order_id)
                  WHERE o.order_status <> 'canceled' AND it.product_id IN (SELECT product_id FROM marts.fct_inventory_daily) GROUP BY ALL) s
         ON s.product_id = i.product_id AND s.order_date = i.snapshot_date
       WHERE coalesce(s.n, 0) <> coalesce(i.units_sold, -1)`,
      'units_sold disagreeing with the order lines',
    );
    // Stock flows: today = yesterday + received - sold; never negative; restocked now and then.
    await none(
      c,
      `SELECT * FROM (SELECT *, lag(units_on_hand) OVER (PARTITION BY product_id ORDER BY snapshot_date) AS yesterday FROM marts.fct_inventory_daily)
       WHERE yesterday IS NOT NULL AND units_on_hand <> yesterday + units_received - units_sold OR units_on_hand < 0 OR units_received < 0`,
      'stock that does not follow receipts and sales',
    );
    const [[restocked, restocks]] = await rows(
      c,
      `SELECT count(DISTINCT product_id) FILTER (WHERE units_received > 0), count(*) FILTER (WHERE units_received > 0) FROM marts.fct_inventory_daily`,
    );
    assert.ok(Number(restocked) > products / 2 && Number(restocks) > Number(restocked) * 3, `restocks: ${restocks} for ${restocked} products`);
    // Month-end balances move: the semi-additive demo would prove nothing on a constant.
    const monthEnds = await rows(c, `SELECT sum(units_on_hand) FROM marts.fct_inventory_daily WHERE snapshot_date = last_day(snapshot_date) GROUP BY snapshot_date`);
    assert.equal(new Set(monthEnds.map((r) => Number(r[0]))).size, 6, `month-end stock ${JSON.stringify(monthEnds, (_k, v) => (typeof v === 'bigint' ? String(v) : v))}`);
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
    for (const [table, column] of [['fct_user_engagement', 'event_date'], ['fct_user_sessions', 'session_date'], ['fact_orders', 'order_date'], ['fact_order_items', 'order_date'], ['fct_inventory_daily', 'snapshot_date']]) {
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
      for (const table of ['dim_users', 'dim_content', 'fct_user_engagement', 'fct_user_sessions', 'dim_customer', 'dim_product', 'fact_orders', 'fact_order_items', 'fct_inventory_daily']) {
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
