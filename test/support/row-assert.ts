import assert from 'node:assert/strict';
import type { MetricQueryInput, SemanticEngine } from '../../src/semantic';
import type { Warehouse, WarehouseResult } from '../../src/warehouse/warehouse';

type Row = WarehouseResult['rows'][number];

/** Numbers within 1e-9 relative (or 1e-12 absolute near zero) are equal; everything else exactly. */
function close(a: unknown, b: unknown): boolean {
  if (typeof a === 'number' && typeof b === 'number') return Math.abs(a - b) <= Math.max(1e-12, 1e-9 * Math.max(Math.abs(a), Math.abs(b)));
  return a === b;
}

/** A sort key that does not depend on float noise: numbers rounded to 8 significant digits. */
function sortKey(row: Row): string {
  return JSON.stringify(row.map((v) => (typeof v === 'number' ? Number(v.toPrecision(8)) : v)));
}

/**
 * The engine's rows equal the expected rows: same column names, same count, and row by row equal
 * (floats within rounding) — in order when the query orders, else as sets (the engine's rows come
 * in no order).
 */
export function assertSameRows(actual: WarehouseResult, expected: WarehouseResult, ordered: boolean): void {
  assert.deepEqual(
    actual.columns.map((c) => c.name),
    expected.columns.map((c) => c.name),
    'column names',
  );
  const sort = (rows: Row[]) => (ordered ? rows : [...rows].sort((x, y) => (sortKey(x) < sortKey(y) ? -1 : sortKey(x) > sortKey(y) ? 1 : 0)));
  const a = sort(actual.rows);
  const e = sort(expected.rows);
  assert.equal(a.length, e.length, `row count\n  engine:   ${JSON.stringify(a.slice(0, 8))}\n  expected: ${JSON.stringify(e.slice(0, 8))}`);
  a.forEach((row, i) => {
    const ok = row.length === e[i]!.length && row.every((v, j) => close(v, e[i]![j]));
    assert.ok(ok, `row ${i} differs:\n  engine:   ${JSON.stringify(row)}\n  expected: ${JSON.stringify(e[i])}`);
  });
}

/** A metric query checked on a real warehouse against SQL written by hand. */
export interface HandWrittenCase {
  input: MetricQueryInput;
  expectedSql: string;
  /** The query orders its rows: compare in order instead of as sets. */
  ordered?: boolean;
  /** The number of rows the semantics imply (stated apart from the hand-written SQL). */
  rows?: number;
  check?: (rows: Row[], run: { sql: (text: string) => Promise<Row[]>; query: (input: MetricQueryInput) => Promise<Row[]> }) => void | Promise<void>;
}

/** Runs the engine's SQL for a case and the hand-written SQL, and asserts they agree (and the case's own checks hold). */
export async function assertMatchesHandWritten(engine: SemanticEngine, warehouse: Warehouse, c: HandWrittenCase): Promise<void> {
  const compiled = engine.compile(c.input, 'duckdb');
  const actual = await warehouse.execute(compiled.sql, compiled.parameters);
  const expected = await warehouse.execute(c.expectedSql, {});
  assert.ok(expected.rows.length > 0, 'the hand-written query returns rows (else the comparison proves little)');
  assert.deepEqual(
    actual.columns.map((col) => col.name),
    compiled.columns.map((col) => col.name),
    'result columns are the compiled columns',
  );
  if (c.rows !== undefined) assert.equal(actual.rows.length, c.rows, 'row count');
  assertSameRows(actual, expected, c.ordered ?? false);
  const sql = async (text: string) => (await warehouse.execute(text, {})).rows;
  const query = async (input: MetricQueryInput) => {
    const q = engine.compile(input, 'duckdb');
    return (await warehouse.execute(q.sql, q.parameters)).rows;
  };
  await c.check?.(actual.rows, { sql, query });
}
