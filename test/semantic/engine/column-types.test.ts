import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SemanticEngine, SemanticError, parseSemanticLayerFiles } from '../../../src/semantic';
import { DuckDbWarehouse } from '../../../src/warehouse/duckdb/duckdb-warehouse';
import { typeEngineFromWarehouse } from '../../../src/warehouse/typed-engine';

/**
 * dbt's spec carries no column types: a TIMESTAMP column declared at day grain (jaffle-shop's
 * `ordered_at`) is common. With the warehouse's types the engine truncates and compares it as a
 * timestamp; and metrics over columns of different grains line up on one metric_time grain.
 */
const DEFINITIONS = `
semantic_models:
  - name: clicks
    model: ref('clicks')
    defaults: { agg_time_dimension: clicked_at }
    entities:
      - { name: click, type: primary, expr: click_id }
    dimensions:
      - name: clicked_at
        type: time
        type_params: { time_granularity: day }
      - name: clicked_hour
        type: time
        expr: clicked_at
        type_params: { time_granularity: hour }
    measures:
      - { name: click_count, agg: count, expr: click_id }
      - { name: hourly_clicks, agg: count, expr: click_id, agg_time_dimension: clicked_hour }
  - name: visits
    model: ref('visits')
    defaults: { agg_time_dimension: visit_date }
    entities:
      - { name: visit, type: primary, expr: visit_id }
    dimensions:
      - name: visit_date
        type: time
        is_partition: true
        type_params: { time_granularity: day }
    measures:
      - { name: visit_count, agg: count, expr: visit_id }
metrics:
  - { name: clicks, type: simple, type_params: { measure: click_count } }
  - { name: hourly_clicks, type: simple, type_params: { measure: hourly_clicks } }
  - { name: visits, type: simple, type_params: { measure: visit_count } }
`;

describe('time columns typed by the warehouse', () => {
  let warehouse: DuckDbWarehouse;
  let engine: SemanticEngine;
  let missing: string[];

  before(async () => {
    warehouse = await DuckDbWarehouse.open(':memory:');
    for (const sql of [
      'CREATE SCHEMA marts',
      'CREATE TABLE marts.clicks (click_id INTEGER, clicked_at TIMESTAMP)',
      `INSERT INTO marts.clicks VALUES (1, '2024-03-01 00:10:00'), (2, '2024-03-01 13:00:00'), (3, '2024-03-01 23:59:59'),
        (4, '2024-03-02 08:00:00'), (5, '2024-03-04 12:00:00'), (6, '2024-04-01 00:00:00')`,
      'CREATE TABLE marts.visits (visit_id INTEGER, visit_date DATE)',
      `INSERT INTO marts.visits VALUES (1, '2024-03-01'), (2, '2024-03-01'), (3, '2024-03-03')`,
    ]) {
      await warehouse.execute(sql, {});
    }
    const manifest = parseSemanticLayerFiles([{ path: 'models.yml', text: DEFINITIONS }]);
    // A model whose table the warehouse lacks, to see it reported.
    manifest.semantic_models.push({ ...manifest.semantic_models[1]!, name: 'ghosts', node_relation: { alias: 'ghosts', schema_name: 'marts' }, measures: [{ name: 'ghost_count', agg: 'count', expr: 'visit_id' }] });
    ({ engine, missingTables: missing } = await typeEngineFromWarehouse(new SemanticEngine(manifest), warehouse));
  });

  after(async () => warehouse?.close());

  const run = async (input: Parameters<SemanticEngine['compile']>[0]) => {
    const compiled = engine.compile(input, 'duckdb');
    return { compiled, result: await warehouse.execute(compiled.sql, compiled.parameters) };
  };

  it('reports the tables the definitions name but the warehouse lacks', () => {
    assert.deepEqual(missing, ['marts.ghosts']);
  });

  it('groups a TIMESTAMP column declared at day grain by day, as a DATE', async () => {
    const { result } = await run({ metrics: ['clicks'], groupBy: ['metric_time__day'], orderBy: ['metric_time__day'] });
    assert.deepEqual(result.columns.map((c) => c.type), ['DATE', 'INTEGER']);
    const expected = await warehouse.execute(
      'SELECT CAST(clicked_at AS DATE) AS d, COUNT(*) FROM marts.clicks GROUP BY 1 ORDER BY 1',
      {},
    );
    assert.deepEqual(result.rows, expected.rows);
    assert.equal(result.rows.length, 4);
  });

  it('compares it with a date filter and a time range by day, not by instant', async () => {
    const day = await run({ metrics: ['clicks'], where: ["{{ TimeDimension('metric_time', 'day') }} = '2024-03-01'"] });
    assert.deepEqual(day.result.rows, [[3]]);
    const range = await run({ metrics: ['clicks'], startTime: '2024-03-01', endTime: '2024-03-02' });
    assert.deepEqual(range.result.rows, [[4]], 'endTime covers the whole last day');
    assert.match(range.compiled.sql, /WHERE clicked_at >= CAST\(\$p0 AS TIMESTAMP\) AND clicked_at < CAST\(\$p1 AS TIMESTAMP\)/);
  });

  it('spells the BigQuery SQL for the stored types: DATE() of a timestamp, timestamp bounds on the column', () => {
    const { sql, parameters } = engine.compile({ metrics: ['clicks'], groupBy: ['metric_time__week'], startTime: '2024-03-01', endTime: '2024-03-31' }, 'bigquery');
    assert.match(sql, /DATE_TRUNC\(DATE\(`m`\.`clicked_at`\), ISOWEEK\)/);
    assert.match(sql, /clicked_at >= CAST\(@p0 AS TIMESTAMP\)/);
    assert.equal(parameters.p0, '2024-02-26 00:00:00', 'startTime widened to the start of its ISO week');
  });

  it('reads a BigQuery DATETIME (civil time) as a TIMESTAMP in UTC: in the projection and in the pruning bound', () => {
    const civil = engine.withColumnTypes((relation, column) => (relation.alias === 'clicks' && column === 'clicked_at' ? 'DATETIME' : undefined));
    const { sql, parameters } = civil.compile({ metrics: ['clicks'], groupBy: ['metric_time__day'], startTime: '2024-03-01', endTime: '2024-03-02' }, 'bigquery');
    assert.match(sql, /CAST\(clicked_at AS TIMESTAMP\) AS `clicked_at`/);
    assert.match(sql, /WHERE CAST\(clicked_at AS TIMESTAMP\) >= CAST\(@p0 AS TIMESTAMP\) AND CAST\(clicked_at AS TIMESTAMP\) < CAST\(@p1 AS TIMESTAMP\)/);
    assert.match(sql, /DATE\(`m`\.`clicked_at`\) AS `metric_time__day`/);
    assert.deepEqual(parameters, { p0: '2024-03-01 00:00:00', p1: '2024-03-03 00:00:00' });
  });

  it('without the warehouse, reads the declared grain (day or coarser: a DATE)', () => {
    const untyped = new SemanticEngine(engine.manifest);
    const { sql } = untyped.compile({ metrics: ['clicks'], groupBy: ['metric_time__week'] }, 'bigquery');
    assert.match(sql, /DATE_TRUNC\(`m`\.`clicked_at`, ISOWEEK\)/);
  });

  it('lines metrics of different grains up on one metric_time grain, the coarsest', async () => {
    const { compiled, result } = await run({ metrics: ['hourly_clicks', 'visits'], groupBy: ['metric_time'], orderBy: ['metric_time__day'] });
    assert.deepEqual(compiled.columns.map((c) => c.name), ['metric_time__day', 'hourly_clicks', 'visits']);
    assert.deepEqual(result.rows, [
      ['2024-03-01', 3, 2],
      ['2024-03-02', 1, null],
      ['2024-03-03', null, 1],
      ['2024-03-04', 1, null],
      ['2024-04-01', 1, null],
    ]);
  });

  it('still groups the hourly measure by hour when asked', async () => {
    const { result } = await run({
      metrics: ['hourly_clicks'],
      groupBy: ['metric_time__hour'],
      where: ["{{ TimeDimension('metric_time', 'day') }} = '2024-03-01'"],
      orderBy: ['metric_time__hour'],
    });
    assert.equal(result.columns[0]!.type, 'TIMESTAMP');
    assert.deepEqual(result.rows, [
      ['2024-03-01T00:00:00.000Z', 1],
      ['2024-03-01T13:00:00.000Z', 1],
      ['2024-03-01T23:00:00.000Z', 1],
    ]);
  });

  it('refuses an alias that is not a plain lower-case name', () => {
    for (const alias of ['', 'X', 'two words', 'a"b']) {
      assert.throws(
        () => engine.compile({ metrics: [{ name: 'clicks', alias }] }, 'duckdb'),
        (e: unknown) => e instanceof SemanticError && e.code === 'INVALID_QUERY' && /Alias/.test(e.message),
        JSON.stringify(alias),
      );
    }
  });
});
