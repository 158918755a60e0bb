import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from './app-config';

function problems(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(env);
  } catch (e) {
    assert.ok(e instanceof ConfigError);
    return e.problems.map((p) => p.variable);
  }
  assert.fail('expected a ConfigError');
}

describe('loadConfig', () => {
  it('defaults to the embedded DuckDB demo on port 3000', () => {
    const config = loadConfig({});
    assert.equal(config.port, 3000);
    assert.equal(config.warehouse.kind, 'duckdb');
    assert.ok(config.warehouse.kind === 'duckdb' && config.warehouse.path === undefined);
    assert.ok(config.warehouse.kind === 'duckdb' && config.warehouse.demo.scale === 1);
    assert.match(config.semanticLayerPath, /semantic-layer$/);
  });

  it('reads PORT and the demo scale', () => {
    const config = loadConfig({ PORT: '4100', STRATUM_DEMO_SCALE: '10' });
    assert.equal(config.port, 4100);
    assert.ok(config.warehouse.kind === 'duckdb' && config.warehouse.demo.scale === 10);
  });

  it('lists every bad variable at once, naming each', () => {
    const vars = problems({
      PORT: 'eighty',
      STRATUM_WAREHOUSE: 'snowflake',
      LOG_LEVEL: 'loud',
      STRATUM_GRAPHIQL: 'maybe',
      STRATUM_SEMANTIC_LAYER: '/nonexistent/semantic-layer',
    });
    assert.deepEqual(vars.sort(), ['LOG_LEVEL', 'PORT', 'STRATUM_GRAPHIQL', 'STRATUM_SEMANTIC_LAYER', 'STRATUM_WAREHOUSE'].sort());
  });

  it('says how to fix a problem', () => {
    try {
      loadConfig({ PORT: '70000' });
      assert.fail('expected an error');
    } catch (e) {
      assert.ok(e instanceof ConfigError);
      assert.match(e.message, /PORT: '70000' is not a whole number from 0 to 65535\. Fix: Set PORT/);
    }
  });

  it('requires a project for BigQuery and validates its settings', () => {
    const vars = problems({ STRATUM_WAREHOUSE: 'bigquery', BIGQUERY_MAXIMUM_BYTES_BILLED: '10GB', BIGQUERY_API_ENDPOINT: 'ftp://x' });
    assert.deepEqual(vars.sort(), ['BIGQUERY_API_ENDPOINT', 'BIGQUERY_MAXIMUM_BYTES_BILLED', 'GOOGLE_CLOUD_PROJECT']);
    const ok = loadConfig({ STRATUM_WAREHOUSE: 'bigquery', GOOGLE_CLOUD_PROJECT: 'analytics-prod' });
    assert.ok(ok.warehouse.kind === 'bigquery' && ok.warehouse.projectId === 'analytics-prod' && ok.warehouse.location === 'US');
  });

  it('rejects a DuckDB path that does not exist instead of creating it', () => {
    assert.deepEqual(problems({ STRATUM_DUCKDB_PATH: '/nonexistent/x.duckdb' }), ['STRATUM_DUCKDB_PATH']);
  });
});
