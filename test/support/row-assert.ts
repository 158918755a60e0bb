import assert from 'node:assert/strict';
import type { WarehouseResult } from '../../src/warehouse/warehouse';

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
