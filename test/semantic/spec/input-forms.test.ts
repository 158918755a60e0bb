import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DefinitionError } from '../../../src/semantic/errors';
import { loadSemanticLayer, parseSemanticLayerFiles } from '../../../src/semantic/spec/semantic-layer-loader';
import { problemAt, problemsOf } from './spec-helpers';

describe('input-form specifics', () => {
  it('requires one object per dbt-semantic-interfaces document', () => {
    const problems = problemsOf([{ path: 'x.yaml', text: 'metric:\n  name: a\n  type: simple\n  type_params: { measure: m }\nsaved_query:\n  name: q\n' }]);
    assert.match(problemAt(problems, '').message, /exactly one object/);
  });

  it('reports node_relation problems in dbt-semantic-interfaces documents', () => {
    const problems = problemsOf([{ path: 'x.yaml', text: 'semantic_model:\n  name: a\n  node_relation:\n    alias: t\n' }]);
    const p = problemAt(problems, 'semantic_model.node_relation');
    assert.match(p.message, /missing the required key 'schema_name'/);
    assert.equal(p.line, 3, 'the line of node_relation:');
  });

  it("drops dbt's computed JSON extras but reports unknown keys that carry a value", () => {
    const json = JSON.stringify({
      semantic_models: [],
      metrics: [{ name: 'm', type: 'simple', type_params: { measure: { name: 'x' }, input_measures: [{ name: 'x' }] }, metadata: { repo_file_path: 'a.yml' }, surprise: null, extra_field: 3 }],
      saved_queries: [],
      project_configuration: { time_spines: [], dsi_package_version: { major_version: '0' } },
    }, null, 2);
    const problems = problemsOf([{ path: 'target/semantic_manifest.json', text: json }]);
    const p = problemAt(problems, 'metrics[0].extra_field');
    assert.equal(p.file, 'target/semantic_manifest.json');
    assert.equal(p.line, 21);
    assert.ok(!problems.some((q) => /input_measures|metadata|surprise|dsi_package_version/.test(q.path)));
  });

  it('reports JSON syntax errors with their line', () => {
    const problems = problemsOf([{ path: 'semantic_manifest.json', text: '{\n  "metrics": [\n    oops\n  ]\n}' }]);
    assert.equal(problems.length, 1);
    assert.match(problems[0]!.message, /JSON syntax error/);
    assert.equal(problems[0]!.line, 3);
  });

  it('reads time spines from project_configuration', () => {
    const m = parseSemanticLayerFiles([
      {
        path: 'project.yaml',
        text: `project_configuration:
  time_spines:
    - node_relation: { alias: dim_date, schema_name: marts }
      primary_column: { name: date_day, time_granularity: day }
      custom_granularity_columns: [{ name: fiscal_quarter }]
`,
      },
    ]);
    assert.deepEqual(m.project_configuration, {
      time_spines: [{ node_relation: { alias: 'dim_date', schema_name: 'marts' }, primary_column: { name: 'date_day', time_granularity: 'day' }, custom_granularities: [{ name: 'fiscal_quarter' }] }],
    });
  });

  it('fails with a DefinitionError when the path does not exist', () => {
    assert.throws(() => loadSemanticLayer('/nonexistent/semantic-layer'), (e: unknown) => e instanceof DefinitionError && /does not exist/.test(e.message));
  });
});
