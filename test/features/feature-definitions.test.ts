/**
 * The demo feature definitions (semantic-layer/features) against the real semantic engine and the
 * demo DuckDB warehouse: they load, their sources run and return every declared column, and a broken
 * copy reports every problem at once.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadFeatureDefinitions, type FeatureManifest, type FeatureView } from '../../src/features/spec';
import { DefinitionError, SemanticEngine } from '../../src/semantic';
import type { DuckDbWarehouse } from '../../src/warehouse/duckdb/duckdb-warehouse';
import { demoWarehouse, repoPath } from '../support/demo-db';

const FEATURES_DIR = repoPath('semantic-layer', 'features');

describe('demo feature definitions', () => {
  let engine: SemanticEngine;
  let manifest: FeatureManifest;
  let warehouse: DuckDbWarehouse;

  before(async () => {
    engine = SemanticEngine.load(repoPath('semantic-layer'));
    manifest = loadFeatureDefinitions(FEATURES_DIR, engine);
    warehouse = await demoWarehouse();
  });
  after(async () => {
    await warehouse.close();
  });

  const view = (name: string): FeatureView => {
    const found = manifest.featureViews.find((v) => v.name === name);
    assert.ok(found, `no feature view ${name}`);
    return found;
  };

  it('loads the entities, views and services of the issue', () => {
    assert.deepEqual(
      manifest.entities.map((e) => [e.name, e.joinKey, e.valueType]).sort(),
      [
        ['item', 'content_id', 'STRING'],
        ['user', 'user_id', 'STRING'],
      ],
    );
    assert.deepEqual(manifest.featureViews.map((v) => v.name).sort(), ['item_features', 'user_features', 'user_recent_activity']);
    assert.deepEqual(view('user_features').joinKeys, ['user_id']);
    assert.deepEqual(view('item_features').joinKeys, ['content_id']);
    const service = manifest.featureServices.find((s) => s.name === 'recommendation_ranking');
    assert.ok(service);
    assert.deepEqual(service.projections.map((p) => p.featureView), ['user_features', 'user_recent_activity', 'item_features']);
    // A bare view name takes every feature of the view.
    assert.deepEqual(service.projections[2]!.features, view('item_features').features.map((f) => f.name));
    for (const v of manifest.featureViews) {
      assert.ok(v.ttlSeconds > 0 && v.version >= 1 && v.onlineStore === 'embedded', v.name);
      assert.ok(v.location?.file.startsWith('features/'), v.name);
    }
  });

  it('backs user_recent_activity with semantic-layer metrics groupable by user', () => {
    const source = view('user_recent_activity').source;
    assert.equal(source.kind, 'metric');
    assert.equal(source.entity, 'user');
    assert.equal(source.windowSeconds, 7 * 86_400);
    for (const metric of source.metrics) {
      assert.ok(engine.catalog.entities([metric]).some((e) => e.name === 'user'), metric);
    }
  });

  it('compiles the metric-backed view with the engine and runs it on the demo warehouse', async () => {
    const v = view('user_recent_activity');
    assert.equal(v.source.kind, 'metric');
    if (v.source.kind !== 'metric') return;
    const compiled = engine.compile({ metrics: v.source.metrics, groupBy: [v.source.entity, `metric_time__${v.source.grain}`], limit: 5 }, 'duckdb');
    const result = await warehouse.execute(compiled.sql, compiled.parameters);
    const columns = result.columns.map((c) => c.name);
    for (const f of v.features) assert.ok(columns.includes(f.metric!), `${f.metric} not in ${columns.join(', ')}`);
    assert.ok(columns.includes('user'), columns.join(', '));
    assert.ok(result.rows.length > 0);
  });

  for (const name of ['user_features', 'item_features']) {
    it(`runs ${name}'s source query: one row per key, with the key, timestamp and every feature`, async () => {
      const v = view(name);
      assert.equal(v.source.kind, 'query');
      if (v.source.kind !== 'query') return;
      const key = v.joinKeys[0]!;
      const result = await warehouse.execute(
        `SELECT COUNT(*) AS n, COUNT(DISTINCT ${key}) AS keys, COUNT(${v.timestampField}) AS stamped FROM (${v.source.query}) AS q`,
        {},
      );
      const [n, keys, stamped] = result.rows[0]!.map(Number);
      assert.ok(n! > 0);
      assert.equal(keys, n, 'the join key is unique');
      assert.equal(stamped, n, 'every row has an event timestamp');
      const sample = await warehouse.execute(`SELECT * FROM (${v.source.query}) AS q LIMIT 1`, {});
      const columns = sample.columns.map((c) => c.name);
      for (const column of [key, v.timestampField, ...v.features.map((f) => f.name)]) assert.ok(columns.includes(column), `${column} missing from ${columns.join(', ')}`);
    });
  }
});

describe('a broken copy of the demo feature definitions', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'stratum-features-'));
    cpSync(FEATURES_DIR, join(dir, 'features'), { recursive: true });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const edit = (file: string, from: string, to: string): void => {
    const path = join(dir, 'features', file);
    const text = readFileSync(path, 'utf8');
    assert.ok(text.includes(from), `${from} not in ${file}`);
    writeFileSync(path, text.replace(from, to));
  };

  it('reports every problem at once, each with its file, line, path and fix', () => {
    edit('entities.yml', 'value_type: STRING', 'value_type: STR');
    edit('item_features.yml', 'ttl: 1d', 'ttl: -1d');
    edit('item_features.yml', 'dtype: Bool', 'dtype: Boolean');
    edit('user_features.yml', 'metrics: [total_engagement_seconds, sessions, posts]', 'metrics: [total_engagement_second, sessions, posts]');
    edit('user_features.yml', 'metric: total_engagement_seconds', 'metric: total_engagement_second');
    edit('feature_services.yml', 'features: [country, user_segment, age_group, lifetime_sessions]', 'features: [country, segment]');
    const engine = SemanticEngine.load(repoPath('semantic-layer'));
    let problems: DefinitionError['problems'] = [];
    try {
      loadFeatureDefinitions(join(dir, 'features'), engine);
      assert.fail('expected a DefinitionError');
    } catch (error) {
      assert.ok(error instanceof DefinitionError, String(error));
      problems = error.problems;
    }
    const lineIn = (file: string, needle: string): number =>
      readFileSync(join(dir, 'features', file), 'utf8').split('\n').findIndex((l) => l.includes(needle)) + 1;
    const summary = problems.map((p) => [p.file, p.line, p.path]);
    assert.deepEqual(
      summary.sort((a, b) => String(a[0]).localeCompare(String(b[0])) || Number(a[1]) - Number(b[1])),
      [
        ['features/entities.yml', lineIn('entities.yml', 'value_type: STR'), 'entities[0].value_type'],
        ['features/feature_services.yml', lineIn('feature_services.yml', 'features: [country, segment]'), 'feature_services[0].features[0].features[1]'],
        ['features/item_features.yml', lineIn('item_features.yml', 'ttl: -1d'), 'feature_views[0].ttl'],
        ['features/item_features.yml', lineIn('item_features.yml', 'dtype: Boolean'), 'feature_views[0].schema[3].dtype'],
        ['features/user_features.yml', lineIn('user_features.yml', 'total_engagement_second,'), 'feature_views[1].source.metrics[0]'],
      ],
    );
    for (const p of problems) assert.ok(p.fix && p.fix.length > 0, `no fix for ${p.path}`);
    assert.match(problems.find((p) => p.path.endsWith('source.metrics[0]'))!.message, /Did you mean 'total_engagement_seconds'/);
    assert.match(problems.find((p) => p.path.endsWith('features[1]'))!.message, /Did you mean 'user_segment'/);
  });
});
