import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DefinitionError, SemanticEngine, parseSemanticLayerFiles } from '../../../src/semantic';
import type { DuckDbWarehouse } from '../../../src/warehouse/duckdb/duckdb-warehouse';
import { typeEngineFromWarehouse } from '../../../src/warehouse/typed-engine';
import { demoWarehouse } from '../../support/demo-db';

/**
 * Natural entities: a versioned (SCD type 2) dimension model joins the version valid when the fact
 * happened. The demo's events carry the user version valid at their timestamp (`user_key`), which
 * gives an independent answer to compare with.
 */
const DEFINITIONS = `
semantic_models:
  - name: events
    model: ref('fct_user_engagement')
    defaults: { agg_time_dimension: event_timestamp }
    entities:
      - { name: event, type: primary, expr: event_id }
      - { name: user, type: foreign, expr: user_id }
    dimensions:
      - { name: event_timestamp, type: time, type_params: { time_granularity: second } }
    measures:
      - { name: event_count, agg: count, expr: event_id }
  - name: user_versions
    model: ref('dim_users')
    entities:
      - { name: user, type: natural, expr: user_id }
    dimensions:
      - { name: country, type: categorical }
      - { name: user_segment, type: categorical }
      - name: valid_from
        type: time
        type_params: { time_granularity: second, validity_params: { is_start: true } }
      - name: valid_to
        type: time
        type_params: { time_granularity: second, validity_params: { is_end: true } }
metrics:
  - { name: events, type: simple, type_params: { measure: event_count } }
`;

describe('joining a versioned (SCD type 2) dimension at the fact time', () => {
  let warehouse: DuckDbWarehouse;
  let engine: SemanticEngine;

  before(async () => {
    warehouse = await demoWarehouse();
    ({ engine } = await typeEngineFromWarehouse(new SemanticEngine(parseSemanticLayerFiles([{ path: 'scd.yml', text: DEFINITIONS }])), warehouse));
  });
  after(async () => warehouse?.close());

  it('counts events by the country the user had when the event happened', async () => {
    const compiled = engine.compile({ metrics: ['events'], groupBy: ['user__country'], orderBy: ['user__country'] }, 'duckdb');
    const actual = await warehouse.execute(compiled.sql, compiled.parameters);
    const expected = await warehouse.execute(
      `SELECT u.country, COUNT(*) FROM marts.fct_user_engagement e
       LEFT JOIN marts.dim_users u ON u.user_key = e.user_key GROUP BY 1 ORDER BY 1 NULLS LAST`,
      {},
    );
    assert.deepEqual(actual.rows, expected.rows);
    // The current country alone would say otherwise: the demo has users who moved.
    const current = await warehouse.execute(
      `SELECT u.country, COUNT(*) FROM marts.fct_user_engagement e
       LEFT JOIN marts.dim_users_current u USING (user_id) GROUP BY 1 ORDER BY 1 NULLS LAST`,
      {},
    );
    assert.notDeepEqual(actual.rows, current.rows);
  });

  it('never fans out: every event is counted once', async () => {
    const compiled = engine.compile({ metrics: ['events'], groupBy: ['user__user_segment'] }, 'duckdb');
    const rows = (await warehouse.execute(compiled.sql, compiled.parameters)).rows;
    const total = (await warehouse.execute('SELECT COUNT(*) FROM marts.fct_user_engagement', {})).rows[0]![0];
    assert.equal(rows.reduce((s, r) => s + (r[1] as number), 0), total);
  });

  it('states the validity window in the join, open-ended for the current version', () => {
    const { sql, parameters } = engine.compile({ metrics: ['events'], groupBy: ['user__country'] }, 'bigquery');
    // An open window (valid_to NULL) ends at the end of time: COALESCE keeps the join a hash join.
    const m = /ON `m`\.`user` = `j1`\.`user` AND `m`\.`event_timestamp` >= `j1`\.`valid_from` AND `m`\.`event_timestamp` < COALESCE\(`j1`\.`valid_to`, CAST\(@(p\d+) AS TIMESTAMP\)\)/.exec(sql);
    assert.ok(m, sql);
    assert.equal(parameters[m[1]!], '9999-12-31 23:59:59');
  });

  it('rejects a versioned model without a complete window, or with measures', () => {
    const broken = DEFINITIONS.replace('validity_params: { is_end: true }', 'validity_params: { is_start: true }').replace(
      'metrics:',
      '    measures:\n      - { name: versions, agg: count, expr: user_key }\nmetrics:',
    );
    assert.throws(
      () => parseSemanticLayerFiles([{ path: 'scd.yml', text: broken }]),
      (e: unknown) =>
        e instanceof DefinitionError &&
        e.problems.some((p) => /2 validity start and 0 validity end/.test(p.message)) &&
        e.problems.some((p) => /cannot have measures/.test(p.message)),
    );
  });
});
