import assert from 'node:assert/strict';
import { DefinitionError, type DefinitionProblem } from '../../../src/semantic/errors';
import type { SemanticManifest } from '../../../src/semantic/spec/manifest';
import { parseSemanticLayerFiles, type SpecFile } from '../../../src/semantic/spec/semantic-layer-loader';

/** Loads files that must be invalid and returns the problems of the one DefinitionError. */
export function problemsOf(files: SpecFile[]): DefinitionProblem[] {
  try {
    parseSemanticLayerFiles(files);
  } catch (error) {
    assert.ok(error instanceof DefinitionError, `expected a DefinitionError, got ${String(error)}`);
    return error.problems;
  }
  assert.fail('expected the definitions to be rejected');
}

/** Loads a single dbt-project YAML file that must be valid. */
export function loadYaml(text: string, path = 'models/test.yml'): SemanticManifest {
  return parseSemanticLayerFiles([{ path, text }]);
}

/** The one problem at `path` (fails when there is none or several). */
export function problemAt(problems: DefinitionProblem[], path: string): DefinitionProblem {
  const found = problems.filter((p) => p.path === path);
  assert.equal(found.length, 1, `expected one problem at ${path}, got:\n${problems.map((p) => `${p.path}: ${p.message}`).join('\n')}`);
  return found[0]!;
}

/** A valid orders model to build test projects from; `extra` is appended under the model. */
export function ordersModel(extra = ''): string {
  return `semantic_models:
  - name: orders
    model: ref('fact_orders')
    defaults:
      agg_time_dimension: order_date
    entities:
      - name: order
        type: primary
        expr: order_id
      - name: customer
        type: foreign
        expr: customer_id
    dimensions:
      - name: order_date
        type: time
        type_params:
          time_granularity: day
      - name: order_status
        type: categorical
    measures:
      - name: order_total
        agg: sum
        expr: total_order_value
      - name: order_count
        agg: count
        expr: order_id
${extra}`;
}
