/**
 * Median and percentile measures (MetricFlow's `agg: median` / `agg: percentile`) compiled by the engine
 * and run on the demo DuckDB, against SQL written by hand that takes another route: row numbers and
 * linear interpolation for continuous percentiles, `cume_dist()` (the SQL standard's definition) for
 * discrete ones. Approximate percentiles are held to a rank tolerance around the exact value.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadSemanticLayer, SemanticEngine, SemanticError, type Measure, type MetricQueryInput, type SemanticManifest } from '../../../src/semantic';
import type { DuckDbWarehouse } from '../../../src/warehouse/duckdb/duckdb-warehouse';
import type { WarehouseResult } from '../../../src/warehouse/warehouse';
import { demoWarehouse, repoPath } from '../../support/demo-db';

type Row = WarehouseResult['rows'][number];

const MEASURES: Measure[] = [
  { name: 'order_value_median', agg: 'median', expr: 'total_order_value' },
  { name: 'order_value_p90', agg: 'percentile', expr: 'total_order_value', agg_params: { percentile: 0.9 } },
  { name: 'order_value_p90_discrete', agg: 'percentile', expr: 'total_order_value', agg_params: { percentile: 0.9, use_discrete_percentile: true } },
  { name: 'order_value_p90_approx', agg: 'percentile', expr: 'total_order_value', agg_params: { percentile: 0.9, use_approximate_percentile: true } },
  { name: 'item_count_median', agg: 'median', expr: 'item_count' },
  { name: 'item_count_p75_discrete', agg: 'percentile', expr: 'item_count', agg_params: { percentile: 0.75, use_discrete_percentile: true } },
  {
    name: 'order_value_p90_approx_discrete',
    agg: 'percentile',
    expr: 'total_order_value',
    agg_params: { percentile: 0.9, use_discrete_percentile: true, use_approximate_percentile: true },
  },
];

/** The repository's definitions plus the measures above on `orders` (fact_orders), each with a simple metric. */
function manifestWithPercentiles(): SemanticManifest {
  const manifest = structuredClone(loadSemanticLayer(repoPath('semantic-layer')));
  manifest.semantic_models.find((m) => m.name === 'orders')!.measures.push(...MEASURES);
  manifest.metrics.push(...MEASURES.map((m) => ({ name: m.name, type: 'simple' as const, type_params: { measure: { name: m.name } } })));
  return manifest;
}

/**
 * Per group: row number, count and cume_dist of each value, then the continuous percentile by
 * interpolating between the rows at 1 + p(n - 1) (floor and ceiling), the discrete one as the
 * smallest value whose cume_dist reaches p.
 */
function handWritten(opts: { group: string; alias: string; from: string; where?: string }): string {
  const ranked = (col: string, tag: string) => `
      row_number() OVER (PARTITION BY g ORDER BY ${col}) AS rn_${tag},
      cume_dist() OVER (PARTITION BY g ORDER BY ${col}) AS cd_${tag}`;
  const continuous = (p: number, col: string, tag: string) => {
    const h = `(1 + ${p} * (n - 1))`;
    const lo = `max(${col}) FILTER (WHERE rn_${tag} = floor(${h}))`;
    const hi = `max(${col}) FILTER (WHERE rn_${tag} = ceil(${h}))`;
    return `${lo} + (${h} - floor(${h})) * (${hi} - ${lo})`;
  };
  const discrete = (p: number, col: string, tag: string) => `min(${col}) FILTER (WHERE cd_${tag} >= ${p})`;
  return `
    WITH v AS (
      SELECT ${opts.group} AS g, CAST(o.total_order_value AS DOUBLE) AS x, o.item_count AS ic
      FROM ${opts.from} ${opts.where ? `WHERE ${opts.where}` : ''}
    ), r AS (
      SELECT g, x, ic, count(*) OVER (PARTITION BY g) AS n, ${ranked('x', 'x')}, ${ranked('ic', 'ic')} FROM v
    )
    SELECT g AS ${opts.alias},
      ${continuous(0.5, 'x', 'x')} AS order_value_median,
      ${continuous(0.9, 'x', 'x')} AS order_value_p90,
      ${discrete(0.9, 'x', 'x')} AS order_value_p90_discrete,
      ${continuous(0.5, 'ic', 'ic')} AS item_count_median,
      ${discrete(0.75, 'ic', 'ic')} AS item_count_p75_discrete
    FROM r GROUP BY g, n`;
}

const EXACT = ['order_value_median', 'order_value_p90', 'order_value_p90_discrete', 'item_count_median', 'item_count_p75_discrete'];

interface Case {
  name: string;
  input: MetricQueryInput;
  expectedSql: string;
  groups: number;
}

const CASES: Case[] = [
  {
    name: 'by metric_time__month',
    input: { metrics: EXACT, groupBy: ['metric_time__month'] },
    expectedSql: handWritten({ group: "CAST(date_trunc('month', o.order_date) AS DATE)", alias: 'metric_time__month', from: 'marts.fact_orders o' }),
    groups: 6,
  },
  {
    name: 'by the customer segment (a join), delivered orders only (a filter)',
    input: {
      metrics: EXACT,
      groupBy: ['customer__customer_segment'],
      where: ["{{ Dimension('order__order_status') }} = 'delivered'"],
    },
    expectedSql: handWritten({
      group: 'c.customer_segment',
      alias: 'customer__customer_segment',
      from: 'marts.fact_orders o LEFT JOIN marts.dim_customer_current c ON c.customer_id = o.customer_id',
      where: "o.order_status = 'delivered'",
    }),
    groups: 4,
  },
  {
    name: 'without a group-by (one row over every order)',
    input: { metrics: EXACT },
    expectedSql: `SELECT * EXCLUDE (total) FROM (${handWritten({ group: "'all'", alias: 'total', from: 'marts.fact_orders o' })})`,
    groups: 1,
  },
];

/** Equal within 1e-9 relative: interpolation is done in DOUBLE on both sides. */
function close(a: unknown, b: unknown): boolean {
  if (typeof a === 'number' && typeof b === 'number') return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
  return a === b;
}

function byFirstColumn(rows: Row[]): Row[] {
  return [...rows].sort((x, y) => String(x[0]).localeCompare(String(y[0])));
}

describe('percentile and median measures executed on the demo DuckDB', () => {
  const engine = new SemanticEngine(manifestWithPercentiles());
  let warehouse: DuckDbWarehouse;
  before(async () => {
    warehouse = await demoWarehouse();
    const nulls = await warehouse.execute(
      'SELECT count(*) FILTER (WHERE total_order_value IS NULL) + count(*) FILTER (WHERE item_count IS NULL) FROM marts.fact_orders',
      {},
    );
    assert.equal(nulls.rows[0]![0], 0, 'the hand-written SQL assumes no NULL values (it counts every row)');
  });
  after(async () => {
    await warehouse?.close();
  });

  for (const c of CASES) {
    it(`exact percentiles and medians ${c.name}`, async () => {
      const compiled = engine.compile(c.input, 'duckdb');
      const actual = await warehouse.execute(compiled.sql, compiled.parameters);
      const expected = await warehouse.execute(c.expectedSql, {});
      assert.deepEqual(actual.columns.map((col) => col.name), expected.columns.map((col) => col.name));
      assert.equal(expected.rows.length, c.groups, 'the hand-written query has the groups it should');
      assert.equal(actual.rows.length, expected.rows.length, 'row count');
      const [a, e] = [byFirstColumn(actual.rows), byFirstColumn(expected.rows)];
      a.forEach((row, i) => {
        assert.ok(
          row.every((v, j) => close(v, e[i]![j])),
          `row ${i} differs:\n  engine:   ${JSON.stringify(row)}\n  expected: ${JSON.stringify(e[i])}`,
        );
      });
      // The comparison must tell the kinds apart, and catch interpolation rounded to the column's scale (cents).
      const at = (name: string) => actual.columns.findIndex((col) => col.name === name);
      const [cont, disc] = [at('order_value_p90'), at('order_value_p90_discrete')];
      assert.ok(a.some((r) => r[cont] !== r[disc]), 'the continuous and discrete p90 differ somewhere');
      assert.ok(
        a.some((r) => Math.abs((r[cont] as number) * 100 - Math.round((r[cont] as number) * 100)) > 1e-6),
        `some continuous p90 falls between cents: ${JSON.stringify(a.map((r) => r[cont]))}`,
      );
    });
  }

  it('an approximate percentile is close to the exact one, by rank and by value, and keeps its decimals', async () => {
    const compiled = engine.compile({ metrics: ['order_value_p90_approx', 'order_value_p90'], groupBy: ['metric_time__month'] }, 'duckdb');
    const { rows } = await warehouse.execute(compiled.sql, compiled.parameters);
    assert.equal(rows.length, 6);
    // Rank of each month's estimate among that month's orders, computed apart from the engine.
    const ranks = await warehouse.execute(
      `SELECT CAST(date_trunc('month', order_date) AS DATE) AS m, count(*) AS n,
         min(total_order_value) AS lo, max(total_order_value) AS hi, list(CAST(total_order_value AS DOUBLE)) AS xs
       FROM marts.fact_orders GROUP BY 1`,
      {},
    );
    const byMonth = new Map(ranks.rows.map((r) => [r[0] as string, r]));
    for (const [month, approx, exact] of rows as [string, number, number][]) {
      const [, n, lo, hi, xs] = byMonth.get(month)! as [string, number, number, number, unknown];
      const values = (typeof xs === 'string' ? JSON.parse(xs) : xs) as number[];
      assert.equal(values.length, n);
      const rank = values.filter((x) => x <= approx).length / n;
      assert.ok(Math.abs(rank - 0.9) <= 0.02, `${month}: the estimate ${approx} sits at rank ${rank.toFixed(4)}, not near 0.9`);
      assert.ok(Math.abs(approx - exact) <= 0.02 * (hi - lo), `${month}: estimate ${approx} vs exact ${exact} (range ${lo}..${hi})`);
    }
    // DuckDB's APPROX_QUANTILE of a DECIMAL returns a BIGINT: every estimate would be whole.
    assert.ok(rows.some((r) => !Number.isInteger(r[1])), `estimates keep their decimals: ${JSON.stringify(rows.map((r) => r[1]))}`);
  });

  it('an approximate discrete percentile is refused on DuckDB, saying what DuckDB computes', () => {
    assert.throws(
      () => engine.compile({ metrics: ['order_value_p90_approx_discrete'], groupBy: ['metric_time__month'] }, 'duckdb'),
      (e: unknown) =>
        e instanceof SemanticError &&
        e.code === 'UNSUPPORTED' &&
        /approximate discrete percentile, which duckdb cannot/.test(e.message) &&
        /use_discrete_percentile: true\)/.test(e.message),
    );
  });

  it('on BigQuery: approximate continuous percentiles compile to APPROX_QUANTILES, exact ones are refused', () => {
    const { sql } = engine.compile({ metrics: ['order_value_p90_approx'], groupBy: ['metric_time__month'] }, 'bigquery');
    assert.match(sql, /APPROX_QUANTILES\(`m`\.`order_value_p90_approx`, 10\)\[OFFSET\(9\)\] AS `order_value_p90_approx`/);
    for (const metric of ['order_value_median', 'order_value_p90', 'order_value_p90_discrete', 'order_value_p90_approx_discrete']) {
      assert.throws(
        () => engine.compile({ metrics: [metric], groupBy: ['metric_time__month'] }, 'bigquery'),
        (e: unknown) => e instanceof SemanticError && e.code === 'UNSUPPORTED' && /which bigquery cannot.*use_approximate_percentile: true/.test(e.message),
        metric,
      );
    }
  });
});
