/**
 * Real execution of MetricFlow semantics beyond simple aggregation: conversion metrics, semi-additive
 * measures, metrics in where filters, queries without metrics, and approximate percentiles. The engine's
 * DuckDB SQL, run on the demo marts, must give the rows of SQL written by hand from the YAML and
 * MetricFlow's rules (EXISTS and correlated subqueries rather than the engine's joins and window
 * functions). The conversion and semi-additive cases are in semantics-cases.ts.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  loadSemanticLayer,
  SemanticEngine,
  type ConversionTypeParams,
  type Metric,
  type MetricQueryInput,
  type SemanticManifest,
} from '../../../src/semantic';
import type { DuckDbWarehouse } from '../../../src/warehouse/duckdb/duckdb-warehouse';
import { typeEngineFromWarehouse } from '../../../src/warehouse/typed-engine';
import { demoWarehouse, repoPath } from '../../support/demo-db';
import { assertMatchesHandWritten } from '../../support/row-assert';
import { expectSemanticError } from '../../support/semantic-assert';
import { CONVERSION_CASES, monthOf, num, SEMI_ADDITIVE_CASES, type Row, type SemanticsCase } from './semantics-cases';

const conversion = (name: string, params: Partial<ConversionTypeParams>): Metric => ({
  name,
  type: 'conversion',
  type_params: { conversion_type_params: { base_measure: { name: 'new_users' }, conversion_measure: { name: 'engaged_users', fill_nulls_with: 0 }, entity: 'user', ...params } },
});

/** Conversions the demo does not define: without a window, and with constant properties. */
const EXTRA_METRICS: Metric[] = [
  conversion('ever_active_users', { calculation: 'conversions' }),
  conversion('ever_active_rate', { calculation: 'conversion_rate' }),
  // MetricFlow's own example of a constant property: the conversion happens in the same session.
  conversion('session_post_rate', {
    base_measure: { name: 'session_count' },
    conversion_measure: { name: 'posts_created', fill_nulls_with: 0 },
    window: { count: 1, granularity: 'day' },
    constant_properties: [{ base_property: 'session', conversion_property: 'session' }],
  }),
  // Properties reached through joins (MetricFlow itself takes only the models' own elements here).
  conversion('home_country_users', {
    calculation: 'conversions',
    constant_properties: [{ base_property: 'user__country', conversion_property: 'user__country_at_event' }],
  }),
];

function manifestWithExtras(): SemanticManifest {
  const manifest = structuredClone(loadSemanticLayer(repoPath('semantic-layer')));
  manifest.metrics.push(...EXTRA_METRICS);
  return manifest;
}

// ---- metrics in filters -----------------------------------------------------------------------------
// MetricFlow computes `{{ Metric('orders', group_by=['customer']) }}` as its own query (the metric by the
// entity, all time, none of the outer query's filters or time range) and joins it to the rows.
const ORDERS_OF = (alias: string) => `(SELECT count(*) FROM marts.fact_orders o2 WHERE o2.customer_id = ${alias}.customer_id)`;
const REVENUE = "marts.fact_orders o WHERE o.order_status <> 'canceled'";
const REPEAT = "{{ Metric('orders', group_by=['customer']) }} >= 2";
/** Items of orders whose customer has at least 2 orders. */
const itemsOfRepeatCustomers = `SELECT ${monthOf('i.order_date')} AS metric_time__month, count(*) AS items_sold
  FROM marts.fact_order_items i JOIN marts.fact_orders o ON o.order_id = i.order_id WHERE ${ORDERS_OF('o')} >= 2 GROUP BY 1`;

const METRIC_FILTER_CASES: SemanticsCase[] = [
  {
    name: "metric filter: revenue by month of customers with 2+ orders (canceled ones count: 'orders' has no filter)",
    input: { metrics: ['revenue'], groupBy: ['metric_time__month'], where: [REPEAT] },
    expectedSql: `SELECT ${monthOf('o.order_date')} AS metric_time__month, sum(o.total_order_value) AS revenue FROM ${REVENUE} AND ${ORDERS_OF('o')} >= 2 GROUP BY 1`,
    rows: 6,
    check: async (rows, { query, sql }) => {
      const rest = new Map((await query({ metrics: ['revenue'], groupBy: ['metric_time__month'], where: ["{{ Metric('orders', group_by=['customer']) }} < 2"] })).map((r) => [r[0], r[1]]));
      const all = new Map((await query({ metrics: ['revenue'], groupBy: ['metric_time__month'] })).map((r) => [r[0], r[1]]));
      for (const [month, v] of rows) assert.ok(Math.abs(num(v) + num(rest.get(month)) - num(all.get(month))) < 0.01, `2+ and <2 split ${month}`);
      const [[withCanceled]] = await sql(`SELECT count(*) FROM marts.dim_customer_current c WHERE ${ORDERS_OF('c')} >= 2
        AND (SELECT count(*) FROM marts.fact_orders o2 WHERE o2.customer_id = c.customer_id AND o2.order_status <> 'canceled') = 1`);
      assert.ok(num(withCanceled) > 0, 'some customer reaches 2 orders only with a canceled one (else the case cannot tell)');
    },
  },
  {
    name: 'metric filter: revenue by customer state of customers with 2+ orders',
    input: { metrics: ['revenue'], groupBy: ['customer__customer_state'], where: [REPEAT] },
    expectedSql: `SELECT c.customer_state AS customer__customer_state, sum(o.total_order_value) AS revenue
      FROM marts.fact_orders o LEFT JOIN marts.dim_customer_current c ON c.customer_id = o.customer_id
      WHERE o.order_status <> 'canceled' AND ${ORDERS_OF('o')} >= 2 GROUP BY 1`,
    rows: 14,
  },
  {
    name: "metric filter with startTime/endTime: the customer's orders are counted over all time, not the range",
    input: { metrics: ['revenue'], groupBy: ['metric_time__day'], where: [REPEAT], startTime: '2024-03-01', endTime: '2024-03-07' },
    expectedSql: `SELECT o.order_date AS metric_time__day, sum(o.total_order_value) AS revenue FROM ${REVENUE}
      AND o.order_date BETWEEN DATE '2024-03-01' AND DATE '2024-03-07' AND ${ORDERS_OF('o')} >= 2 GROUP BY 1`,
    rows: 7,
    check: async (_rows, { sql }) => {
      const [[n]] = await sql(`SELECT count(*) FROM ${REVENUE} AND o.order_date BETWEEN DATE '2024-03-01' AND DATE '2024-03-07'
        AND (SELECT count(*) FROM marts.fact_orders o2 WHERE o2.customer_id = o.customer_id AND o2.order_date BETWEEN DATE '2024-03-01' AND DATE '2024-03-07') < 2
        AND ${ORDERS_OF('o')} >= 2`);
      assert.ok(num(n) > 0, 'some order in range is by a customer with 2+ orders only over all time (else the case cannot tell)');
    },
  },
  {
    name: 'metric filter through a join: items of orders whose customer has 2+ orders (group_by order__customer)',
    input: { metrics: ['items_sold'], groupBy: ['metric_time__month'], where: ["{{ Metric('orders', group_by=['order__customer']) }} >= 2"] },
    expectedSql: itemsOfRepeatCustomers,
    rows: 6,
  },
  {
    // MetricFlow's group_by names the entity of the metric subquery; the outer join path is then found by
    // suffix match (entity_link_pattern.py), so 'customer' reaches items through order__customer.
    name: "metric filter through a join, MetricFlow's spelling: group_by=['customer'] on items_sold resolves to order__customer",
    input: { metrics: ['items_sold'], groupBy: ['metric_time__month'], where: [REPEAT] },
    expectedSql: itemsOfRepeatCustomers,
    rows: 6,
  },
];

// ---- queries without metrics ------------------------------------------------------------------------
const fiscalQuarterOf = (col: string) => `CAST(date_trunc('quarter', ${col} - INTERVAL 1 MONTH) + INTERVAL 1 MONTH AS DATE)`;

const DIMENSION_CASES: SemanticsCase[] = [
  {
    name: 'no metrics: metric_time__month from startTime to endTime gives the whole months they touch',
    input: { groupBy: ['metric_time__month'], startTime: '2024-02-10', endTime: '2024-04-03' },
    expectedSql: `SELECT DISTINCT ${monthOf('date_day')} AS metric_time__month FROM marts.dim_date
      WHERE ${monthOf('date_day')} <= DATE '2024-04-03' AND ${monthOf('date_day')} + INTERVAL 1 MONTH > DATE '2024-02-10'`,
    rows: 3,
  },
  {
    name: 'no metrics: the distinct customer states',
    input: { groupBy: ['customer__customer_state'] },
    expectedSql: 'SELECT DISTINCT customer_state AS customer__customer_state FROM marts.dim_customer_current',
    rows: 14,
  },
  {
    // MetricFlow joins the models of a query without metrics with FULL OUTER JOIN (dataflow_plan_builder.py:
    // default_join_type = FULL_OUTER when no measure is queried): SP customers without an order give a NULL status.
    name: 'no metrics: order statuses where the customer is in SP (a join; customers without orders add NULL)',
    input: { groupBy: ['order__order_status'], where: ["{{ Dimension('customer__customer_state') }} = 'SP'"] },
    expectedSql: `SELECT DISTINCT o.order_status AS order__order_status
      FROM marts.fact_orders o FULL OUTER JOIN marts.dim_customer_current c ON c.customer_id = o.customer_id WHERE c.customer_state = 'SP'`,
    check: async (rows, { sql }) => {
      const [[without]] = await sql(`SELECT count(*) FROM marts.dim_customer_current c WHERE c.customer_state = 'SP' AND ${ORDERS_OF('c')} = 0`);
      assert.ok(num(without) > 0, 'some SP customer has no order');
      assert.ok(rows.some((r) => r[0] === null), 'the NULL status of SP customers without orders');
    },
  },
  {
    name: 'no metrics: fiscal quarters of FY2024 crossed with customer segments',
    input: { groupBy: ['metric_time__fiscal_quarter', 'customer__customer_segment'], startTime: '2024-02-01', endTime: '2025-01-31' },
    expectedSql: `SELECT q.fq AS metric_time__fiscal_quarter, s.customer_segment AS customer__customer_segment
      FROM (SELECT DISTINCT ${fiscalQuarterOf('CAST(d AS DATE)')} AS fq FROM generate_series(DATE '2024-02-01', DATE '2025-01-31', INTERVAL 1 DAY) g(d)) q,
        (SELECT DISTINCT customer_segment FROM marts.dim_customer_current) s`,
    rows: 4 * 4,
  },
  {
    name: 'no metrics: orderBy descending and limit',
    input: { groupBy: ['customer__customer_state'], orderBy: ['-customer__customer_state'], limit: 5 },
    expectedSql: 'SELECT DISTINCT customer_state AS customer__customer_state FROM marts.dim_customer_current ORDER BY 1 DESC LIMIT 5',
    ordered: true,
    rows: 5,
  },
  {
    name: 'no metrics: metric_time__month ordered descending with a limit inside a range',
    input: { groupBy: ['metric_time__month'], startTime: '2024-01-01', endTime: '2024-12-31', orderBy: [{ name: 'metric_time__month', descending: true }], limit: 2 },
    expectedSql: "SELECT CAST(m AS DATE) AS metric_time__month FROM generate_series(DATE '2024-11-01', DATE '2024-12-01', INTERVAL 1 MONTH) g(m) ORDER BY 1 DESC",
    ordered: true,
    rows: 2,
  },
];

describe('MetricFlow semantics (conversions, semi-additive, metric filters, no-metric queries) executed on the demo DuckDB', () => {
  let engine: SemanticEngine;
  let warehouse: DuckDbWarehouse;
  const sql = async (text: string): Promise<Row[]> => (await warehouse.execute(text, {})).rows;
  const query = async (input: MetricQueryInput): Promise<Row[]> => {
    const compiled = engine.compile(input, 'duckdb');
    return (await warehouse.execute(compiled.sql, compiled.parameters)).rows;
  };

  before(async () => {
    warehouse = await demoWarehouse();
    const typed = await typeEngineFromWarehouse(new SemanticEngine(manifestWithExtras()), warehouse);
    assert.deepEqual(typed.missingTables, [], 'the demo warehouse has every table the definitions name');
    engine = typed.engine;
    // The hand-written SQL relies on these facts of the demo data; say so if they stop holding.
    const [facts] = await sql(`SELECT
        (SELECT count(*) = count(DISTINCT user_id) AND count(signup_date) = count(*) FROM marts.dim_users_current),
        (SELECT count(*) = 182 * count(DISTINCT product_id) AND count(*) = count(DISTINCT (product_id, snapshot_date)) FROM marts.fct_inventory_daily),
        (SELECT count(*) FROM marts.fct_user_engagement e JOIN marts.fct_user_sessions s USING (session_id)
          WHERE e.user_id <> s.user_id OR e.event_date <> s.session_date OR e.device_key <> s.device_key),
        (SELECT count(DISTINCT product_id) = count(*) FROM marts.dim_product)`);
    assert.deepEqual(facts, [true, true, 0, true], 'demo data shape: one signup per user, a stock row per product and day, events agree with their sessions');
  });
  after(async () => {
    await warehouse?.close();
  });

  const groups: [string, SemanticsCase[]][] = [
    ['conversion metrics', CONVERSION_CASES],
    ['semi-additive measures', SEMI_ADDITIVE_CASES],
    ['metrics in where filters', METRIC_FILTER_CASES],
    ['queries without metrics', DIMENSION_CASES],
  ];
  for (const [group, cases] of groups) {
    describe(group, () => {
      for (const c of cases) {
        it(c.name, () => assertMatchesHandWritten(engine, warehouse, c));
      }
    });
  }

  describe('errors of metrics in filters', () => {
    it('an unknown metric is INVALID_FILTER naming it', () => {
      const where = ["{{ Metric('ordres', group_by=['customer']) }} >= 2"];
      expectSemanticError(() => engine.compile({ metrics: ['revenue'], groupBy: ['metric_time__month'], where }, 'duckdb'), 'INVALID_FILTER', /'ordres'.*'orders'/s);
    });

    it('a group_by that is not an entity is INVALID_FILTER naming it', () => {
      for (const item of ['customer__customer_state', 'metric_time', 'order__order_status']) {
        const where = [`{{ Metric('orders', group_by=['${item}']) }} >= 2`];
        expectSemanticError(() => engine.compile({ metrics: ['revenue'], where }, 'duckdb'), 'INVALID_FILTER', new RegExp(`'${item}'`));
      }
    });
  });

  describe('approximate percentiles', () => {
    it('median_order_value and p90_order_value by quarter: within 2% of the value range of the exact quantiles', async () => {
      const rows = await query({ metrics: ['median_order_value', 'p90_order_value'], groupBy: ['metric_time__quarter'] });
      const exact = await sql(`SELECT CAST(date_trunc('quarter', order_date) AS DATE) AS q, quantile_cont(total_order_value, 0.5),
          quantile_cont(total_order_value, 0.9), max(total_order_value) - min(total_order_value) FROM marts.fact_orders GROUP BY 1`);
      assert.equal(rows.length, exact.length, 'one row per quarter with orders');
      assert.equal(exact.length, 2, 'the data covers two quarters');
      const byQuarter = new Map(exact.map((r) => [r[0], r]));
      for (const [quarter, median, p90] of rows) {
        const [, m, p, range] = byQuarter.get(quarter)!;
        assert.ok(Math.abs(num(median) - num(m)) <= 0.02 * num(range), `median of ${quarter}: ${median} vs exact ${m}`);
        assert.ok(Math.abs(num(p90) - num(p)) <= 0.02 * num(range), `p90 of ${quarter}: ${p90} vs exact ${p}`);
        assert.ok(num(p90) > num(median), `p90 above the median in ${quarter}`);
      }
    });
  });
});
