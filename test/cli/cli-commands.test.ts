import assert from 'node:assert/strict';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { FIXTURE_LAYER, runCli, tempDir } from './cli-harness';

const LAYER = ['--semantic-layer', FIXTURE_LAYER];

describe('stratum help and argument errors', () => {
  it('lists every command with examples', () => {
    const run = runCli(['--help']);
    assert.equal(run.status, 0, run.stderr);
    for (const command of ['validate', 'list', 'query', 'compile']) assert.match(run.stdout, new RegExp(`^\\s+${command}\\b`, 'm'));
    assert.match(run.stdout, /Examples:/);
  });

  it('documents the mf query flags and batch mode on query --help', () => {
    const run = runCli(['query', '--help']);
    assert.equal(run.status, 0, run.stderr);
    for (const flag of ['--metrics', '--group-by', '--where', '--order-by', '--limit', '--start-time', '--end-time', '--saved-query', '--duckdb', '--output', '--batch', '--semantic-layer']) {
      assert.ok(run.stdout.includes(flag), `query --help mentions ${flag}`);
    }
    assert.match(run.stdout, /\$ stratum query --batch/);
  });

  it('suggests the closest command for a typo and exits 1', () => {
    const run = runCli(['qurey']);
    assert.equal(run.status, 1);
    assert.match(run.stderr, /unknown command 'qurey'/);
    assert.match(run.stderr, /Did you mean query\?/);
  });

  it('suggests the closest option for a typo', () => {
    const run = runCli(['compile', ...LAYER, '--metric', 'revenue']);
    assert.equal(run.status, 1);
    assert.match(run.stderr, /unknown option '--metric'/);
    assert.match(run.stderr, /Did you mean --metrics\?/);
  });

  it('rejects an output format it does not have', () => {
    const run = runCli(['list', 'metrics', ...LAYER, '--output', 'xml']);
    assert.equal(run.status, 1);
    assert.match(run.stderr, /table, csv, json|"table", "csv", "json"/);
  });
});

describe('stratum validate', () => {
  it('prints a summary and exits 0 for valid definitions', () => {
    const run = runCli(['validate', ...LAYER]);
    assert.equal(run.status, 0, run.stderr);
    // The fixture: orders, order_items, customers; four metrics plus order_count from create_metric; one saved query.
    assert.match(run.stdout, /3 semantic models, 5 metrics, 1 saved query/);
  });

  it('lists every problem with file, line and fix, and exits 1', () => {
    const dir = tempDir('broken');
    mkdirSync(join(dir, 'models'));
    writeFileSync(
      join(dir, 'models', 'orders.yml'),
      ['semantic_models:', '  - name: orders', "    model: ref('fact_orders')", '    entities:', '      - name: order', '        type: primry', '        expr: order_id', ''].join('\n'),
    );
    writeFileSync(join(dir, 'metrics.yml'), ['metrics:', '  - name: revenue', '    type: simple', '    type_params:', '      measure: order_totl', ''].join('\n'));
    const run = runCli(['validate', '--semantic-layer', dir]);
    assert.equal(run.status, 1);
    assert.equal(run.stdout, '');
    assert.match(run.stderr, /models\/orders\.yml:6 at semantic_models\[0\]\.entities\[0\]\.type: .*primry.* Fix: /);
    assert.match(run.stderr, /metrics\.yml:5 at metrics\[0\]\.type_params\.measure: .*order_totl.* Fix: /);
  });

  it('compiles each saved query and reports one that cannot be planned', () => {
    const dir = tempDir('saved');
    cpSync(FIXTURE_LAYER, dir, { recursive: true });
    const file = join(dir, 'saved_queries.yml');
    writeFileSync(file, readFileSync(file, 'utf8').replace("Dimension('customer__customer_state')", "Dimension('customer__customer_stat')"));
    const run = runCli(['validate', '--semantic-layer', dir]);
    assert.equal(run.status, 1);
    assert.match(run.stderr, /saved_queries\.yml:\d+ at saved_queries\.revenue_by_state: \[INVALID_GROUP_BY\] .*customer__customer_stat.*Did you mean 'customer__customer_state'/);
  });

  it('reports a semantic layer path that does not exist', () => {
    const run = runCli(['validate', '--semantic-layer', join(tempDir('missing'), 'nowhere')]);
    assert.equal(run.status, 1);
    assert.match(run.stderr, /nowhere' does not exist/);
  });
});

describe('stratum list', () => {
  it('lists every metric', () => {
    const run = runCli(['list', 'metrics', ...LAYER, '--output', 'json']);
    assert.equal(run.status, 0, run.stderr);
    const result = JSON.parse(run.stdout) as { columns: { name: string }[]; rows: string[][] };
    assert.equal(result.columns[0]!.name, 'name');
    assert.deepEqual(result.rows.map((r) => r[0]).sort(), ['average_order_value', 'items', 'order_count', 'revenue', 'revenue_wow_change']);
  });

  it('lists the dimensions a metric can be grouped by', () => {
    const run = runCli(['list', 'dimensions', ...LAYER, '--metrics', 'revenue', '--output', 'csv']);
    assert.equal(run.status, 0, run.stderr);
    const names = run.stdout.split('\r\n').slice(1, -1).map((line) => line.split(',')[0]);
    for (const name of ['metric_time', 'order__order_date', 'order__order_status', 'customer__customer_state']) assert.ok(names.includes(name), name);
    assert.ok(!names.includes('order_item__item_date'), 'a dimension revenue cannot reach is not listed');
  });

  it('lists only the dimensions common to every metric given', () => {
    const revenueOnly = runCli(['list', 'dimensions', ...LAYER, '--metrics', 'revenue']);
    const both = runCli(['list', 'dimensions', ...LAYER, '--metrics', 'revenue,items']);
    assert.equal(both.status, 0, both.stderr);
    assert.match(revenueOnly.stdout, /^customer__customer_state\b/m);
    // items reads order_items, which reaches the customer only through the order: a different name.
    assert.doesNotMatch(both.stdout, /^customer__customer_state\b/m);
    assert.match(both.stdout, /^order__order_status\b/m);
  });

  it('lists entities and saved queries', () => {
    const entities = runCli(['list', 'entities', ...LAYER, '--metrics', 'revenue']);
    assert.equal(entities.status, 0, entities.stderr);
    assert.match(entities.stdout, /^order\s+PRIMARY\s+orders/m);
    assert.match(entities.stdout, /^customer\s+FOREIGN\s+orders/m);
    const saved = runCli(['list', 'saved-queries', ...LAYER]);
    assert.equal(saved.status, 0, saved.stderr);
    assert.match(saved.stdout, /^revenue_by_state\s+Revenue by state\s+revenue,order_count/m);
  });

  it('names an unknown metric with a suggestion', () => {
    const run = runCli(['list', 'dimensions', ...LAYER, '--metrics', 'revenu']);
    assert.equal(run.status, 1);
    assert.match(run.stderr, /^error \[UNKNOWN_METRIC\]: Unknown metric 'revenu'\. Did you mean 'revenue'/m);
  });
});

describe('stratum compile', () => {
  const filter = "{{ Dimension('customer__customer_state') }} = 'STATE_SENTINEL'";

  it('prints BigQuery SQL with named parameters and no caller value inside', () => {
    const run = runCli([
      'compile', ...LAYER, '--dialect', 'bigquery', '--metrics', 'revenue', '--group-by', 'metric_time__day,customer__customer_state',
      '--where', filter, '--start-time', '2024-02-03', '--limit', '7',
    ]);
    assert.equal(run.status, 0, run.stderr);
    const [sql, comments] = run.stdout.split(';\n-- parameters:\n');
    assert.ok(comments, 'parameters follow the SQL');
    assert.match(sql!, /@p0\b/);
    assert.match(sql!, /`marts`\.`fact_orders`/);
    assert.doesNotMatch(sql!, /STATE_SENTINEL|2024-02-03|\b7\b/);
    assert.match(comments, /"STATE_SENTINEL"/);
    assert.match(comments, /"2024-02-03"/);
  });

  it('prints the compiled query as JSON for DuckDB', () => {
    const run = runCli(['compile', ...LAYER, '--metrics', 'revenue', '--where', filter, '--output', 'json']);
    assert.equal(run.status, 0, run.stderr);
    const compiled = JSON.parse(run.stdout) as { sql: string; parameters: Record<string, unknown>; dialect: string; columns: { name: string }[] };
    assert.equal(compiled.dialect, 'duckdb');
    assert.match(compiled.sql, /\$p0\b/);
    assert.doesNotMatch(compiled.sql, /STATE_SENTINEL/);
    assert.ok(Object.values(compiled.parameters).includes('STATE_SENTINEL'));
    assert.deepEqual(compiled.columns.map((c) => c.name), ['revenue']);
  });

  it('rejects a dialect it does not know', () => {
    const run = runCli(['compile', ...LAYER, '--metrics', 'revenue', '--dialect', 'postgres']);
    assert.equal(run.status, 1);
    assert.match(run.stderr, /bigquery/);
  });
});
