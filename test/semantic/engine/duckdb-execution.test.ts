/**
 * Real execution (the other half of Kysely's testSql): the engine's DuckDB SQL for a query, run on the
 * demo marts, must give the same rows as SQL written by hand from docs/demo-marts.md and the YAML
 * definitions. The hand-written SQL deliberately takes other routes where it can (dim_date for weeks and
 * weekdays, FILTER clauses instead of metric filters) so that it does not repeat the engine's reasoning.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SemanticEngine, type MetricQueryInput } from '../../../src/semantic';
import type { DuckDbWarehouse } from '../../../src/warehouse/duckdb/duckdb-warehouse';
import type { WarehouseResult } from '../../../src/warehouse/warehouse';
import { demoWarehouse, repoPath } from '../../support/demo-db';
import { assertSameRows } from '../../support/row-assert';
import { engineQuery } from './engine-queries';

type Row = WarehouseResult['rows'][number];

interface ExecutionCase {
  name: string;
  input: MetricQueryInput;
  expectedSql: string;
  /** The query orders (and limits) its rows: compare in order instead of as sets. */
  ordered?: boolean;
  /** Extra checks on the engine's rows (that the comparison alone would not catch). */
  check?: (rows: Row[]) => void;
}

// ISO weekday (Monday = 1) from dim_date's BigQuery-style day_of_week (Sunday = 1).
const ISO_DOW = '((d.day_of_week + 5) % 7) + 1';
const NOT_CANCELED = "o.order_status <> 'canceled'";

const CASES: ExecutionCase[] = [
  {
    name: 'dau-by-month',
    input: engineQuery('dau-by-month').input,
    expectedSql: `SELECT make_date(year(event_date), month(event_date), 1) AS metric_time__month, count(DISTINCT user_id) AS dau
      FROM marts.fct_user_engagement GROUP BY 1`,
    check: (rows) => assert.equal(rows.length, 6, 'the demo spans January..June 2024'),
  },
  {
    name: 'revenue by customer state, top 13 (join, metric filter, order + limit)',
    input: engineQuery('top-states-by-revenue').input,
    expectedSql: `SELECT c.customer_state AS customer__customer_state, sum(o.total_order_value) AS revenue
      FROM marts.fact_orders o LEFT JOIN marts.dim_customer_current c ON c.customer_id = o.customer_id
      WHERE ${NOT_CANCELED} GROUP BY 1 ORDER BY revenue DESC LIMIT 13`,
    ordered: true,
  },
  {
    name: 'average order value by customer state (ratio with an input filter)',
    input: engineQuery('aov-by-customer-state').input,
    expectedSql: `SELECT c.customer_state AS customer__customer_state, avg(o.total_order_value) AS average_order_value
      FROM marts.fact_orders o LEFT JOIN marts.dim_customer_current c ON c.customer_id = o.customer_id
      WHERE ${NOT_CANCELED} GROUP BY 1`,
  },
  {
    name: 'late delivery rate by month',
    input: engineQuery('late-delivery-rate-by-month').input,
    expectedSql: `SELECT make_date(year(order_date), month(order_date), 1) AS metric_time__month,
        count(*) FILTER (WHERE is_late_delivery) / count(*) FILTER (WHERE order_status = 'delivered') AS late_delivery_rate
      FROM marts.fact_orders GROUP BY 1`,
  },
  {
    name: 'posts per session by month (derived over two models)',
    input: engineQuery('posts-per-session-by-month').input,
    expectedSql: `WITH p AS (SELECT date_trunc('month', event_date) AS m, count(*) FILTER (WHERE event_type = 'post_created') AS posts
                     FROM marts.fct_user_engagement GROUP BY 1),
                s AS (SELECT date_trunc('month', session_date) AS m, count(*) AS sessions FROM marts.fct_user_sessions GROUP BY 1)
      SELECT CAST(coalesce(p.m, s.m) AS DATE) AS metric_time__month, p.posts / nullif(s.sessions, 0) AS posts_per_session
      FROM p FULL OUTER JOIN s ON p.m = s.m`,
  },
  {
    name: 'revenue per customer by segment (derived, aliased input)',
    input: engineQuery('revenue-per-customer-by-segment').input,
    expectedSql: `SELECT c.customer_segment AS customer__customer_segment,
        sum(o.total_order_value) / count(DISTINCT o.customer_id) AS revenue_per_customer
      FROM marts.fact_orders o LEFT JOIN marts.dim_customer_current c ON c.customer_id = o.customer_id
      WHERE ${NOT_CANCELED} GROUP BY 1`,
  },
  {
    name: 'dau by the session user country (two hops)',
    input: engineQuery('dau-by-session-user-country').input,
    expectedSql: `SELECT u.country AS session__user__country, count(DISTINCT e.user_id) AS dau
      FROM marts.fct_user_engagement e
      LEFT JOIN marts.fct_user_sessions s ON s.session_id = e.session_id
      LEFT JOIN marts.dim_users_current u ON u.user_id = s.user_id
      GROUP BY 1`,
  },
  {
    name: 'items sold by the order customer state (two hops)',
    input: engineQuery('items-by-customer-state-two-hops').input,
    expectedSql: `SELECT c.customer_state AS order__customer__customer_state, count(*) AS items_sold
      FROM marts.fact_order_items i
      LEFT JOIN marts.fact_orders o ON o.order_id = i.order_id
      LEFT JOIN marts.dim_customer_current c ON c.customer_id = o.customer_id
      GROUP BY 1`,
  },
  {
    name: 'revenue with IN on state and a metric_time range',
    input: engineQuery('revenue-where-state-in-and-time-range').input,
    expectedSql: `SELECT make_date(year(o.order_date), month(o.order_date), 1) AS metric_time__month, c.customer_state AS customer__customer_state,
        sum(o.total_order_value) AS revenue
      FROM marts.fact_orders o JOIN marts.dim_customer_current c ON c.customer_id = o.customer_id
      WHERE ${NOT_CANCELED} AND c.customer_state IN ('SP', 'RJ', 'MG') AND o.order_date >= DATE '2024-02-01' AND o.order_date <= DATE '2024-04-30'
      GROUP BY 1, 2`,
    check: (rows) => assert.equal(rows.length, 9, '3 months x 3 states'),
  },
  {
    name: 'startTime 2024-02-15 / endTime 2024-03-10 at month grain covers Feb 1 .. Mar 31',
    input: engineQuery('revenue-by-month-start-end').input,
    expectedSql: `SELECT make_date(year(order_date), month(order_date), 1) AS metric_time__month, sum(total_order_value) AS revenue
      FROM marts.fact_orders o WHERE ${NOT_CANCELED} AND order_date BETWEEN DATE '2024-02-01' AND DATE '2024-03-31' GROUP BY 1`,
    check: (rows) => assert.deepEqual(rows.map((r) => r[0]).sort(), ['2024-02-01', '2024-03-01']),
  },
  {
    name: 'date parts: ISO day of week (Monday = 1), day of year, month, year',
    input: engineQuery('orders-by-date-parts').input,
    expectedSql: `SELECT ${ISO_DOW} AS metric_time__extract_dow, CAST(o.order_date - make_date(d.year, 1, 1) AS BIGINT) + 1 AS metric_time__extract_doy,
        d.month AS metric_time__extract_month, d.year AS metric_time__extract_year, count(*) AS orders
      FROM marts.fact_orders o JOIN marts.dim_date d ON d.date_day = o.order_date GROUP BY 1, 2, 3, 4`,
  },
  {
    name: 'ISO weeks start on Monday',
    input: engineQuery('ordering-customers-by-week').input,
    expectedSql: `SELECT CAST(d.date_day - CAST(${ISO_DOW} - 1 AS INTEGER) AS DATE) AS metric_time__week, count(DISTINCT o.customer_id) AS ordering_customers
      FROM marts.fact_orders o JOIN marts.dim_date d ON d.date_day = o.order_date WHERE ${NOT_CANCELED} GROUP BY 1`,
    check: (rows) => {
      for (const [week] of rows) assert.equal(new Date(`${week as string}T00:00:00Z`).getUTCDay(), 1, `${week} is not a Monday`);
    },
  },
  {
    name: 'a NULL group (undelivered orders) is one row when two leaves are joined',
    input: engineQuery('orders-by-late-flag').input,
    expectedSql: `SELECT is_late_delivery AS order__is_late_delivery, count(*) AS orders,
        sum(total_order_value) FILTER (WHERE order_status <> 'canceled') AS revenue
      FROM marts.fact_orders GROUP BY 1`,
    check: (rows) => assert.equal(rows.filter((r) => r[0] === null).length, 1, 'exactly one NULL group'),
  },
  {
    name: 'a LEFT JOIN miss (events without content) is a NULL group',
    input: engineQuery('posts-by-content-type-and-platform').input,
    expectedSql: `SELECT c.content_type AS content__content_type, dv.platform AS device__platform,
        count(*) FILTER (WHERE e.event_type = 'post_created') AS posts
      FROM marts.fct_user_engagement e
      LEFT JOIN marts.dim_content c ON c.content_id = e.content_id
      LEFT JOIN marts.dim_device dv ON dv.device_key = e.device_key
      GROUP BY 1, 2`,
    check: (rows) => assert.ok(rows.some((r) => r[0] === null), 'app_open events have no content'),
  },
  {
    name: 'revenue and orders by customer: leaves with different filters, FULL OUTER JOIN keeps customers with only canceled orders',
    input: { metrics: ['revenue', 'orders'], groupBy: ['customer'] },
    expectedSql: `SELECT customer_id AS customer, sum(total_order_value) FILTER (WHERE order_status <> 'canceled') AS revenue, count(*) AS orders
      FROM marts.fact_orders GROUP BY 1`,
    check: (rows) => assert.ok(rows.some((r) => r[1] === null && (r[2] as number) > 0), 'a customer with only canceled orders'),
  },
  {
    name: 'NOT / OR / boolean literal',
    input: engineQuery('orders-where-not-or').input,
    expectedSql: `SELECT order_status AS order__order_status, count(*) AS orders FROM marts.fact_orders
      WHERE order_status <> 'canceled' OR is_late_delivery GROUP BY 1`,
  },
  {
    name: 'IS NULL on a time dimension',
    input: engineQuery('orders-where-delivery-date-null').input,
    expectedSql: `SELECT order_status AS order__order_status, count(*) AS orders FROM marts.fact_orders WHERE delivery_date IS NULL GROUP BY 1`,
  },
  {
    name: 'LIKE on a joined dimension',
    input: engineQuery('sessions-where-country-like').input,
    expectedSql: `SELECT u.country AS user__country, count(*) AS sessions
      FROM marts.fct_user_sessions s JOIN marts.dim_users_current u ON u.user_id = s.user_id
      WHERE starts_with(u.country, 'B') GROUP BY 1`,
  },
  {
    name: 'CAST and a number on a joined dimension',
    input: engineQuery('gmv-where-cast-weight').input,
    expectedSql: `SELECT p.product_category AS product__product_category, sum(i.price) AS gross_merchandise_value
      FROM marts.fact_order_items i JOIN marts.dim_product p ON p.product_id = i.product_id
      WHERE p.product_weight_g > 1234 GROUP BY 1`,
  },
  {
    name: 'saved query with a caller filter, ordered and limited',
    input: engineQuery('saved-revenue-by-state-monthly').input,
    expectedSql: `SELECT make_date(year(o.order_date), month(o.order_date), 1) AS metric_time__month, c.customer_state AS customer__customer_state,
        sum(o.total_order_value) FILTER (WHERE ${NOT_CANCELED}) AS revenue, count(*) AS orders
      FROM marts.fact_orders o JOIN marts.dim_customer_current c ON c.customer_id = o.customer_id
      WHERE c.customer_segment = 'vip' GROUP BY 1, 2 ORDER BY 1, 2 LIMIT 21`,
    ordered: true,
  },
  {
    name: 'two models, no group-by (one row)',
    input: engineQuery('orders-and-sessions-total').input,
    expectedSql: `SELECT (SELECT count(*) FROM marts.fact_orders) AS orders, (SELECT count(*) FROM marts.fct_user_sessions) AS sessions`,
  },
  {
    name: 'average session duration by month',
    input: engineQuery('avg-session-duration-by-month').input,
    expectedSql: `SELECT make_date(year(session_date), month(session_date), 1) AS metric_time__month, avg(session_duration_seconds) AS avg_session_duration
      FROM marts.fct_user_sessions GROUP BY 1`,
  },
  {
    name: 'a TIMESTAMP dimension at hour, with a quarter date part',
    input: engineQuery('sessions-by-start-hour-and-quarter-part').input,
    expectedSql: `SELECT time_bucket(INTERVAL 1 HOUR, session_start) AS session__session_start__hour, quarter(session_date) AS metric_time__extract_quarter,
        count(*) AS sessions FROM marts.fct_user_sessions GROUP BY 1, 2`,
  },
];

describe('engine SQL executed on the demo DuckDB', () => {
  const engine = SemanticEngine.load(repoPath('semantic-layer'));
  let warehouse: DuckDbWarehouse;
  before(async () => {
    warehouse = await demoWarehouse();
  });
  after(async () => {
    await warehouse?.close();
  });

  for (const c of CASES) {
    it(c.name, async () => {
      const compiled = engine.compile(c.input, 'duckdb');
      const actual = await warehouse.execute(compiled.sql, compiled.parameters);
      const expected = await warehouse.execute(c.expectedSql, {});
      assert.ok(expected.rows.length > 0, 'the hand-written query returns rows (else the comparison proves little)');
      assert.deepEqual(
        actual.columns.map((col) => col.name),
        compiled.columns.map((col) => col.name),
        'result columns are the compiled columns',
      );
      assertSameRows(actual, expected, c.ordered ?? false);
      c.check?.(actual.rows);
    });
  }
});
