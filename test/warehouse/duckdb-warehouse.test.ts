import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDbWarehouse } from '../../src/warehouse/duckdb/duckdb-warehouse';
import { WarehouseError } from '../../src/warehouse/warehouse';

/** A cross join far too large to finish: only an interrupt ends it. */
const ENDLESS_SQL = 'SELECT count(*) FROM range(1000000000) a, range(1000000000) b WHERE (a.range * b.range) % 7 = 3';

async function rejectsWith(work: Promise<unknown>, code: WarehouseError['code'], message?: RegExp): Promise<WarehouseError> {
  const error = await work.then(
    () => assert.fail('expected the statement to fail'),
    (e: unknown) => e,
  );
  assert.ok(error instanceof WarehouseError, `expected a WarehouseError, got ${String(error)}`);
  assert.equal(error.code, code);
  if (message) assert.match(error.message, message);
  return error;
}

describe('DuckDbWarehouse', () => {
  let warehouse: DuckDbWarehouse;
  before(async () => {
    warehouse = await DuckDbWarehouse.open(':memory:', { poolSize: 3 });
  });
  after(async () => {
    await warehouse.close();
  });

  it('reports the duckdb dialect', () => {
    assert.equal(warehouse.dialect, 'duckdb');
  });

  it('maps DuckDB types to column types and normalizes values to JSON', async () => {
    const result = await warehouse.execute(
      `SELECT 'text' AS s, 7::SMALLINT AS si, 42::INTEGER AS i, 5::BIGINT AS small_big,
              9007199254740993::BIGINT AS huge_big, (-9007199254740993)::HUGEINT AS neg_huge,
              1.25::DOUBLE AS d, 0.5::FLOAT AS f, 123.45::DECIMAL(12,2) AS money, (-0.07)::DECIMAL(12,2) AS cents,
              true AS b, DATE '2024-02-29' AS day, TIMESTAMP '2024-01-02 03:04:05.678' AS ts,
              TIMESTAMPTZ '2024-01-02 03:04:05+02:00' AS tstz, [1, 2] AS list, {'k': 'v'} AS struct`,
      {},
    );
    assert.deepEqual(result.columns, [
      { name: 's', type: 'STRING' },
      { name: 'si', type: 'INTEGER' },
      { name: 'i', type: 'INTEGER' },
      { name: 'small_big', type: 'INTEGER' },
      { name: 'huge_big', type: 'INTEGER' },
      { name: 'neg_huge', type: 'INTEGER' },
      { name: 'd', type: 'FLOAT' },
      { name: 'f', type: 'FLOAT' },
      { name: 'money', type: 'NUMERIC' },
      { name: 'cents', type: 'NUMERIC' },
      { name: 'b', type: 'BOOLEAN' },
      { name: 'day', type: 'DATE' },
      { name: 'ts', type: 'TIMESTAMP' },
      { name: 'tstz', type: 'TIMESTAMP' },
      { name: 'list', type: 'JSON' },
      { name: 'struct', type: 'JSON' },
    ]);
    assert.deepEqual(result.rows, [
      [
        'text', 7, 42, 5, '9007199254740993', '-9007199254740993', 1.25, 0.5, 123.45, -0.07, true,
        '2024-02-29', '2024-01-02T03:04:05.678Z', '2024-01-02T01:04:05.000Z', '[1,2]', '{"k":"v"}',
      ],
    ]);
  });

  it('returns null for NULL of every type', async () => {
    const result = await warehouse.execute(
      `SELECT NULL::VARCHAR, NULL::BIGINT, NULL::DOUBLE, NULL::DECIMAL(12,2), NULL::BOOLEAN, NULL::DATE, NULL::TIMESTAMP, NULL::INTEGER[]`,
      {},
    );
    assert.deepEqual(result.rows, [[null, null, null, null, null, null, null, null]]);
    assert.deepEqual(
      result.columns.map((c) => c.type),
      ['STRING', 'INTEGER', 'FLOAT', 'NUMERIC', 'BOOLEAN', 'DATE', 'TIMESTAMP', 'JSON'],
    );
  });

  it('reads results spanning many chunks in order', async () => {
    const result = await warehouse.execute(
      `SELECT range AS n, DATE '2024-01-01' + (range % 366)::INTEGER AS day, (range / 100)::DECIMAL(12,2) AS amount
       FROM range(10000) ORDER BY n`,
      {},
    );
    assert.equal(result.rows.length, 10000);
    assert.deepEqual(result.rows[0], [0, '2024-01-01', 0]);
    assert.deepEqual(result.rows[9999], [9999, new Date(Date.UTC(2024, 0, 1) + (9999 % 366) * 86_400_000).toISOString().slice(0, 10), 99.99]);
    assert.ok(result.rows.every((row, index) => row[0] === index));
  });

  it('binds named parameters as values, never as SQL', async () => {
    const result = await warehouse.execute(
      `SELECT $name AS name, $count + 1 AS next, $ratio * 2 AS doubled, NOT $flag AS negated, length($name) AS len`,
      { name: "O'Brien; DROP TABLE x --", count: 41, ratio: 0.25, flag: false },
    );
    assert.deepEqual(result.rows, [["O'Brien; DROP TABLE x --", 42, 0.5, true, 24]]);
  });

  it('filters with parameters against a table', async () => {
    await warehouse.execute(
      `CREATE OR REPLACE TABLE param_demo AS SELECT range AS id, 'user_' || range AS name FROM range(100)`,
      {},
    );
    const result = await warehouse.execute('SELECT count(*) AS n FROM param_demo WHERE id >= $low AND name <> $skip', {
      low: 90,
      skip: 'user_95',
    });
    assert.deepEqual(result.rows, [[9]]);
  });

  it('turns DuckDB errors into WarehouseError with DuckDB’s message', async () => {
    await rejectsWith(warehouse.execute('SELEC 1', {}), 'WAREHOUSE_ERROR', /syntax error/i);
    await rejectsWith(warehouse.execute('SELECT no_such_column FROM range(1)', {}), 'WAREHOUSE_ERROR', /no_such_column/);
    await rejectsWith(warehouse.execute('SELECT * FROM no_such_table', {}), 'WAREHOUSE_ERROR', /no_such_table/);
    await rejectsWith(warehouse.execute("SELECT 'abc'::INTEGER", {}), 'WAREHOUSE_ERROR', /Conversion Error|convert/i);
  });

  it('runs concurrent statements without mixing their results', async () => {
    const results = await Promise.all(
      Array.from({ length: 24 }, (_, i) =>
        warehouse.execute('SELECT $i AS i, sum(range) AS s FROM range($n)', { i, n: 1000 + i }),
      ),
    );
    results.forEach((result, i) => {
      const n = 1000 + i;
      assert.deepEqual(result.rows, [[i, (n * (n - 1)) / 2]]);
    });
  });

  it('interrupts a statement that exceeds its timeout and stays usable', async () => {
    await rejectsWith(warehouse.execute(ENDLESS_SQL, {}, { timeoutMs: 150 }), 'WAREHOUSE_TIMEOUT', /timeout/);
    const after = await warehouse.execute('SELECT 1 + 1 AS two', {});
    assert.deepEqual(after.rows, [[2]]);
  });

  it('times out one statement without failing the others running beside it', async () => {
    const slow = warehouse.execute(ENDLESS_SQL, {}, { timeoutMs: 200 });
    const quick = Promise.all(Array.from({ length: 6 }, (_, i) => warehouse.execute('SELECT $i * 2 AS x', { i })));
    await rejectsWith(slow, 'WAREHOUSE_TIMEOUT');
    assert.deepEqual(
      (await quick).map((r) => r.rows[0][0]),
      [0, 2, 4, 6, 8, 10],
    );
  });

  it('counts time waiting for a connection against the timeout', async () => {
    const single = await DuckDbWarehouse.open(':memory:', { poolSize: 1 });
    try {
      const hog = single.execute(ENDLESS_SQL, {}, { timeoutMs: 600 });
      const queued = single.execute('SELECT 1', {}, { timeoutMs: 100 });
      await rejectsWith(queued, 'WAREHOUSE_TIMEOUT');
      await rejectsWith(hog, 'WAREHOUSE_TIMEOUT');
      assert.deepEqual((await single.execute('SELECT 3 AS x', {})).rows, [[3]]);
    } finally {
      await single.close();
    }
  });

  it('dry-runs to zero bytes and still reports invalid SQL', async () => {
    assert.deepEqual(await warehouse.dryRun('SELECT $x + 1 AS y', { x: 1 }), { bytesProcessed: 0 });
    await rejectsWith(warehouse.dryRun('SELECT * FROM missing_table', {}), 'WAREHOUSE_ERROR', /missing_table/);
  });
});

describe('DuckDbWarehouse on a file', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'stratum-duckdb-'));
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('reopens a file read-only: reads work, writes fail', async () => {
    const path = join(dir, 'wh.duckdb');
    const writer = await DuckDbWarehouse.open(path);
    await writer.execute('CREATE TABLE t AS SELECT range AS n FROM range(5)', {});
    await writer.close();

    const reader = await DuckDbWarehouse.open(path, { readOnly: true });
    try {
      assert.deepEqual((await reader.execute('SELECT sum(n) AS s FROM t', {})).rows, [[10]]);
      await rejectsWith(reader.execute('INSERT INTO t VALUES (9)', {}), 'WAREHOUSE_ERROR', /read-only/i);
    } finally {
      await reader.close();
    }
  });

  it('rejects statements after close, and close is idempotent', async () => {
    const warehouse = await DuckDbWarehouse.open(':memory:');
    await warehouse.close();
    await warehouse.close();
    await rejectsWith(warehouse.execute('SELECT 1', {}), 'WAREHOUSE_ERROR', /closed/);
  });

  it('close interrupts a running statement instead of hanging', async () => {
    const warehouse = await DuckDbWarehouse.open(':memory:');
    const running = warehouse.execute(ENDLESS_SQL, {});
    // Let the statement start before closing.
    await new Promise((resolve) => setTimeout(resolve, 50));
    await warehouse.close();
    await rejectsWith(running, 'WAREHOUSE_ERROR', /interrupt/i);
  });
});
