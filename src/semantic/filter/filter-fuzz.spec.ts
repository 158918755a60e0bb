import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SemanticError } from '../errors';
import { parseExpression, parseWhereFilter } from './filter-parser';
import { formatExpr } from './filter-printer';

/** mulberry32, so every run sees the same inputs. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Fragments of valid filters mixed with the characters and words attacks use.
const PIECES = [
  "{{ Dimension('a') }}", "{{ TimeDimension('t', 'day') }}", '{{', '}}', 'Dimension', '(', ')', ',', '.', '[', ']',
  "'x'", "'", '"', '"a"', '1', '-', '+', '*', '/', '=', '<', '>=', '!=', 'AND', 'OR', 'NOT', 'IN', 'IS', 'NULL',
  'BETWEEN', 'LIKE', 'CASE', 'WHEN', 'THEN', 'ELSE', 'END', 'CAST', 'AS', 'INT', 'DATE', "'2024-01-01'", 'lower',
  'coalesce', 'current_date', 'TRUE', 'x', 'SELECT', 'UNION', ';', '--', '/*', '`', '\u2019', '{%', '\n', ' ', ' ',
];

describe('fuzzing the parser with token soup', () => {
  it('either parses (and round-trips) or throws INVALID_FILTER with a position, for 3000 inputs', () => {
    const random = prng(42);
    let parsed = 0;
    for (let i = 0; i < 3000; i++) {
      const n = 1 + Math.floor(random() * 12);
      const text = Array.from({ length: n }, () => PIECES[Math.floor(random() * PIECES.length)]).join(random() < 0.5 ? ' ' : '');
      const identifiers = i % 2 === 0;
      const parse = (t: string) => (i % 3 === 0 ? parseExpression(t, { allowIdentifiers: identifiers }) : parseWhereFilter(t, { allowIdentifiers: identifiers }));
      let tree;
      try {
        tree = parse(text);
      } catch (err) {
        assert.ok(err instanceof SemanticError, `${JSON.stringify(text)} threw ${String(err)}`);
        assert.equal(err.code, 'INVALID_FILTER');
        assert.match(err.message, /\(at (line \d+, )?column \d+\)/, text);
        continue;
      }
      parsed++;
      assert.deepEqual(parse(formatExpr(tree)), tree, text);
    }
    // The soup must also produce valid filters, or the round-trip half of this test checks nothing.
    assert.ok(parsed > 50, `only ${parsed} inputs parsed`);
  });
});
