import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';

const MAIN = join(__dirname, '../../src/main.js');

function start(env: Record<string, string>) {
  return spawnSync(process.execPath, [MAIN], {
    env: { PATH: process.env.PATH ?? '', ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
}

describe('service start-up fails fast on bad settings and definitions', () => {
  const dir = mkdtempSync(join(tmpdir(), 'stratum-startup-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('names every bad variable and its fix, and exits 1 without serving', () => {
    const run = start({ PORT: 'eighty', STRATUM_WAREHOUSE: 'postgres' });
    assert.equal(run.status, 1);
    assert.match(run.stderr, /PORT: 'eighty' is not a whole number/);
    assert.match(run.stderr, /STRATUM_WAREHOUSE: 'postgres' is not one of duckdb, bigquery\. Fix: Set STRATUM_WAREHOUSE to one of/);
    assert.doesNotMatch(run.stdout, /Stratum is serving/);
  });

  it('lists every problem of a broken semantic layer, with file and fix, and exits 1', () => {
    writeFileSync(
      join(dir, 'broken.yml'),
      [
        'semantic_models:',
        '  - name: orders',
        "    model: ref('fact_orders')",
        '    entities:',
        '      - name: order',
        '        type: primry',
        '    measures:',
        '      - name: revenue',
        '        agg: summ',
        'metrics:',
        '  - name: rev',
        '    type: simple',
        '    type_params:',
        '      measure: revenu',
        '',
      ].join('\n'),
    );
    const run = start({ STRATUM_SEMANTIC_LAYER: dir, STRATUM_DUCKDB_PATH: join(dir, 'broken.yml'), LOG_LEVEL: 'silent' });
    assert.equal(run.status, 1);
    assert.match(run.stderr, /problems? in the semantic layer/);
    assert.match(run.stderr, /broken\.yml:6/);
    assert.match(run.stderr, /primry/);
    assert.match(run.stderr, /summ/);
    assert.doesNotMatch(run.stderr, /at .*\.js:\d+/, 'no stack trace for a user error');
  });
});
