import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SemanticError } from '../errors';
import { parseExpression, parseWhereFilter } from './filter-parser';
import { formatExpr } from './filter-printer';
import { seededRandom } from '../../../test/support/seeded-random';


// Fragments of valid filters mixed with the characters and words attacks use.
const PIECES = [
  "{{ Dimension('a') }}", "{{ TimeDimension('t', 'day') }}", '{{', '}}', 'Dimension', '(', ')', ',', '.', '[', ']',
  "'x'", "'", '"', '"a"', '1', '-', '+', '*', '/', '=', '<', '>=', '!=', 'AND', 'OR', 'NOT', 'IN', 'IS', 'NULL',
  'BETWEEN', 'LIKE', 'CASE', 'WHEN', 'THEN', 'ELSE', 'END', 'CAST', 'AS', 'INT', 'DATE', "'2024-01-01'", 'lower',
  'coalesce', 'current_date', 'TRUE', 'x', 'SELECT', 'UNION', ';', '--', '/*', '`', '\u2019', '{%', '\n', ' ', ' ',
];

describe('fuzzing the parser with token soup', () => {
  it('either parses (and round-trips) or throws INVALID_FILTER with a position, for 3000 inputs', () => {
    const random = seededRandom(42);
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

  it('survives 3000 single-character mutations of valid filters the same way', () => {
    const random = seededRandom(7);
    const seeds = [
      "{{ Dimension('customer__country') }} IN ('FR', 'DE') AND {{ TimeDimension('metric_time', 'month') }} >= DATE '2024-01-01'",
      "NOT (lower({{ Dimension('a').grain('day') }}) LIKE 'x%' OR {{ Metric('m', group_by=['u']) }} BETWEEN -1 AND 2.5e3)",
      "CASE WHEN {{ Entity('user') }} IS NULL THEN CAST('1' AS INT) ELSE coalesce({{ Dimension('b') }}, 0) END * 2 != 4",
    ];
    const alphabet = "(){}[]'\",.;-+*/=<>!`_ aZ09\n\u2019%#";
    let parsed = 0;
    for (let i = 0; i < 3000; i++) {
      const seed = seeds[i % seeds.length]!;
      const at = Math.floor(random() * seed.length);
      const c = alphabet[Math.floor(random() * alphabet.length)]!;
      const op = Math.floor(random() * 3);
      const text = op === 0 ? seed.slice(0, at) + seed.slice(at + 1) : op === 1 ? seed.slice(0, at) + c + seed.slice(at) : seed.slice(0, at) + c + seed.slice(at + 1);
      let tree;
      try {
        tree = parseWhereFilter(text);
      } catch (err) {
        assert.ok(err instanceof SemanticError, `${JSON.stringify(text)} threw ${String(err)}`);
        assert.equal(err.code, 'INVALID_FILTER');
        continue;
      }
      parsed++;
      assert.deepEqual(parseWhereFilter(formatExpr(tree)), tree, text);
    }
    assert.ok(parsed > 100, `only ${parsed} mutants parsed`);
  });
});
