import assert from 'node:assert/strict';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { createFixtureWarehouse, FIXTURE_LAYER, queryDuckDb, runCli, sortedRows, tempDir } from './cli-harness';

const LAYER = ['--semantic-layer', FIXTURE_LAYER];

interface JsonResult {
  columns: { name: string }[];
  rows: (string | number | null)[][];
}

/** Rows as objects keyed by column name. */
function records(stdout: string): Record<string, string | number | null>[] {
  const result = JSON.parse(stdout) as JsonResult;
  return result.rows.map((row) => Object.fromEntries(result.columns.map((c, i) => [c.name, row[i]!])));
}

describe('stratum list saved-queries and lineage', () => {
  it('shows each saved query’s group-bys, where filters, order, limit and exports', () => {
    const run = runCli(['list', 'saved-queries', ...LAYER, '--output', 'json']);
    assert.equal(run.status, 0, run.stderr);
    // As written in test/fixtures/spec/dbt-project/saved_queries.yml.
    assert.deepEqual(records(run.stdout), [
      {
        name: 'revenue_by_state',
        label: 'Revenue by state',
        metrics: 'revenue,order_count',
        group_by: 'metric_time__month,customer__customer_state',
        where: "{{ TimeDimension('metric_time', 'day') }} >= '2024-01-01'",
        order_by: 'metric_time__month',
        limit: 100,
        exports: 'revenue_by_state (table exports.revenue_by_state)',
        description: 'Monthly revenue per customer state.',
      },
    ]);
  });

  it('lists a metric’s lineage: input metrics by depth, measures, semantic models and tables', () => {
    const run = runCli(['list', 'lineage', ...LAYER, '--metrics', 'average_order_value', '--output', 'json']);
    assert.equal(run.status, 0, run.stderr);
    const rows = records(run.stdout).map((r) => [r['kind'], r['name'], r['depth'], r['type'], r['uses']]);
    assert.deepEqual(rows, [
      ['metric', 'average_order_value', 0, 'ratio', 'revenue, order_count'],
      ['metric', 'revenue', 1, 'simple', 'order_total (measure)'],
      ['metric', 'order_count', 1, 'simple', 'order_count (measure)'],
      ['measure', 'order_total', null, 'sum', 'orders'],
      ['measure', 'order_count', null, 'count', 'orders'],
      ['semantic_model', 'orders', null, 'table', 'marts.fact_orders'],
    ]);
  });

  it('names an unknown metric in lineage with a suggestion', () => {
    const run = runCli(['list', 'lineage', ...LAYER, '--metrics', 'average_order_valu']);
    assert.equal(run.status, 1);
    assert.match(run.stderr, /\[UNKNOWN_METRIC\]: Unknown metric 'average_order_valu'\. Did you mean 'average_order_value'/);
  });
});

describe('stratum query --saved-query', () => {
  let warehouse: string;
  let layer: string;
  const IN_SP = "{{ Dimension('customer__customer_state') }} = 'SP'";

  before(async () => {
    const dir = tempDir('saved-run');
    warehouse = await createFixtureWarehouse(dir);
    // The fixture's own filter keeps every order; one that drops rows shows it is applied.
    layer = join(dir, 'layer');
    cpSync(FIXTURE_LAYER, layer, { recursive: true });
    const file = join(layer, 'saved_queries.yml');
    const text = readFileSync(file, 'utf8');
    const changed = text.replace(/where: .*\n/, `where:\n        - "${IN_SP}"\n`);
    assert.notEqual(changed, text);
    writeFileSync(file, changed);
  });

  it('runs the saved query with its where filter, as the same explicit query', async () => {
    const common = ['--semantic-layer', layer, '--duckdb', warehouse, '--output', 'json'];
    const byName = runCli(['query', '--saved-query', 'revenue_by_state', ...common]);
    assert.equal(byName.status, 0, byName.stderr);
    const explicit = runCli([
      'query', '--metrics', 'revenue,order_count', '--group-by', 'metric_time__month,customer__customer_state',
      '--where', IN_SP, '--order-by', 'metric_time__month', '--limit', '100', ...common,
    ]);
    assert.equal(explicit.status, 0, explicit.stderr);
    const rows = (JSON.parse(byName.stdout) as JsonResult).rows;
    assert.deepEqual(rows, (JSON.parse(explicit.stdout) as JsonResult).rows);
    assert.ok(rows.length > 0);
    assert.ok(rows.every((r) => r[1] === 'SP'), 'only SP rows');
    // Hand-written: orders per month of customers in SP.
    const hand = await queryDuckDb(
      warehouse,
      `SELECT CAST(CAST(date_trunc('month', o.order_date) AS DATE) AS VARCHAR), CAST(COUNT(*) AS INTEGER)
       FROM marts.fact_orders o JOIN marts.dim_customer_current c USING (customer_id) WHERE c.customer_state = 'SP' GROUP BY 1`,
    );
    assert.deepEqual(sortedRows(rows.map((r) => [r[0], r[3]])), sortedRows(hand));
  });
});
