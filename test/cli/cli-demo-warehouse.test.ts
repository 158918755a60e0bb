import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { FIXTURE_LAYER, queryDuckDb, runCli, sortedRows, tempDir } from './cli-harness';

/** Without --duckdb, `query` uses the configured warehouse: by default the demo marts, generated on first use. */
describe('stratum query on the configured warehouse', () => {
  it('generates the demo marts once, noting it on stderr, then answers from them', { timeout: 300_000 }, async () => {
    const demoPath = join(tempDir('demo'), 'demo.duckdb');
    // The fixture's semantic models read marts.fact_orders, which the demo marts have too.
    const env = { STRATUM_DEMO_PATH: demoPath, STRATUM_DEMO_SCALE: '0.02', STRATUM_SEMANTIC_LAYER: FIXTURE_LAYER };
    const args = ['query', '--metrics', 'order_count', '--group-by', 'metric_time__month', '--output', 'json'];

    const first = runCli(args, { env });
    assert.equal(first.status, 0, first.stderr);
    assert.ok(existsSync(demoPath), 'the demo marts were generated where configured');
    assert.match(first.stderr, /^Generating the demo marts.*\n/);
    assert.match(first.stderr, /Demo marts ready in [\d.]+ s: .*demo\.duckdb\n/);
    assert.doesNotMatch(first.stderr, /\r/, 'no progress bar is drawn when stderr is not a terminal');

    const hand = await queryDuckDb(
      demoPath,
      `SELECT CAST(CAST(date_trunc('month', order_date) AS DATE) AS VARCHAR), CAST(count(order_id) AS INTEGER) FROM marts.fact_orders GROUP BY 1`,
    );
    assert.ok(hand.length > 0);
    assert.deepEqual(sortedRows((JSON.parse(first.stdout) as { rows: unknown[][] }).rows), sortedRows(hand));

    const second = runCli(args, { env });
    assert.equal(second.status, 0, second.stderr);
    assert.equal(second.stderr, '', 'the second run reuses the file silently');
    assert.equal(second.stdout, first.stdout);
  });
});
