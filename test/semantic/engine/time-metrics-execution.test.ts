/**
 * Real execution of MetricFlow's time constructs (cumulative metrics, offset derived metrics, custom
 * granularities from the time spine, join_to_timespine + fill_nulls_with): the engine's DuckDB SQL, run on
 * the demo marts, must give the rows of SQL written by hand from the YAML definitions and MetricFlow's
 * documented semantics. The hand-written SQL takes other routes than a spine join where it can: each event
 * is expanded forward over the days whose window it falls in (`range`), running totals are correlated
 * subqueries, offsets shift the rows' own dates, fiscal periods are computed from the date rather than read
 * from dim_date, and gaps are filled from `generate_series`.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadSemanticLayer, SemanticEngine, type Metric, type SemanticManifest } from '../../../src/semantic';
import type { DuckDbWarehouse } from '../../../src/warehouse/duckdb/duckdb-warehouse';
import { typeEngineFromWarehouse } from '../../../src/warehouse/typed-engine';
import { demoWarehouse, repoPath } from '../../support/demo-db';
import { assertMatchesHandWritten, assertSameRows } from '../../support/row-assert';
import { expectSemanticError } from '../../support/semantic-assert';
import { TIME_METRIC_CASES, type Row } from './time-metrics-cases';

/** Variants of `wau` for each period_agg (and none, whose default is `first`), and a gappy metric filled from the spine. */
const EXTRA_METRICS: Metric[] = [
  ...(['first', 'average', undefined] as const).map((periodAgg) => ({
    name: periodAgg ? `wau_${periodAgg}` : 'wau_default',
    type: 'cumulative' as const,
    type_params: {
      measure: { name: 'engaged_users' },
      cumulative_type_params: { window: { count: 7, granularity: 'day' }, ...(periodAgg ? { period_agg: periodAgg } : {}) },
    },
  })),
  {
    name: 'aov_wow_change',
    type: 'derived',
    type_params: {
      expr: 'aov - aov_prior',
      metrics: [{ name: 'average_order_value', alias: 'aov' }, { name: 'average_order_value', alias: 'aov_prior', offset_window: { count: 1, granularity: 'week' } }],
    },
  },
  {
    name: 'revenue_wow_growth_a_week_earlier',
    type: 'derived',
    type_params: { expr: 'prior_growth', metrics: [{ name: 'revenue_wow_growth', alias: 'prior_growth', offset_window: { count: 1, granularity: 'week' } }] },
  },
  {
    name: 'canceled_orders_filled',
    type: 'simple',
    type_params: { measure: { name: 'order_count', join_to_timespine: true, fill_nulls_with: 0 } },
    filter: { where_filters: [{ where_sql_template: "{{ Dimension('order__order_status') }} = 'canceled'" }] },
  },
];

function manifestWithExtras(): SemanticManifest {
  const manifest = structuredClone(loadSemanticLayer(repoPath('semantic-layer')));
  manifest.metrics.push(...EXTRA_METRICS);
  return manifest;
}

describe('time metrics (cumulative, offsets, custom grains, time spine) executed on the demo DuckDB', () => {
  let engine: SemanticEngine;
  let warehouse: DuckDbWarehouse;
  const sql = async (text: string): Promise<Row[]> => (await warehouse.execute(text, {})).rows;

  before(async () => {
    warehouse = await demoWarehouse();
    const typed = await typeEngineFromWarehouse(new SemanticEngine(manifestWithExtras()), warehouse);
    assert.deepEqual(typed.missingTables, [], 'the demo warehouse has every table the definitions name');
    engine = typed.engine;
    // The hand-written SQL relies on these facts of the demo data; say so if they stop holding.
    const [facts] = await sql(`SELECT
        (SELECT count(DISTINCT event_date) FROM marts.fct_user_engagement),
        (SELECT CAST(min(date_day) AS VARCHAR) || ' ' || CAST(max(date_day) AS VARCHAR) FROM marts.dim_date),
        (SELECT count(*) FROM marts.fact_orders WHERE total_order_value IS NULL OR order_date IS NULL)`);
    assert.deepEqual(facts, [182, '2023-01-01 2025-12-31', 0], 'demo data shape');
  });
  after(async () => {
    await warehouse?.close();
  });

  for (const c of TIME_METRIC_CASES) {
    it(c.name, () => assertMatchesHandWritten(engine, warehouse, c));
  }

  describe('metric_time is required where MetricFlow requires it', () => {
    it('a window cumulative metric without metric_time fails, naming the metric', () => {
      for (const groupBy of [[], ['user__country']]) {
        expectSemanticError(() => engine.compile({ metrics: ['wau'], groupBy }, 'duckdb'), 'INVALID_QUERY', /'wau'.*metric_time/);
      }
    });

    it('a grain_to_date cumulative metric without metric_time fails, naming the metric', () => {
      expectSemanticError(
        () => engine.compile({ metrics: ['revenue_mtd'], groupBy: ['order__order_status'] }, 'duckdb'),
        'INVALID_QUERY',
        /'revenue_mtd'.*metric_time/,
      );
    });

    it('an offset derived metric without metric_time fails, naming the metric', () => {
      expectSemanticError(
        () => engine.compile({ metrics: ['revenue_last_week'], groupBy: ['order__order_status'] }, 'duckdb'),
        'INVALID_QUERY',
        /'revenue_last_week'.*metric_time/,
      );
      expectSemanticError(() => engine.compile({ metrics: ['revenue', 'revenue_wow_growth'] }, 'duckdb'), 'INVALID_QUERY', /'revenue_wow_growth'/);
    });

    it('an all-time cumulative metric without metric_time is a plain aggregate over all rows', async () => {
      const compiled = engine.compile({ metrics: ['lifetime_revenue'], groupBy: ['order__order_status'] }, 'duckdb');
      const actual = await warehouse.execute(compiled.sql, compiled.parameters);
      const expected = await warehouse.execute(
        `SELECT order_status AS order__order_status, sum(total_order_value) AS lifetime_revenue FROM marts.fact_orders
         WHERE order_status <> 'canceled' GROUP BY 1`,
        {},
      );
      assert.equal(expected.rows.length, 3, 'delivered, shipped, processing');
      assertSameRows(actual, expected, false);
    });
  });
});
