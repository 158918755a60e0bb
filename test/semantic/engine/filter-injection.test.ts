/**
 * Hostile query input at the engine level: anything that is not a MetricFlow filter or name is
 * rejected while compiling, before a statement reaches the warehouse; values that look like SQL are
 * carried only as parameters. The warehouse is the real demo DuckDB, wrapped to count what reaches it.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SemanticEngine, SemanticError, type MetricQueryInput, type SemanticErrorCode } from '../../../src/semantic';
import type { DuckDbWarehouse } from '../../../src/warehouse/duckdb/duckdb-warehouse';
import type { DryRunResult, ExecuteOptions, ParameterValue, TableColumns, TableRef, Warehouse, WarehouseResult } from '../../../src/warehouse/warehouse';
import { demoWarehouse, repoPath } from '../../support/demo-db';

/** Passes statements through to the real warehouse, counting them. */
class CountingWarehouse implements Warehouse {
  readonly dialect = 'duckdb' as const;
  executed = 0;
  constructor(private readonly inner: Warehouse) {}
  execute(sql: string, parameters: Record<string, ParameterValue>, options?: ExecuteOptions): Promise<WarehouseResult> {
    this.executed++;
    return this.inner.execute(sql, parameters, options);
  }
  dryRun(sql: string, parameters: Record<string, ParameterValue>): Promise<DryRunResult> {
    this.executed++;
    return this.inner.dryRun(sql, parameters);
  }
  describeTables(tables: TableRef[]): Promise<TableColumns> {
    this.executed++;
    return this.inner.describeTables(tables);
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}

const STATUS = "{{ Dimension('order__order_status') }}";

/** Each must be refused while compiling, with the code given. */
const REJECTED: { what: string; input: MetricQueryInput; code: SemanticErrorCode }[] = [
  ...[
    ['a closing quote and a second statement', `${STATUS} = 'x'; DROP TABLE marts.fact_orders; --'`],
    ['a statement separator after a valid filter', `${STATUS} = 'delivered'; DROP TABLE marts.fact_orders`],
    ['a line comment', `${STATUS} = 'delivered' -- AND 1 = 0`],
    ['a block comment', `/* hi */ ${STATUS} = 'delivered'`],
    ['an unterminated string', `${STATUS} = 'delivered`],
    ['a double-quoted identifier', `"order_status" = 'delivered'`],
    ['a backquoted identifier', '`marts`.`fact_orders` IS NULL'],
    ['a bare column name', "order_status = 'delivered'"],
    ['a qualified column name', "m.order_status = 'delivered'"],
    ['a subquery in IN', `${STATUS} IN (SELECT order_status FROM marts.fact_orders)`],
    ['a scalar subquery', `${STATUS} = (SELECT max(order_status) FROM marts.fact_orders)`],
    ['EXISTS', 'EXISTS (SELECT 1)'],
    ['UNION', `${STATUS} = 'x' UNION SELECT 1`],
    ['an unknown function', `read_csv_auto('/etc/passwd') IS NULL`],
    ['a sleep', `pg_sleep(10) = 1`],
    ['a function on a reference that is not allowed', `regexp_matches(${STATUS}, '.*')`],
    ['SQL inside a Dimension name', "{{ Dimension('order__order_status) }} = 1; DROP TABLE marts.fact_orders; --') }} = 'x'"],
    ['a quote inside a Dimension name', "{{ Dimension('order__order_status\\'') }} = 'x'"],
    ['an unknown dimension', "{{ Dimension('order__password') }} = 'x'"],
    ['Jinja that is not a reference', "{{ config.get('x') }} = 'x'"],
    ['a Jinja statement', "{% set x = 1 %} TRUE"],
    ['a semicolon alone', ';'],
    ['a NUL byte', `${STATUS} = 'delivered'\u0000`],
    ['a time literal that is SQL', "{{ TimeDimension('metric_time', 'day') }} >= '2024-01-01''; DROP TABLE marts.fact_orders; --'"],
  ].map(([what, filter]) => ({ what: `filter with ${what}`, input: { metrics: ['orders'], where: [filter!] }, code: 'INVALID_FILTER' as const })),
  { what: 'group-by with a statement', input: { metrics: ['orders'], groupBy: ['order__order_status; DROP TABLE marts.fact_orders'] }, code: 'INVALID_GROUP_BY' },
  { what: 'group-by with a quote', input: { metrics: ['orders'], groupBy: ['order__order_status" --'] }, code: 'INVALID_GROUP_BY' },
  { what: 'group-by as Jinja', input: { metrics: ['orders'], groupBy: ["{{ Dimension('order__order_status') }}"] }, code: 'INVALID_GROUP_BY' },
  { what: 'group-by grain with SQL', input: { metrics: ['orders'], groupBy: [{ name: 'metric_time', grain: "month') --" }] }, code: 'INVALID_GROUP_BY' },
  { what: 'group-by date part with SQL', input: { metrics: ['orders'], groupBy: [{ name: 'metric_time', datePart: 'dow FROM x) --' }] }, code: 'INVALID_GROUP_BY' },
  { what: 'order-by with SQL', input: { metrics: ['orders'], orderBy: ['orders; DROP TABLE marts.fact_orders'] }, code: 'INVALID_ORDER_BY' },
  { what: 'metric name with SQL', input: { metrics: ["orders'; DROP TABLE marts.fact_orders; --"] }, code: 'UNKNOWN_METRIC' },
  { what: 'startTime with SQL', input: { metrics: ['orders'], startTime: "2024-01-01'; DROP TABLE marts.fact_orders; --" }, code: 'INVALID_TIME_CONSTRAINT' },
  { what: 'a non-integer limit', input: { metrics: ['orders'], limit: '1; DROP TABLE x' as unknown as number }, code: 'INVALID_LIMIT' },
];

const HOSTILE_VALUE = "x'; DROP TABLE marts.fact_orders; --";

describe('filter injection at the engine level', () => {
  const engine = SemanticEngine.load(repoPath('semantic-layer'));
  let real: DuckDbWarehouse;
  let warehouse: CountingWarehouse;
  let ordersBefore: number;

  /** What a service does: compile, then execute. */
  const run = async (input: MetricQueryInput) => {
    const compiled = engine.compile(input, 'duckdb');
    return { compiled, result: await warehouse.execute(compiled.sql, compiled.parameters) };
  };

  before(async () => {
    real = await demoWarehouse();
    warehouse = new CountingWarehouse(real);
    ordersBefore = (await real.execute('SELECT count(*) FROM marts.fact_orders', {})).rows[0]![0] as number;
    assert.ok(ordersBefore > 0);
  });
  after(async () => {
    await real?.close();
  });

  describe('rejected before the warehouse', () => {
    for (const c of REJECTED) {
      it(`${c.what} → ${c.code}`, async () => {
        const error = await run(c.input).then(
          () => assert.fail('the query was accepted'),
          (e: unknown) => e,
        );
        assert.ok(error instanceof SemanticError, `expected a SemanticError, got ${String(error)}`);
        assert.equal(error.code, c.code, error.message);
        assert.equal(warehouse.executed, 0, 'nothing reached the warehouse');
      });
    }
  });

  describe('values that contain SQL travel as parameters', () => {
    it('a quote-breaking string literal is one parameter, and matches nothing', async () => {
      const escaped = HOSTILE_VALUE.replace(/'/g, "''");
      const { compiled, result } = await run({ metrics: ['orders'], groupBy: ['order__order_status'], where: [`${STATUS} = '${escaped}'`] });
      assert.ok(Object.values(compiled.parameters).includes(HOSTILE_VALUE), JSON.stringify(compiled.parameters));
      assert.ok(!/DROP|--|;/.test(compiled.sql), compiled.sql);
      assert.deepEqual(result.rows, []);
    });

    it('an IN list with an injected OR only matches its real values', async () => {
      const plain = await run({ metrics: ['orders'], where: [`{{ Dimension('customer__customer_state') }} IN ('SP')`] });
      const hostile = await run({ metrics: ['orders'], where: [`{{ Dimension('customer__customer_state') }} IN ('SP', 'x'') OR 1 = 1 OR (''')`] });
      assert.ok(Object.values(hostile.compiled.parameters).includes("x') OR 1 = 1 OR ('"), JSON.stringify(hostile.compiled.parameters));
      assert.ok(!hostile.compiled.sql.includes('OR 1 = 1'), hostile.compiled.sql);
      const all = await run({ metrics: ['orders'] });
      assert.ok((plain.result.rows[0]![0] as number) < (all.result.rows[0]![0] as number), 'SP is a strict subset of all orders');
      assert.deepEqual(hostile.result.rows, plain.result.rows);
    });

    it('LIKE patterns and a time-looking string stay values', async () => {
      const { compiled, result } = await run({
        metrics: ['sessions'],
        where: [`{{ Dimension('user__country') }} LIKE '%''; DELETE FROM marts.dim_users; --%'`],
      });
      assert.ok(!/DELETE|--|;/.test(compiled.sql), compiled.sql);
      assert.equal(result.rows.length, 1);
      assert.equal(result.rows[0]![0], 0, 'no country matches');
    });

    it('leaves the demo tables intact', async () => {
      const after = await real.execute('SELECT count(*) FROM marts.fact_orders', {});
      assert.equal(after.rows[0]![0], ordersBefore);
      const tables = await real.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'marts' AND table_name IN ('fact_orders', 'dim_users')",
        {},
      );
      assert.equal(tables.rows[0]![0], 2);
    });
  });
});
