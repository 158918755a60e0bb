import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DefinitionError } from '../../../src/semantic/errors';
import { parseSemanticLayerFiles } from '../../../src/semantic/spec/semantic-layer-loader';
import { problemAt, problemsOf } from './spec-helpers';

// Line numbers matter here: the test asserts them.
const MODELS = `semantic_models:
  - name: orders
    model: ref('fact_orders')
    defaults:
      agg_time_dimension: order_status
    entities:
      - name: order
        type: primry
        expr: order_id
    dimensions:
      - name: order_date
        type: time
      - name: order_status
        type: categorical
    measures:
      - name: order_total
        aggg: sum
        expr: total_order_value
  - name: orders
    model: fact_orders
`;

const METRICS = `metrics:
  - name: revenue
    type: simple
    type_params:
      measure: order_totl
  - name: aov
    type: ratio
    type_params:
      numerator: revenue
      denominator: order_count
  - name: revenue
    type: simple
    type_params:
      measure: order_total
    filter: 42
saved_queries:
  - name: daily
    query_params:
      metrics: [revenue, missing_metric]
      group_by: [metric_time__day]
`;

describe('a broken project', () => {
  const files = [
    { path: 'models/orders.yml', text: MODELS },
    { path: 'metrics.yml', text: METRICS },
    { path: 'syntax.yml', text: 'metrics:\n  - name: x\n    type: [simple\n' },
  ];
  const problems = problemsOf(files);

  it('raises one DefinitionError listing every problem', () => {
    assert.throws(() => parseSemanticLayerFiles(files), (e: unknown) => e instanceof DefinitionError && e.problems.length === problems.length);
    const expected = [
      ['models/orders.yml', 'semantic_models[0].entities[0].type', 8],
      ['models/orders.yml', 'semantic_models[0].dimensions[0]', 11],
      ['models/orders.yml', 'semantic_models[0].measures[0].aggg', 17],
      ['models/orders.yml', 'semantic_models[0].defaults.agg_time_dimension', 5],
      ['models/orders.yml', 'semantic_models[1].model', 20],
      ['metrics.yml', 'metrics[0].type_params.measure', 5],
      ['metrics.yml', 'metrics[1].type_params.denominator', 10],
      ['metrics.yml', 'metrics[2].filter', 15],
      ['metrics.yml', 'metrics[2].name', 11],
      ['metrics.yml', 'saved_queries[0].query_params.metrics[1]', 19],
    ] as const;
    for (const [file, path, line] of expected) {
      const p = problemAt(problems, path);
      assert.equal(p.file, file, path);
      assert.equal(p.line, line, path);
      assert.ok(p.message.length > 0 && p.fix, `${path} has a message and a fix`);
    }
    const syntax = problems.filter((p) => p.file === 'syntax.yml');
    assert.ok(syntax.length >= 1, 'the YAML syntax error is reported');
    assert.ok(syntax.every((p) => p.line !== undefined && /YAML syntax error/.test(p.message)));
    // Nothing else: each mistake is reported once.
    assert.equal(problems.length, expected.length + syntax.length, problems.map((p) => `${p.path}: ${p.message}`).join('\n'));
  });

  it('says what was wrong and suggests the fix', () => {
    assert.match(problemAt(problems, 'semantic_models[0].measures[0].aggg').message, /Unknown key 'aggg'.*Did you mean 'agg'/);
    assert.match(problemAt(problems, 'semantic_models[0].entities[0].type').message, /'primry'.*Did you mean 'primary'/);
    assert.match(problemAt(problems, 'metrics[0].type_params.measure').message, /Unknown measure 'order_totl'.*'order_total'/);
    assert.match(problemAt(problems, 'metrics[2].name').message, /Duplicate metric name 'revenue'.*metrics\.yml at metrics\[0\]/);
    assert.match(problemAt(problems, 'semantic_models[0].defaults.agg_time_dimension').message, /categorical/);
  });

  it('formats every problem with file:line and path in the error message', () => {
    try {
      parseSemanticLayerFiles(files);
    } catch (error) {
      assert.ok(error instanceof DefinitionError);
      assert.match(error.message, /models\/orders\.yml:17 at semantic_models\[0\]\.measures\[0\]\.aggg: Unknown key 'aggg'/);
      assert.equal(error.code, 'INVALID_DEFINITION');
    }
  });
});
