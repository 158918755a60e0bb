import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DefinitionError, type DefinitionProblem } from '../../semantic/errors';
import { SemanticEngine } from '../../semantic/semantic-engine';
import { parseSemanticLayerFiles } from '../../semantic/spec/semantic-layer-loader';
import { parseFeatureDefinitionFiles } from './feature-definitions-loader';

const ENTITIES = `entities:
  - name: user
    join_keys: [user_id]
    value_type: STRING
`;

const VIEW = `feature_views:
  - name: user_profile
    entities: [user]
    ttl: 1d
    source:
      table: marts.dim_users_current
      timestamp_field: valid_from
    schema:
      - name: country
        dtype: String
      - name: age
        dtype: Int64
`;

/** A tiny semantic layer: events with a user foreign key, and a metric over them. */
const SEMANTIC = `semantic_models:
  - name: events
    model: ref('fct_events')
    defaults:
      agg_time_dimension: event_date
    entities:
      - name: event
        type: primary
        expr: event_id
      - name: user
        type: foreign
        expr: user_id
    dimensions:
      - name: event_date
        type: time
        type_params:
          time_granularity: day
    measures:
      - name: event_count
        agg: count
        expr: event_id
        create_metric: true
`;

function engine(): SemanticEngine {
  return new SemanticEngine(parseSemanticLayerFiles([{ path: 'models/events.yml', text: SEMANTIC }]));
}

function problemsOf(text: string, withEngine = false): DefinitionProblem[] {
  try {
    parseFeatureDefinitionFiles([{ path: 'features/test.yml', text }], withEngine ? engine() : undefined);
  } catch (error) {
    assert.ok(error instanceof DefinitionError, `expected a DefinitionError, got ${String(error)}`);
    return error.problems;
  }
  assert.fail('expected the definitions to be rejected');
}

function problemAt(problems: DefinitionProblem[], path: string): DefinitionProblem {
  const found = problems.filter((p) => p.path === path);
  assert.equal(found.length, 1, `expected one problem at ${path}, got:\n${problems.map((p) => `${p.path}: ${p.message}`).join('\n')}`);
  return found[0]!;
}

/** The 1-based line of the first line of `text` containing `needle`. */
function lineOf(text: string, needle: string): number {
  const index = text.split('\n').findIndex((l) => l.includes(needle));
  assert.ok(index >= 0, `'${needle}' not in the text`);
  return index + 1;
}

describe('feature definitions: valid files', () => {
  it('applies defaults and resolves join keys and bare-view projections', () => {
    const text = `${ENTITIES}${VIEW}feature_services:
  - name: ranking
    features: [user_profile]
`;
    const m = parseFeatureDefinitionFiles([{ path: 'features/test.yml', text }], undefined, { defaultOnlineStore: 'bigtable' });
    const view = m.featureViews[0]!;
    assert.deepEqual(view.joinKeys, ['user_id']);
    assert.equal(view.ttlSeconds, 86_400);
    assert.equal(view.version, 1);
    assert.equal(view.onlineStore, 'bigtable');
    assert.equal(view.timestampField, 'valid_from');
    assert.deepEqual(m.featureServices[0]!.projections, [{ featureView: 'user_profile', features: ['country', 'age'] }]);
  });

  it('defaults the join key to the entity name, as Feast does', () => {
    const m = parseFeatureDefinitionFiles([{ path: 'f.yml', text: 'entities:\n  - name: driver\n    value_type: int64\n' }]);
    assert.deepEqual(m.entities.map((e) => [e.joinKey, e.valueType]), [['driver', 'INT64']]);
  });

  it('accepts a metric source groupable by the entity and fills in the semantic entity', () => {
    const text = `${ENTITIES}feature_views:
  - name: activity
    entities: [user]
    ttl: 2d
    source: { metric: event_count, window: 7d }
    schema:
      - { name: events_7d, dtype: Int64 }
`;
    const m = parseFeatureDefinitionFiles([{ path: 'f.yml', text }], engine());
    const view = m.featureViews[0]!;
    assert.deepEqual(view.source, { kind: 'metric', metrics: ['event_count'], entity: 'user', grain: 'day', windowSeconds: 7 * 86_400 });
    assert.equal(view.features[0]!.metric, 'event_count');
    assert.equal(view.timestampField, 'metric_time');
  });
});

describe('feature definitions: every problem, with file, line, path and fix', () => {
  it('rejects unknown keys with a did-you-mean', () => {
    const text = ENTITIES + VIEW.replace('    ttl: 1d\n', '    ttl: 1d\n    online_stor: spanner\n');
    const p = problemAt(problemsOf(text), 'feature_views[0].online_stor');
    assert.equal(p.file, 'features/test.yml');
    assert.equal(p.line, lineOf(text, 'online_stor'));
    assert.match(p.message, /Did you mean 'online_store'/);
    assert.equal(p.fix, "Rename it to 'online_store'.");
  });

  it('rejects an unknown top-level key', () => {
    const text = ENTITIES + VIEW + 'feature_service:\n  - name: x\n    features: [user_profile]\n';
    assert.match(problemAt(problemsOf(text), 'feature_service').message, /Did you mean 'feature_services'/);
  });

  it('rejects duplicate names, naming the first definition', () => {
    const text = ENTITIES + VIEW + VIEW.replace('feature_views:\n', '');
    const lines = text.split('\n');
    const first = lines.indexOf('  - name: user_profile') + 1;
    const second = lines.lastIndexOf('  - name: user_profile') + 1;
    assert.ok(second > first);
    const p = problemAt(problemsOf(text), 'feature_views[1].name');
    assert.equal(p.message, `Duplicate feature view name 'user_profile' (first defined in features/test.yml:${first}).`);
    assert.equal(p.line, second);
    assert.match(p.fix!, /Rename one of them/);
  });

  it('rejects an unknown entity in a view', () => {
    const text = ENTITIES + VIEW.replace('entities: [user]', 'entities: [usr]');
    const p = problemAt(problemsOf(text), 'feature_views[0].entities[0]');
    assert.match(p.message, /Unknown entity 'usr'. Did you mean 'user'\?/);
    assert.equal(p.fix, "Use 'user'.");
    assert.equal(p.line, lineOf(text, 'entities: [usr]'));
  });

  it('rejects dtypes and value types outside Feast\'s lists', () => {
    const text = ENTITIES.replace('STRING', 'TEXT') + VIEW.replace('dtype: Int64', 'dtype: Integer').replace('dtype: String', 'dtype: Array(Strng)');
    const problems = problemsOf(text);
    assert.match(problemAt(problems, 'entities[0].value_type').fix!, /STRING, INT32, INT64/);
    const dtype = problemAt(problems, 'feature_views[0].schema[1].dtype');
    assert.equal(dtype.line, lineOf(text, 'dtype: Integer'));
    assert.match(dtype.fix!, /Int32, Int64, Float32, Float64, String, Bool, UnixTimestamp, Bytes/);
    assert.match(problemAt(problems, 'feature_views[0].schema[0].dtype').message, /Did you mean 'Array\(String\)'/);
  });

  it('rejects a TTL that is not a positive duration', () => {
    for (const [ttl, message] of [['forever', /must be a duration/], ['0', /more than zero/]] as const) {
      const text = ENTITIES + VIEW.replace('ttl: 1d', `ttl: ${ttl}`);
      const p = problemAt(problemsOf(text), 'feature_views[0].ttl');
      assert.match(p.message, message);
      assert.match(p.fix!, /30m, 12h, 7d/);
      assert.equal(p.line, lineOf(text, `ttl: ${ttl}`));
    }
  });

  it('rejects more than one join key, and a view without an event timestamp', () => {
    const text = ENTITIES.replace('[user_id]', '[user_id, tenant_id]') + VIEW.replace('      timestamp_field: valid_from\n', '');
    const problems = problemsOf(text);
    assert.match(problemAt(problems, 'entities[0].join_keys').fix!, /list several entities/);
    assert.match(problemAt(problems, 'feature_views[0]').fix!, /timestamp_field/);
    // The broken entity is reported once, not again as unknown where the view uses it.
    assert.equal(problems.filter((p) => p.message.includes("Unknown entity")).length, 0);
  });

  it('rejects a source naming no kind or several', () => {
    const text = ENTITIES + VIEW.replace('      table: marts.dim_users_current\n', '      query: SELECT 1\n      table: marts.x\n');
    assert.match(problemAt(problemsOf(text), 'feature_views[0].source').message, /several kinds at once: table, query/);
  });

  it('rejects a service naming an unknown view or feature', () => {
    const text = `${ENTITIES}${VIEW}feature_services:
  - name: ranking
    features:
      - user_profle
      - feature_view: user_profile
        features: [country, agee]
`;
    const problems = problemsOf(text);
    const view = problemAt(problems, 'feature_services[0].features[0]');
    assert.match(view.message, /Unknown feature view 'user_profle'. Did you mean 'user_profile'\?/);
    assert.equal(view.line, lineOf(text, '- user_profle'));
    const feature = problemAt(problems, 'feature_services[0].features[1].features[1]');
    assert.match(feature.message, /has no feature 'agee'. Did you mean 'age'\?/);
    assert.equal(feature.fix, "Use 'age'.");
  });

  it('rejects an unknown metric, and one not groupable by the view\'s entity', () => {
    const text = `${ENTITIES}  - name: device
    join_keys: [device_key]
    value_type: INT64
feature_views:
  - name: activity
    entities: [user]
    ttl: 2d
    source: { metric: event_cnt }
    schema: [{ name: events, dtype: Int64 }]
  - name: device_activity
    entities: [device]
    ttl: 2d
    source: { metric: event_count, grain: month }
    schema: [{ name: events, dtype: Float64 }]
`;
    const problems = problemsOf(text, true);
    const unknown = problemAt(problems, 'feature_views[0].source.metric');
    assert.match(unknown.message, /Unknown metric 'event_cnt'.*Did you mean 'event_count'/);
    assert.equal(unknown.line, lineOf(text, 'metric: event_cnt'));
    const grouping = problemAt(problems, 'feature_views[1].source.metric');
    assert.match(grouping.message, /cannot be grouped by entity 'device'/);
    assert.match(grouping.fix!, /one of: .*user/);
  });

  it('rejects a non-numeric dtype for a metric feature and a feature named like the join key', () => {
    const text = `${ENTITIES}feature_views:
  - name: activity
    entities: [user]
    ttl: 2d
    source: { metric: event_count }
    schema:
      - { name: events, dtype: String }
      - { name: user_id, dtype: Int64 }
`;
    const problems = problemsOf(text, true);
    assert.match(problemAt(problems, 'feature_views[0].schema[0].dtype').fix!, /Int32, Int64, Float32, Float64/);
    assert.match(problemAt(problems, 'feature_views[0].schema[1].name').message, /the name of the join key/);
  });

  it('reports problems of several files at once, each in its file', () => {
    const files = [
      { path: 'features/a.yml', text: ENTITIES.replace('STRING', 'STR') },
      { path: 'features/b.yml', text: VIEW.replace('ttl: 1d', 'ttl: soon') },
    ];
    try {
      parseFeatureDefinitionFiles(files);
      assert.fail('expected a DefinitionError');
    } catch (error) {
      assert.ok(error instanceof DefinitionError);
      assert.deepEqual(error.problems.map((p) => [p.file, p.path]), [
        ['features/a.yml', 'entities[0].value_type'],
        ['features/b.yml', 'feature_views[0].ttl'],
      ]);
    }
  });
});
