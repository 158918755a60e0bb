/**
 * The demo definitions (semantic-layer/) against the demo marts they describe: every table and column
 * they name exists; the point-in-time (SCD type 2) dimensions give the answers the facts' own version
 * keys give (orders carry customer_key, events carry user_key: the version valid when they happened),
 * a route the hand-written SQL takes on purpose instead of repeating the engine's validity-window
 * join; the fiscal granularities of the time spine and the semi-additive stock measures give what
 * SQL over known period boundaries gives.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SemanticEngine, parseSemanticLayerFiles, type MetricQueryInput } from '../../src/semantic';
import type { SpecFile } from '../../src/semantic/spec/semantic-layer-loader';
import type { DuckDbWarehouse } from '../../src/warehouse/duckdb/duckdb-warehouse';
import { typeEngineFromWarehouse } from '../../src/warehouse/typed-engine';
import { tableKey, type TableColumns, type WarehouseResult } from '../../src/warehouse/warehouse';
import { demoWarehouse, repoPath } from '../support/demo-db';

type Row = WarehouseResult['rows'][number];

const PLAIN_COLUMN = /^[A-Za-z_][A-Za-z0-9_]*$/;
const NOT_CANCELED = "o.order_status <> 'canceled'";

/**
 * Metrics over the stock measures, for this test only (the demo's own metrics are another matter):
 * named so that they cannot collide with metrics the demo adds later.
 */
const STOCK_METRICS: SpecFile = {
  path: 'test-stock-metrics.yml',
  text: `
metrics:
  - { name: test_closing_units, type: simple, type_params: { measure: units_on_hand } }
  - { name: test_opening_units, type: simple, type_params: { measure: opening_units_on_hand } }
  - { name: test_closing_value, type: simple, type_params: { measure: stock_value } }
  - { name: test_units_sold, type: simple, type_params: { measure: units_sold } }
`,
};

/** The YAML files of a semantic-layer folder, as the loader would read them (features/ is not semantic-layer). */
function specFiles(root: string): SpecFile[] {
  const out: SpecFile[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory() && !(dir === root && entry.name === 'features')) walk(path);
      else if (entry.isFile() && /\.ya?ml$/.test(entry.name)) out.push({ path: relative(root, path), text: readFileSync(path, 'utf8') });
    }
  };
  walk(root);
  return out;
}

/** Rows as a sorted list of JSON strings, so that two results compare as sets. */
function asSet(rows: Row[]): string[] {
  return rows.map((r) => JSON.stringify(r)).sort();
}

describe('the demo semantic layer on the demo marts', () => {
  let warehouse: DuckDbWarehouse;
  let engine: SemanticEngine;
  let columns: TableColumns;
  let missingTables: string[];

  before(async () => {
    warehouse = await demoWarehouse();
    const loaded = new SemanticEngine(parseSemanticLayerFiles([...specFiles(repoPath('semantic-layer')), STOCK_METRICS]));
    ({ engine, missingTables } = await typeEngineFromWarehouse(loaded, warehouse));
    columns = await warehouse.describeTables(
      [...loaded.manifest.semantic_models.map((m) => ({ schema: m.node_relation.schema_name, table: m.node_relation.alias })), { schema: 'marts', table: 'dim_date' }],
    );
  });
  after(async () => warehouse?.close());

  async function run(input: MetricQueryInput): Promise<WarehouseResult> {
    const compiled = engine.compile(input, 'duckdb');
    return warehouse.execute(compiled.sql, compiled.parameters);
  }

  async function sameRows(input: MetricQueryInput, expectedSql: string): Promise<Row[]> {
    const actual = await run(input);
    const expected = await warehouse.execute(expectedSql, {});
    assert.ok(expected.rows.length > 1, 'the hand-written query returns several rows');
    assert.deepEqual(asSet(actual.rows), asSet(expected.rows));
    return actual.rows;
  }

  it('names only tables and columns that the marts have', () => {
    assert.deepEqual(missingTables, []);
    for (const model of engine.manifest.semantic_models) {
      const table = columns.get(tableKey({ schema: model.node_relation.schema_name, table: model.node_relation.alias }))!;
      const exprs = [...model.entities, ...model.dimensions, ...model.measures].map((e) => ('expr' in e && e.expr !== undefined ? String(e.expr) : e.name));
      for (const expr of exprs.filter((e) => PLAIN_COLUMN.test(e))) {
        assert.ok(table.has(expr.toLowerCase()), `${model.name}: no column '${expr}' in ${model.node_relation.alias}`);
      }
      for (const dim of model.dimensions.filter((d) => d.type === 'time')) {
        assert.match(table.get((dim.expr ?? dim.name).toLowerCase()) ?? '', /^(DATE|TIMESTAMP)$/, `${model.name}.${dim.name}`);
      }
    }
  });

  it('declares dim_date as the time spine, with fiscal granularities on DATE columns of one row per day', async () => {
    assert.deepEqual(engine.manifest.project_configuration.time_spines, [
      {
        node_relation: { alias: 'dim_date', schema_name: 'marts' },
        primary_column: { name: 'date_day', time_granularity: 'day' },
        custom_granularities: [
          { name: 'fiscal_quarter', column_name: 'fiscal_quarter' },
          { name: 'fiscal_year', column_name: 'fiscal_year_start' },
        ],
      },
    ]);
    const dimDate = columns.get('marts.dim_date')!;
    assert.deepEqual(['date_day', 'fiscal_quarter', 'fiscal_year_start'].map((c) => dimDate.get(c)), ['DATE', 'DATE', 'DATE']);
    const [[days, distinct, gaps]] = (
      await warehouse.execute(
        `SELECT count(*), count(DISTINCT date_day), count(*) FILTER (WHERE step <> 1)
         FROM (SELECT date_day, date_day - lag(date_day) OVER (ORDER BY date_day) AS step FROM marts.dim_date)`,
        {},
      )
    ).rows;
    assert.equal(distinct, days);
    assert.equal(gaps, 0);
  });

  it('declares semi-additive stock measures: closing (max) and opening (min) per product', () => {
    const inventory = engine.manifest.semantic_models.find((m) => m.name === 'inventory')!;
    const nad = Object.fromEntries(inventory.measures.map((m) => [m.name, m.non_additive_dimension]));
    assert.deepEqual(nad['units_on_hand'], { name: 'snapshot_date', window_choice: 'max', window_groupings: ['product'] });
    assert.deepEqual(nad['opening_units_on_hand'], { name: 'snapshot_date', window_choice: 'min', window_groupings: ['product'] });
    assert.deepEqual(nad['stock_value'], { name: 'snapshot_date', window_choice: 'max', window_groupings: ['product'] });
    assert.equal(nad['units_sold'], undefined);
  });

  it('groups revenue by fiscal quarter and fiscal year (February to January)', async () => {
    await sameRows(
      { metrics: ['revenue'], groupBy: ['metric_time__fiscal_quarter'] },
      `SELECT q.fiscal_quarter, sum(o.total_order_value) FROM marts.fact_orders o
       JOIN (VALUES ('2023-11-01', DATE '2023-11-01', DATE '2024-01-31'), ('2024-02-01', DATE '2024-02-01', DATE '2024-04-30'),
                    ('2024-05-01', DATE '2024-05-01', DATE '2024-07-31')) q(fiscal_quarter, first_day, last_day)
         ON o.order_date BETWEEN q.first_day AND q.last_day
       WHERE ${NOT_CANCELED} GROUP BY 1`,
    );
    await sameRows(
      { metrics: ['revenue'], groupBy: ['metric_time__fiscal_year'] },
      `SELECT CASE WHEN o.order_date < DATE '2024-02-01' THEN '2023-02-01' ELSE '2024-02-01' END, sum(o.total_order_value)
       FROM marts.fact_orders o WHERE ${NOT_CANCELED} GROUP BY 1`,
    );
  });

  it('takes stock at the end (and the start) of each month, summed over products', async () => {
    await sameRows(
      { metrics: ['test_closing_units', 'test_opening_units', 'test_closing_value', 'test_units_sold'], groupBy: ['metric_time__month'] },
      // Every tracked product has a row every day: the month's last and first days are each product's.
      `SELECT date_trunc('month', snapshot_date)::DATE::VARCHAR,
              sum(units_on_hand) FILTER (WHERE snapshot_date = last_day(snapshot_date)),
              sum(units_on_hand) FILTER (WHERE day(snapshot_date) = 1),
              sum(stock_value) FILTER (WHERE snapshot_date = last_day(snapshot_date)),
              sum(units_sold)
       FROM marts.fct_inventory_daily GROUP BY 1`,
    );
  });

  it('takes closing stock per category at the end of each fiscal quarter the data reaches', async () => {
    await sameRows(
      { metrics: ['test_closing_units'], groupBy: ['metric_time__fiscal_quarter', 'product__product_category'] },
      `SELECT q.fiscal_quarter, p.product_category, sum(i.units_on_hand) FROM marts.fct_inventory_daily i
       JOIN marts.dim_product p USING (product_id)
       JOIN (VALUES ('2023-11-01', DATE '2024-01-31'), ('2024-02-01', DATE '2024-04-30'), ('2024-05-01', DATE '2024-06-30')) q(fiscal_quarter, last_day)
         ON i.snapshot_date = q.last_day
       GROUP BY 1, 2`,
    );
  });

  it('gives revenue by the customer segment as it was at order time', async () => {
    const rows = await sameRows(
      { metrics: ['revenue'], groupBy: ['customer__customer_segment_at_order'] },
      `SELECT d.customer_segment, sum(o.total_order_value) FROM marts.fact_orders o
       LEFT JOIN marts.dim_customer d ON d.customer_key = o.customer_key WHERE ${NOT_CANCELED} GROUP BY 1`,
    );
    // Every customer starts as 'new': at order time there are 'new' orders that today's segment no longer shows as such.
    const current = await run({ metrics: ['revenue'], groupBy: ['customer__customer_segment'] });
    assert.notDeepEqual(asSet(rows), asSet(current.rows));
  });

  it('gives DAU by the user country at event time, per month', async () => {
    const rows = await sameRows(
      { metrics: ['dau'], groupBy: ['metric_time__month', 'user__country_at_event'] },
      `SELECT date_trunc('month', e.event_date)::DATE::VARCHAR, d.country, count(DISTINCT e.user_id)
       FROM marts.fct_user_engagement e LEFT JOIN marts.dim_users d ON d.user_key = e.user_key GROUP BY 1, 2`,
    );
    const current = await run({ metrics: ['dau'], groupBy: ['metric_time__month', 'user__country'] });
    assert.notDeepEqual(asSet(rows), asSet(current.rows));
  });

  it('groups by the current and the at-event-time country together, each by its own join', async () => {
    // A session's events share its user and date, and versions change at midnight: their user_key is the session's version.
    const rows = await sameRows(
      { metrics: ['sessions'], groupBy: ['user__country', 'user__country_at_event'] },
      `SELECT cur.country, h.country, count(*) FROM marts.fct_user_sessions s
       JOIN (SELECT DISTINCT session_id, user_key FROM marts.fct_user_engagement) e USING (session_id)
       JOIN marts.dim_users h ON h.user_key = e.user_key
       JOIN marts.dim_users_current cur ON cur.user_id = s.user_id
       GROUP BY 1, 2`,
    );
    assert.ok(rows.some((r) => r[0] !== r[1]), 'some sessions happened in a country the user has since left');
  });

  it('reaches a versioned model two hops away, at the item order date, and filters on it', async () => {
    await sameRows(
      {
        metrics: ['items_sold'],
        groupBy: ['metric_time__month', 'order__customer__customer_segment_at_order'],
        where: ["{{ Dimension('order__customer__customer_segment_at_order') }} IN ('vip', 'at_risk')"],
      },
      `SELECT date_trunc('month', i.order_date)::DATE::VARCHAR, d.customer_segment, count(*)
       FROM marts.fact_order_items i JOIN marts.fact_orders o USING (order_id)
       JOIN marts.dim_customer d ON d.customer_key = o.customer_key
       WHERE d.customer_segment IN ('vip', 'at_risk') GROUP BY 1, 2`,
    );
  });
});
