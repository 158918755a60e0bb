import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, LOCAL_PROJECT_ID, loadConfig, type ConfigProblem } from './app-config';

function problemList(env: NodeJS.ProcessEnv): ConfigProblem[] {
  try {
    loadConfig(env);
  } catch (e) {
    assert.ok(e instanceof ConfigError);
    return e.problems;
  }
  assert.fail('expected a ConfigError');
}

function problems(env: NodeJS.ProcessEnv): string[] {
  return problemList(env).map((p) => p.variable);
}

function problemOf(env: NodeJS.ProcessEnv, variable: string): ConfigProblem {
  const found = problemList(env).filter((p) => p.variable === variable);
  assert.equal(found.length, 1, `expected one problem for ${variable}`);
  return found[0]!;
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

  describe('serving', () => {
    const bigtable = { STRATUM_ONLINE_STORE: 'bigtable', GOOGLE_CLOUD_PROJECT: 'ml-prod', BIGTABLE_INSTANCE: 'stratum-features' };
    const spanner = { STRATUM_ONLINE_STORE: 'spanner', GOOGLE_CLOUD_PROJECT: 'ml-prod', SPANNER_INSTANCE: 'stratum', SPANNER_DATABASE: 'serving' };

    it('defaults to the embedded store, the in-process cache and <semantic layer>/features', () => {
      const { serving, semanticLayerPath } = loadConfig({});
      assert.equal(serving.onlineStore.kind, 'embedded');
      assert.ok(serving.onlineStore.kind === 'embedded' && /[/\\]\.data[/\\]online-store$/.test(serving.onlineStore.path));
      assert.deepEqual(serving.cache, { kind: 'memory', maxEntries: 100000 });
      assert.equal(serving.featuresPath, join(semanticLayerPath, 'features'));
    });

    it('reads the embedded store path, the cache size and the features folder', () => {
      const dir = mkdtempSync(join(tmpdir(), 'stratum-config-'));
      const { serving } = loadConfig({ STRATUM_ONLINE_STORE_PATH: join(dir, 'store'), STRATUM_CACHE_MAX_ENTRIES: '500', STRATUM_FEATURES_PATH: dir });
      assert.ok(serving.onlineStore.kind === 'embedded' && serving.onlineStore.path === join(dir, 'store'));
      assert.deepEqual(serving.cache, { kind: 'memory', maxEntries: 500 });
      assert.equal(serving.featuresPath, dir);
    });

    it('puts the features folder beside a semantic_manifest.json', () => {
      const dir = mkdtempSync(join(tmpdir(), 'stratum-config-'));
      writeFileSync(join(dir, 'semantic_manifest.json'), '{}');
      assert.equal(loadConfig({ STRATUM_SEMANTIC_LAYER: join(dir, 'semantic_manifest.json') }).serving.featuresPath, join(dir, 'features'));
    });

    it('uses Redis when REDIS_URL is a redis:// or rediss:// URL', () => {
      assert.deepEqual(loadConfig({ REDIS_URL: 'redis://127.0.0.1:6379/2' }).serving.cache, { kind: 'redis', url: 'redis://127.0.0.1:6379/2' });
      assert.deepEqual(loadConfig({ REDIS_URL: 'rediss://u:p@cache.internal:6380' }).serving.cache, { kind: 'redis', url: 'rediss://u:p@cache.internal:6380' });
    });

    it('says what is wrong with a REDIS_URL, without echoing its password', () => {
      assert.match(problemOf({ REDIS_URL: 'http://cache:6379' }, 'REDIS_URL').message, /scheme 'http:'; expected redis: or rediss:/);
      assert.match(problemOf({ REDIS_URL: 'localhost:6379' }, 'REDIS_URL').message, /scheme 'localhost:'/);
      assert.match(problemOf({ REDIS_URL: 'redis://cache:99999' }, 'REDIS_URL').message, /not a valid URL/);
      assert.match(problemOf({ REDIS_URL: 'redis://cache:6379/cache' }, 'REDIS_URL').message, /path '\/cache'.*database number/);
      const secret = problemOf({ REDIS_URL: 'redis://admin:s3cret@cache:6379/x' }, 'REDIS_URL');
      assert.ok(!secret.message.includes('s3cret'), secret.message);
      assert.match(secret.fix, /redis:\/\/\[user:password@\]host:port/);
    });

    it('suggests the store a typo meant', () => {
      const p = problemOf({ STRATUM_ONLINE_STORE: 'bigtabel' }, 'STRATUM_ONLINE_STORE');
      assert.match(p.message, /'bigtabel' is not one of embedded, bigtable, spanner\. Did you mean 'bigtable'\?/);
    });

    it('reports each bad serving value with its variable', () => {
      const cases: [string, string, RegExp][] = [
        ['STRATUM_CACHE_MAX_ENTRIES', '0', /not a whole number from 1/],
        ['STRATUM_CACHE_MAX_ENTRIES', 'lots', /not a whole number/],
        ['SPANNER_READ_STALENESS_MS', '-5', /not a whole number from 0/],
        ['SPANNER_READ_STALENESS_MS', '1.5', /not a whole number/],
        ['BIGTABLE_EMULATOR_HOST', 'http://127.0.0.1:8086', /has a scheme/],
        ['SPANNER_EMULATOR_HOST', '127.0.0.1', /not host:port/],
        ['SPANNER_EMULATOR_HOST', 'localhost:70000', /port 70000/],
        ['STRATUM_FEATURES_PATH', '/nonexistent/features', /does not exist/],
        ['SPANNER_INSTANCE', 'Prod', /must start with a lowercase letter/],
      ];
      for (const [variable, value, message] of cases) {
        assert.match(problemOf({ [variable]: value }, variable).message, message, `${variable}=${value}`);
      }
    });

    it('rejects an embedded store path that is a file', () => {
      const dir = mkdtempSync(join(tmpdir(), 'stratum-config-'));
      writeFileSync(join(dir, 'store'), '');
      assert.match(problemOf({ STRATUM_ONLINE_STORE_PATH: join(dir, 'store') }, 'STRATUM_ONLINE_STORE_PATH').message, /is a file, not a directory/);
    });

    it('lists several serving problems at once, with the others', () => {
      const vars = problems({
        PORT: 'x',
        STRATUM_ONLINE_STORE: 'spanner',
        REDIS_URL: 'memcached://cache:11211',
        STRATUM_CACHE_MAX_ENTRIES: '-1',
        SPANNER_READ_STALENESS_MS: 'ten',
        BIGTABLE_EMULATOR_HOST: 'nohost',
      });
      assert.deepEqual(vars.sort(), [
        'BIGTABLE_EMULATOR_HOST',
        'GOOGLE_CLOUD_PROJECT',
        'PORT',
        'REDIS_URL',
        'SPANNER_DATABASE',
        'SPANNER_INSTANCE',
        'SPANNER_READ_STALENESS_MS',
        'STRATUM_CACHE_MAX_ENTRIES',
      ]);
    });

    it('reads a Bigtable store and requires its instance', () => {
      const { serving } = loadConfig(bigtable);
      assert.deepEqual(serving.onlineStore, { kind: 'bigtable', projectId: 'ml-prod', instanceId: 'stratum-features', emulatorHost: undefined });
      const p = problemOf({ ...bigtable, BIGTABLE_INSTANCE: '' }, 'BIGTABLE_INSTANCE');
      assert.match(p.message, /required when STRATUM_ONLINE_STORE=bigtable/);
      assert.deepEqual(problems({ STRATUM_ONLINE_STORE: 'bigtable' }).sort(), ['BIGTABLE_INSTANCE', 'GOOGLE_CLOUD_PROJECT']);
      // Google requires 6 to 33 characters outside the emulator.
      assert.match(problemOf({ ...bigtable, BIGTABLE_INSTANCE: 'bt' }, 'BIGTABLE_INSTANCE').message, /2 characters; 6 to 33/);
    });

    it('reads a Spanner store with strong reads by default, or an exact staleness', () => {
      const strong = loadConfig(spanner).serving.onlineStore;
      assert.deepEqual(strong, { kind: 'spanner', projectId: 'ml-prod', instanceId: 'stratum', databaseId: 'serving', readStalenessMs: 0, emulatorHost: undefined });
      const stale = loadConfig({ ...spanner, SPANNER_READ_STALENESS_MS: '10000' }).serving.onlineStore;
      assert.ok(stale.kind === 'spanner' && stale.readStalenessMs === 10000);
    });

    it("rejects Spanner ids that break Google's rules", () => {
      const bad: [string, string][] = [
        ['SPANNER_INSTANCE', 'a'],
        ['SPANNER_INSTANCE', '1stratum'],
        ['SPANNER_INSTANCE', 'stratum-'],
        ['SPANNER_INSTANCE', 'strat_um'],
        ['SPANNER_INSTANCE', 'x'.repeat(65)],
        ['SPANNER_DATABASE', 'serving_'],
        ['SPANNER_DATABASE', 'Serving'],
        ['SPANNER_DATABASE', 'd'.repeat(31)],
      ];
      for (const [variable, value] of bad) {
        assert.deepEqual(problems({ ...spanner, [variable]: value }), [variable], `${variable}=${value}`);
      }
      const ok = loadConfig({ ...spanner, SPANNER_INSTANCE: 'i'.repeat(64), SPANNER_DATABASE: 'user_data-v2' }).serving.onlineStore;
      assert.ok(ok.kind === 'spanner' && ok.instanceId.length === 64 && ok.databaseId === 'user_data-v2');
      const p = problemOf({ ...spanner, SPANNER_DATABASE: 'serving_' }, 'SPANNER_DATABASE');
      assert.match(p.fix, /2–30 characters/);
    });

    it('makes the project optional against an emulator', () => {
      const bt = loadConfig({ STRATUM_ONLINE_STORE: 'bigtable', BIGTABLE_INSTANCE: 'dev', BIGTABLE_EMULATOR_HOST: '127.0.0.1:8086' }).serving.onlineStore;
      assert.deepEqual(bt, { kind: 'bigtable', projectId: LOCAL_PROJECT_ID, instanceId: 'dev', emulatorHost: '127.0.0.1:8086' });
      const sp = loadConfig({ STRATUM_ONLINE_STORE: 'spanner', SPANNER_INSTANCE: 'test', SPANNER_DATABASE: 'db', SPANNER_EMULATOR_HOST: 'localhost:9010' }).serving.onlineStore;
      assert.ok(sp.kind === 'spanner' && sp.projectId === LOCAL_PROJECT_ID && sp.emulatorHost === 'localhost:9010');
      // A set project wins over the local default.
      const named = loadConfig({ ...spanner, SPANNER_EMULATOR_HOST: '[::1]:9010' }).serving.onlineStore;
      assert.ok(named.kind === 'spanner' && named.projectId === 'ml-prod');
      // The other store's emulator does not stand in for this one's project.
      assert.deepEqual(problems({ STRATUM_ONLINE_STORE: 'spanner', SPANNER_INSTANCE: 'test', SPANNER_DATABASE: 'db', BIGTABLE_EMULATOR_HOST: '127.0.0.1:8086' }), ['GOOGLE_CLOUD_PROJECT']);
    });

    it('reports a missing project once when BigQuery and the online store both need it', () => {
      const p = problemList({ STRATUM_WAREHOUSE: 'bigquery', ...bigtable, GOOGLE_CLOUD_PROJECT: '' }).filter((x) => x.variable === 'GOOGLE_CLOUD_PROJECT');
      assert.equal(p.length, 1);
    });
  });
});
