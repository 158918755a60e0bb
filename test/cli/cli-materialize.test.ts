/**
 * `stratum materialize` and `materialize-incremental` as a user runs them: help, argument errors
 * (each before anything is opened or written), unknown views with a suggestion, and a run with
 * its per-view counts against the demo warehouse and an embedded store in a temp folder.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { demoDbPath } from '../support/demo-db';
import { parseTable, runCli, tempDir } from './cli-harness';

describe('stratum materialize', () => {
  let db: string;
  before(async () => {
    db = await demoDbPath();
  });

  /** Runs the CLI with its own empty online-store folder, and says whether anything was written there. */
  const run = (args: string[], storeDir = join(tempDir('materialize'), 'store')) => {
    const result = runCli(args, { env: { STRATUM_ONLINE_STORE_PATH: storeDir } });
    return { ...result, wrote: existsSync(storeDir) && readdirSync(storeDir).length > 0 };
  };

  it('explains itself in --help, with Feast\'s argument order and examples', () => {
    const help = runCli(['materialize', '--help']);
    assert.equal(help.status, 0);
    assert.match(help.stdout, /Usage: stratum materialize \[options\] \[start\] \[end\]/);
    for (const text of ['--views <names>', '--batch-size <n>', '--concurrency <n>', '--max-rows-per-second <n>', '--start <timestamp>', '--end <timestamp>', 'Examples:', '$ stratum materialize 2024-06-01T00:00:00Z 2024-07-01T00:00:00Z', '[START, END)']) {
      assert.ok(help.stdout.includes(text), `materialize --help lacks ${text}`);
    }
    const incremental = runCli(['materialize-incremental', '--help']);
    assert.equal(incremental.status, 0);
    assert.match(incremental.stdout, /Usage: stratum materialize-incremental \[options\] \[end\]/);
    assert.match(incremental.stdout, /starts at its watermark/);
    assert.match(incremental.stdout, /\$ stratum materialize-incremental now/);
    const top = runCli(['--help']);
    assert.match(top.stdout, /materialize \[options\] \[start\] \[end\]/);
    assert.match(top.stdout, /materialize-incremental \[options\] \[end\]/);
  });

  for (const [args, message] of [
    [['materialize', '2024-13-01', '2024-07-01'], /^error \[INVALID_TIMESTAMP\]: START '2024-13-01' is not a timestamp\. Use ISO 8601, e\.g\. 2024-07-01/],
    [['materialize', '2024-06-01', 'tomorrow'], /^error \[INVALID_TIMESTAMP\]: END 'tomorrow' is not a timestamp/],
    [['materialize-incremental', '2024-07-01T25:00:00Z'], /^error \[INVALID_TIMESTAMP\]: END '2024-07-01T25:00:00Z' is not a timestamp/],
    [['materialize', '2024-07-01', '2024-06-01'], /^error \[INVALID_ARGUMENT\]: START \(2024-07-01T00:00:00\.000Z\) must be before END \(2024-06-01T00:00:00\.000Z\)/],
    [['materialize', '2024-06-01'], /^error \[INVALID_ARGUMENT\]: Got one timestamp \('2024-06-01'\); materialize takes START and END\. For everything up to a time, use --end 2024-06-01\./],
    [['materialize'], /^error \[INVALID_ARGUMENT\]: END is required/],
    [['materialize-incremental'], /^error \[INVALID_ARGUMENT\]: END is required/],
    [['materialize', '2024-06-01', '2024-07-01', '--end', '2024-08-01'], /^error \[INVALID_ARGUMENT\]: END is given twice/],
  ] as const) {
    it(`refuses \`${args.join(' ')}\` before writing anything`, () => {
      const result = run([...args]);
      assert.equal(result.status, 1, result.stderr);
      assert.match(result.stderr, message);
      assert.equal(result.stdout, '');
      assert.equal(result.wrote, false);
    });
  }

  it('refuses a batch size of 0 as commander reports option errors', () => {
    const result = run(['materialize', '--end', '2024-07-01', '--batch-size', '0']);
    assert.equal(result.status, 1);
    assert.match(result.stderr, /option '--batch-size <n>' argument '0' is invalid\. --batch-size must be at least 1\./);
  });

  it('names an unknown view with the closest one and the list', () => {
    const result = run(['materialize-incremental', '2024-07-01', '--views', 'item_features,user_feature', '--duckdb', db]);
    assert.equal(result.status, 1);
    assert.equal(
      result.stderr.trim(),
      "error [UNKNOWN_FEATURE_VIEW]: Unknown feature view 'user_feature'. Did you mean 'user_features'? Feature views: item_features, user_features, user_recent_activity.",
    );
    assert.equal(result.wrote, false);
  });

  it('materializes and prints per-view counts; an incremental run to the same end has nothing to do', () => {
    const store = join(tempDir('materialize'), 'store');
    const full = run(['materialize', '--start', '2024-06-01', '--end', '2024-07-01T00:00:00Z', '--views', 'user_features,user_recent_activity', '--duckdb', db], store);
    assert.equal(full.status, 0, full.stderr);
    const table = parseTable(tableLines(full.stdout));
    assert.deepEqual(table.header, ['view', 'rows', 'batches', 'start', 'end', 'seconds', 'watermark']);
    const byView = new Map(table.rows.map((r) => [r[0], r]));
    assert.deepEqual([...byView.keys()], ['user_features', 'user_recent_activity']);
    // 732 demo users have a feature timestamp in June; 500 rows a batch by default.
    assert.deepEqual(byView.get('user_features')!.slice(1, 5), ['732', '2', '2024-06-01T00:00:00.000Z', '2024-07-01T00:00:00.000Z']);
    // A ranged run that starts after the (missing) watermark leaves it unset: the history before is not online.
    assert.equal(byView.get('user_features')![6], 'unchanged');
    assert.match(full.stdout, /note: user_features: watermark not moved: the run started at 2024-06-01T00:00:00.000Z/);
    // The metric view is a snapshot of its 7-day window, complete on its own.
    assert.deepEqual(byView.get('user_recent_activity')!.slice(3, 5), ['2024-06-24T00:00:00.000Z', '2024-07-01T00:00:00.000Z']);
    assert.equal(byView.get('user_recent_activity')![6], '2024-07-01T00:00:00.000Z');
    assert.ok(Number(byView.get('user_recent_activity')![1]) > 0);

    const again = run(['materialize-incremental', '2024-07-01', '--views', 'user_recent_activity', '--duckdb', db], store);
    assert.equal(again.status, 0, again.stderr);
    assert.deepEqual(parseTable(tableLines(again.stdout)).rows.map((r) => r.slice(0, 3)), [['user_recent_activity', '0', '0']]);
    assert.match(again.stdout, /note: user_recent_activity: up to date \(watermark 2024-07-01T00:00:00.000Z\)/);
  });
});

/** The summary table without the notes printed under it. */
function tableLines(stdout: string): string {
  return stdout
    .split('\n')
    .filter((line) => !line.startsWith('note: '))
    .join('\n');
}
