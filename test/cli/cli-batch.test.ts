import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { before, describe, it } from 'node:test';
import { createFixtureWarehouse, FIXTURE_LAYER, queryDuckDb, runCli, sortedRows, startCli, tempDir } from './cli-harness';

type Row = (string | number | null)[];
type Answer = { columns?: { name: string; type: string }[]; rows?: Row[]; error?: { code: string; message: string } };

/** Order count per month (all statuses), by hand. */
const ORDERS_BY_MONTH = `
  SELECT CAST(CAST(date_trunc('month', order_date) AS DATE) AS VARCHAR), CAST(count(*) AS INTEGER)
  FROM marts.fact_orders GROUP BY 1`;

function answers(stdout: string): Answer[] {
  assert.ok(stdout.endsWith('\n'), 'every answer ends its line');
  return stdout.trimEnd().split('\n').map((line) => JSON.parse(line) as Answer);
}

describe('stratum query --batch', () => {
  let db: string;
  let dir: string;
  let ordersByMonth: Row[];
  const batch = (source: string, input?: string) =>
    runCli(['query', '--semantic-layer', FIXTURE_LAYER, '--duckdb', db, '--batch', source], { input });

  before(async () => {
    dir = tempDir('batch');
    db = await createFixtureWarehouse(dir);
    ordersByMonth = await queryDuckDb(db, ORDERS_BY_MONTH);
  });

  it('answers every line in order, a bad JSON line in the middle included', () => {
    const input = [
      '{"metrics":["order_count"],"groupBy":["metric_time__month"]}',
      '{"metrics": ["order_count"',
      '{"metrics":["order_count"],"groupBy":[{"name":"metric_time","grain":"month"}],"orderBy":["-metric_time__month"],"limit":2}',
    ].join('\n');
    const run = batch('-', `${input}\n`);
    assert.equal(run.status, 0, run.stderr);
    const [first, second, third] = answers(run.stdout);
    assert.deepEqual(first!.columns, [
      { name: 'metric_time__month', type: 'DATE' },
      { name: 'order_count', type: 'INTEGER' },
    ]);
    assert.deepEqual(sortedRows(first!.rows!), sortedRows(ordersByMonth));
    assert.equal(second!.error!.code, 'INVALID_JSON');
    assert.match(second!.error!.message, /^line 2: /);
    const latestTwo = [...ordersByMonth].sort((a, b) => String(b[0]).localeCompare(String(a[0]))).slice(0, 2);
    assert.deepEqual(third!.rows, latestTwo);
    assert.equal(answers(run.stdout).length, 3);
  });

  it('reports an unknown metric on its own line, skips blank lines, and reads from a file', () => {
    const file = join(dir, 'queries.jsonl');
    writeFileSync(
      file,
      [
        '{"metrics":["order_count"],"groupBy":["metric_time__month"]}',
        '',
        '{"metrics":["revenu"]}',
        '   ',
        '{"metrics":["order_count"],"groupBy":[{"name":"metric_time","datePart":"dow"}]}',
        '',
      ].join('\r\n'),
    );
    const run = batch(file);
    assert.equal(run.status, 0, run.stderr);
    const out = answers(run.stdout);
    assert.equal(out.length, 3);
    assert.deepEqual(sortedRows(out[0]!.rows!), sortedRows(ordersByMonth));
    assert.equal(out[1]!.error!.code, 'UNKNOWN_METRIC');
    assert.match(out[1]!.error!.message, /^line 3: Unknown metric 'revenu'\. Did you mean 'revenue'/);
    assert.deepEqual(out[2]!.columns!.map((c) => c.name), ['metric_time__extract_dow', 'order_count']);
    assert.match(run.stderr, /1 of 3 batch queries failed/);
  });

  it('answers the same as the single query for the same request', async () => {
    const request = { metrics: ['revenue', 'order_count'], groupBy: ['customer__customer_state'], where: ["{{ Dimension('order__order_status') }} != 'shipped'"] };
    const fromBatch = answers(batch('-', `${JSON.stringify(request)}\n`).stdout)[0]!;
    const single = runCli([
      'query', '--semantic-layer', FIXTURE_LAYER, '--duckdb', db, '--output', 'json',
      '--metrics', 'revenue,order_count', '--group-by', 'customer__customer_state', '--where', request.where[0]!,
    ]);
    assert.equal(single.status, 0, single.stderr);
    const fromSingle = JSON.parse(single.stdout) as Answer;
    assert.deepEqual(fromBatch.columns, fromSingle.columns);
    assert.deepEqual(sortedRows(fromBatch.rows!), sortedRows(fromSingle.rows!));
    const hand = await queryDuckDb(db, `
      SELECT c.customer_state, CAST(count(*) AS INTEGER) FROM marts.fact_orders o
      LEFT JOIN marts.dim_customer_current c ON c.customer_id = o.customer_id WHERE o.order_status <> 'shipped' GROUP BY 1`);
    assert.deepEqual(sortedRows(fromBatch.rows!.map((r) => [r[0]!, r[2]!])), sortedRows(hand));
  });

  it('rejects keys that are not the query input, naming the right one', () => {
    const run = batch('-', '{"metrics":["order_count"],"group_by":["metric_time__day"]}\n[1,2]\n');
    const [wrongKey, notObject] = answers(run.stdout);
    assert.equal(wrongKey!.error!.code, 'INVALID_QUERY');
    assert.match(wrongKey!.error!.message, /'group_by'.*Did you mean 'groupBy'/);
    assert.equal(notObject!.error!.code, 'INVALID_QUERY');
  });

  it('answers a line before the next one is sent', { timeout: 60_000 }, async () => {
    const child = startCli(['query', '--semantic-layer', FIXTURE_LAYER, '--duckdb', db, '--batch', '-']);
    const lines = createInterface({ input: child.stdout });
    const next = lines[Symbol.asyncIterator]();
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));

    // Standard input stays open: only an answer written while it waits for more lets this go on.
    child.stdin.write('{"metrics":["order_count"]}\n');
    const first = JSON.parse(((await next.next()).value as string)) as Answer;
    assert.deepEqual(first.rows, [[61]]);
    child.stdin.write('{"metrics":["nope"]}\n');
    const second = JSON.parse(((await next.next()).value as string)) as Answer;
    assert.equal(second.error!.code, 'UNKNOWN_METRIC');
    child.stdin.end();
    assert.equal(await exited, 0, stderr);
  });

  it('fails before reading anything when the batch file is missing', () => {
    const run = batch(join(dir, 'absent.jsonl'));
    assert.equal(run.status, 1);
    assert.match(run.stderr, /^error \[BATCH_FILE_NOT_FOUND\]: /m);
  });
});
