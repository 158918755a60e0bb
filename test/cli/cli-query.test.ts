import assert from 'node:assert/strict';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { createFixtureWarehouse, FIXTURE_LAYER, parseCsv, parseTable, queryDuckDb, runCli, sortedRows, tempDir } from './cli-harness';

type Row = (string | number | null)[];

/** Revenue (non-canceled order value) and order count (all orders) per month and customer state, by hand. */
const BY_MONTH_AND_STATE = `
  SELECT CAST(CAST(date_trunc('month', o.order_date) AS DATE) AS VARCHAR) AS month,
         c.customer_state,
         CAST(SUM(o.total_order_value) FILTER (WHERE o.order_status <> 'canceled') AS VARCHAR) AS revenue,
         CAST(COUNT(o.order_id) AS INTEGER) AS order_count
  FROM marts.fact_orders o
  LEFT JOIN marts.dim_customer_current c ON c.customer_id = o.customer_id
  GROUP BY 1, 2`;

/** DECIMAL sums come back as text from the hand-written SQL; the CLI prints them as JSON numbers. */
function withNumbers(rows: Row[], columns: number[]): Row[] {
  return rows.map((row) => row.map((v, i) => (columns.includes(i) && v !== null ? Number(v) : v)));
}

describe('stratum query on an existing DuckDB file', () => {
  let db: string;
  let expected: Row[];
  const args = () => ['query', '--semantic-layer', FIXTURE_LAYER, '--duckdb', db, '--metrics', 'revenue,order_count', '--group-by', 'metric_time__month,customer__customer_state'];

  before(async () => {
    db = await createFixtureWarehouse(tempDir('query'));
    expected = withNumbers(await queryDuckDb(db, BY_MONTH_AND_STATE), [2]);
    assert.ok(expected.some((r) => r[1] === null), 'the data has a customer without a state');
    assert.ok(expected.some((r) => r[2] === null), 'the data has a group whose orders were all canceled');
  });

  it('prints JSON whose values equal the hand-written SQL', () => {
    const run = runCli([...args(), '--output', 'json']);
    assert.equal(run.status, 0, run.stderr);
    const result = JSON.parse(run.stdout) as { columns: { name: string; type: string }[]; rows: Row[] };
    assert.deepEqual(result.columns, [
      { name: 'metric_time__month', type: 'DATE' },
      { name: 'customer__customer_state', type: 'STRING' },
      { name: 'revenue', type: 'NUMERIC' },
      { name: 'order_count', type: 'INTEGER' },
    ]);
    assert.deepEqual(sortedRows(result.rows), sortedRows(expected));
  });

  it('prints RFC 4180 CSV with the same values', () => {
    const run = runCli([...args(), '--output', 'csv']);
    assert.equal(run.status, 0, run.stderr);
    const [header, ...rows] = parseCsv(run.stdout);
    assert.deepEqual(header, ['metric_time__month', 'customer__customer_state', 'revenue', 'order_count']);
    assert.ok(run.stdout.includes('"Rio ""RJ"", BR"'), 'a value with a quote and a comma is quoted, its quote doubled');
    assert.deepEqual(sortedRows(rows), sortedRows(expected.map((r) => r.map((v) => (v === null ? '' : String(v))))));
  });

  it('prints an aligned table with the same values', () => {
    const run = runCli(args());
    assert.equal(run.status, 0, run.stderr);
    const table = parseTable(run.stdout);
    assert.deepEqual(table.header, ['metric_time__month', 'customer__customer_state', 'revenue', 'order_count']);
    assert.deepEqual(sortedRows(table.rows), sortedRows(expected.map((r) => r.map((v) => (v === null ? '' : String(v))))));
    const lines = run.stdout.trimEnd().split('\n');
    const countEnd = lines[1]!.length;
    assert.ok(lines.slice(2).every((l) => l.length === countEnd), 'numbers are right-aligned to the last column\'s edge');
  });

  it('applies --where, --start-time, --end-time, --order-by and --limit', async () => {
    const run = runCli([
      'query', '--semantic-layer', FIXTURE_LAYER, '--duckdb', db, '--output', 'json',
      '--metrics', 'revenue', '--group-by', 'metric_time__day',
      '--where', "{{ Dimension('order__order_status') }} = 'delivered'",
      '--where', "{{ Dimension('customer__customer_state') }} IN ('SP', 'MG')",
      '--start-time', '2024-01-15', '--end-time', '2024-04-10',
      '--order-by', '-revenue,metric_time__day', '--limit', '5',
    ]);
    assert.equal(run.status, 0, run.stderr);
    const hand = await queryDuckDb(db, `
      SELECT CAST(o.order_date AS VARCHAR), CAST(SUM(o.total_order_value) AS VARCHAR) AS revenue
      FROM marts.fact_orders o JOIN marts.dim_customer_current c ON c.customer_id = o.customer_id
      WHERE o.order_status = 'delivered' AND c.customer_state IN ('SP', 'MG')
        AND o.order_date BETWEEN DATE '2024-01-15' AND DATE '2024-04-10'
      GROUP BY 1 ORDER BY SUM(o.total_order_value) DESC, 1 LIMIT 5`);
    assert.equal(hand.length, 5);
    assert.deepEqual((JSON.parse(run.stdout) as { rows: Row[] }).rows, withNumbers(hand, [1]));
  });

  it('runs a saved query', () => {
    const run = runCli(['query', '--semantic-layer', FIXTURE_LAYER, '--duckdb', db, '--saved-query', 'revenue_by_state', '--output', 'json']);
    assert.equal(run.status, 0, run.stderr);
    const result = JSON.parse(run.stdout) as { columns: { name: string }[]; rows: Row[] };
    assert.deepEqual(result.columns.map((c) => c.name), ['metric_time__month', 'customer__customer_state', 'revenue', 'order_count']);
    // Its filter (from 2024-01-01) keeps every order of the data.
    assert.deepEqual(sortedRows(result.rows), sortedRows(expected));
  });

  it('prints the SQL instead of running it with --explain', () => {
    const run = runCli([...args(), '--explain']);
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /^WITH /);
    assert.match(run.stdout, /"marts"\."fact_orders"/);
  });

  it('reports an unknown metric with a suggestion and exits 1', () => {
    const run = runCli(['query', '--semantic-layer', FIXTURE_LAYER, '--duckdb', db, '--metrics', 'revenu']);
    assert.equal(run.status, 1);
    assert.equal(run.stdout, '');
    assert.match(run.stderr, /^error \[UNKNOWN_METRIC\]: Unknown metric 'revenu'\. Did you mean 'revenue'/m);
  });

  it('rejects SQL smuggled into --where and leaves the table alone', async () => {
    const run = runCli(['query', '--semantic-layer', FIXTURE_LAYER, '--duckdb', db, '--metrics', 'revenue', '--where', '1=1; DROP TABLE marts.fact_orders']);
    assert.equal(run.status, 1);
    assert.match(run.stderr, /^error \[INVALID_FILTER\]: /m);
    assert.deepEqual(await queryDuckDb(db, 'SELECT CAST(count(*) AS INTEGER) FROM marts.fact_orders'), [[61]]);
  });

  it('keeps SQL inside a quoted value as a plain value', async () => {
    const run = runCli([
      'query', '--semantic-layer', FIXTURE_LAYER, '--duckdb', db, '--metrics', 'order_count', '--output', 'json',
      '--where', "{{ Dimension('order__order_status') }} = 'x''; DROP TABLE marts.fact_orders; --'",
    ]);
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual((JSON.parse(run.stdout) as { rows: Row[] }).rows, [[0]]);
    assert.deepEqual(await queryDuckDb(db, 'SELECT CAST(count(*) AS INTEGER) FROM marts.fact_orders'), [[61]]);
  });

  it('never writes to the database file', () => {
    const before = statSync(db);
    const run = runCli([...args(), '--output', 'json']);
    assert.equal(run.status, 0, run.stderr);
    const after = statSync(db);
    assert.equal(after.mtimeMs, before.mtimeMs);
    assert.equal(after.size, before.size);
    assert.ok(!existsSync(`${db}.wal`), 'no write-ahead log was created');
  });
});

describe('stratum query --duckdb with a missing file', () => {
  it('fails clearly, exits 1 and creates nothing', () => {
    const dir = tempDir('missing');
    const missing = join(dir, 'nope.duckdb');
    const run = runCli(['query', '--semantic-layer', FIXTURE_LAYER, '--duckdb', missing, '--metrics', 'revenue']);
    assert.equal(run.status, 1);
    assert.equal(run.stdout, '');
    assert.match(run.stderr, /^error \[DUCKDB_NOT_FOUND\]: DuckDB database '.*nope\.duckdb' does not exist/m);
    assert.deepEqual(readdirSync(dir), []);
  });
});
