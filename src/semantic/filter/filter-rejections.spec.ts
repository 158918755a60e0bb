import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SemanticError } from '../errors';
import type { Expr } from './filter-ast';
import { MAX_FILTER_LENGTH, parseExpression, parseWhereFilter } from './filter-parser';
import { exprChildren } from './filter-walk';

const A = "{{ Dimension('a') }}";

function rejection(text: string, parse: (t: string) => Expr = parseWhereFilter): SemanticError {
  try {
    parse(text);
  } catch (err) {
    assert.ok(err instanceof SemanticError, `expected a SemanticError for ${JSON.stringify(text)}, got ${String(err)}`);
    assert.equal(err.code, 'INVALID_FILTER');
    return err;
  }
  assert.fail(`expected ${JSON.stringify(text)} to be rejected`);
}

function rejects(text: string, ...fragments: string[]): void {
  const err = rejection(text);
  for (const f of fragments) assert.ok(err.message.includes(f), `message for ${JSON.stringify(text)} lacks ${JSON.stringify(f)}:\n${err.message}`);
}

/** Every string value in the tree that is not inside a literal node or a reference name. */
function loneStrings(expr: Expr): string[] {
  const found: string[] = [];
  const stack = [expr];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.kind === 'identifier') found.push(node.name);
    stack.push(...exprChildren(node));
  }
  return found;
}

const KINDS = new Set(['literal', 'ref', 'identifier', 'compare', 'arithmetic', 'negate', 'and', 'or', 'not', 'in', 'between', 'like', 'isNull', 'cast', 'call', 'case']);

describe('rejections with specific messages', () => {
  it('empty and whitespace-only filters', () => {
    rejects('', 'the filter is empty');
    rejects('\n', 'the filter is empty');
    rejects('  \n\t ', 'the filter is empty', "{{ Dimension('customer__country') }} = 'FR'");
  });

  it('input longer than the limit, before any tokenizing', () => {
    const long = `${A} IN (${Array.from({ length: 2000 }, (_, i) => `'v${i}'`).join(', ')})`;
    assert.ok(long.length > MAX_FILTER_LENGTH);
    rejects(long, `more than the ${MAX_FILTER_LENGTH} allowed`);
    rejects(`'${'x'.repeat(MAX_FILTER_LENGTH)}`, 'allowed'); // unterminated too, but length is reported first
  });

  it('double-quoted identifiers outside Jinja', () => {
    rejects(`"country" = 'FR'`, 'double-quoted \'"country"\' is not allowed outside {{ }}', "{{ Dimension('country') }}", 'single quotes');
    rejects(`${A} = "FR"`, 'not allowed outside {{ }}', "('FR')");
  });

  it('subqueries and SQL keywords outside the grammar', () => {
    rejects('(SELECT 1)', 'subqueries are not allowed', 'column 2');
    rejects(`${A} IN (SELECT id FROM t)`, 'subqueries are not allowed');
    rejects(`${A} IN (with x as (select 1) select * from x)`, 'subqueries are not allowed');
    rejects(`lower((SELECT 'a')) = 'a'`, 'subqueries are not allowed');
    rejects(`EXISTS (SELECT 1)`, 'SQL keyword EXISTS is not allowed');
    rejects(`${A} = 1 UNION ALL SELECT 1`, 'SQL keyword UNION is not allowed');
    rejects(`${A} = 1 ORDER BY 1`, 'SQL keyword ORDER');
    rejects(`${A} = 1 LIMIT 1`, 'SQL keyword LIMIT');
    rejects(`DROP TABLE users`, 'SQL keyword DROP');
    rejects(`${A} = ANY (1)`, 'SQL keyword ANY');
    rejects(`${A} > INTERVAL 1 DAY`, 'SQL keyword INTERVAL');
    rejects(`${A} = (1 FROM t)`, 'SQL keyword FROM');
  });

  it('bare identifiers, with the Dimension form as the fix', () => {
    rejects(`country = 'FR'`, "bare identifier 'country'", "{{ Dimension('country') }}");
    rejects(`orders.country = 'FR'`, "bare identifier 'orders'");
    rejects(`${A} = FR`, "bare identifier 'FR'", "('FR')");
  });

  it('unbalanced parentheses either way', () => {
    rejects(`(${A} = 1`, "'(' of the parenthesis is never closed", 'column 1');
    rejects(`${A} = 1)`, "')' has no matching '('", 'column 25');
    rejects(`lower(${A} = 'a'`, 'is never closed');
    rejects(`(${A} = 1 'x')`, "expected ')' to close the parenthesis, found string ''x''");
  });

  it('trailing garbage after a complete filter', () => {
    rejects(`${A} = 1 'x'`, 'expected AND, OR or the end of the filter', "string ''x''");
    rejects(`${A} = 1 2`, 'expected AND, OR or the end of the filter');
    rejects(`${A} = 1 ,`, 'expected AND, OR or the end of the filter');
    rejects(`${A} = 1 AND`, 'expected a value, found the end of the filter');
    rejects(`${A} =`, 'expected a value, found the end of the filter');
    rejects(`= 1`, "expected a value, found '='");
  });

  it('nesting deeper than 64 levels, without overflowing the stack', () => {
    const nested = (n: number): string => `${'('.repeat(n)}${A}${')'.repeat(n)} = 1`;
    assert.deepEqual(parseWhereFilter(nested(63)), { kind: 'compare', op: '=', left: { kind: 'ref', ref: { type: 'dimension', name: 'a' } }, right: { kind: 'literal', value: 1 } });
    rejects(nested(64), 'nested more than 64 levels deep');
    rejects(`${'('.repeat(4990)}1`, 'nested more than 64 levels deep');
    rejects(`${'NOT '.repeat(2400)}TRUE`, 'nested more than 64 levels deep');
    rejects(`${A} = ${'- '.repeat(4000)}1`, 'nested more than 64 levels deep');
    rejects(`${'lower('.repeat(1400)}'a'`, 'nested more than 64 levels deep');
    rejects(`${'CASE WHEN TRUE THEN '.repeat(400)}1`, 'nested more than 64 levels deep');
  });

  it('operator chains whose tree would be too deep for renderers', () => {
    assert.equal(parseWhereFilter(`${A} = ${'1 + '.repeat(200)}1`).kind, 'compare');
    rejects(`${A} = ${'1 + '.repeat(2000)}1`, 'too complex');
  });
});

describe('injection corpus', () => {
  const rejected: [string, string][] = [
    ["'x' OR 1=1", 'string literal, not a condition'],
    ["' ; DROP TABLE users; --", 'unterminated string literal'],
    ["{{ Dimension('a') }} = 'x'; DELETE FROM t", 'semicolons are not allowed'],
    ['(SELECT 1)', 'subqueries are not allowed'],
    ['1 UNION SELECT', 'SQL keyword UNION'],
    ["{{ Dimension('a') }} = x'", 'unterminated string literal'],
    ["{{ Dimension('a') }} = 'x' -- ' AND 1=1", "SQL comments ('--')"],
    ["{{ Dimension('a') }} = 'x' /* */ OR TRUE", "SQL comments ('/* … */')"],
    ["{{ Dimension('a') }} = 'x'/**/OR/**/TRUE", 'SQL comments'],
    ["{{ Dimension('a') }} = 'x' # comment", "'#' comments"],
    ["{{ Dimension('a') }} = \u2018x\u2019 OR \u2018\u2019=\u2018\u2019", 'typographic quote'],
    ["{{ Dimension('a') }} = \u02bcx\u02bc", 'typographic quote'],
    ["{{ Dimension('a') }} = '\u2019 OR 1=1 --", 'unterminated string literal'],
    ["{{ Dimension('a') }} = 'x' OR 'a'='a", 'unterminated string literal'],
    ["{{ Dimension('{{ Dimension(\"b\") }}') }} = 1", 'not a valid name'],
    ["{{ Dimension('a') + Dimension('b') }} = 1", "unexpected '+' inside {{ }}"],
    ["{{ Dimension('a').__class__.__mro__ }} = 1", "unsupported method '__class__'"],
    ["{{ Dimension('a') }}{{ config.x }} = 1", "found '{{'"],
    ["{{ config.x }} = 1", 'unknown Jinja object'],
    ["{% raw %}x{% endraw %}", 'Jinja statements'],
    ["{{ Dimension('a') }} = `x`", 'backtick-quoted identifiers'],
    ['"a"; DROP TABLE t', 'semicolons are not allowed'],
    ["{{ Dimension('a') }} = 1; --", 'semicolons'],
    ["{{ Dimension('a') }} = CHAR(39)", "unknown function 'CHAR'"],
    ["{{ Dimension('a') }} = 0x27", 'malformed number'],
    ["{{ Dimension('a') }} IN (1) OR EXISTS(SELECT 1)", 'SQL keyword EXISTS'],
    ["{{ Dimension('a') }} = 1 AND sleep(5) = 0", "unknown function 'sleep'"],
    ["{{ Dimension('a') }} = @@version", "query parameters ('@')"],
    ["{{ Dimension('a') }} = 'x'\u0000' OR 1=1", 'unexpected character (U+0000)'],
    ["{{ Dimension('a') }} = 'x\\'' OR 1=1 AND ''=''", 'unterminated string literal'],
    ["{{ Dimension('a') }} = 'x' || (SELECT 1)", "'||'"],
    ["{{ Dimension('a') }} = 1 \\; SELECT 1", 'unexpected character'],
    ["CAST({{ Dimension('a') }} AS STRING); SELECT 1", 'semicolons'],
    // Names that exist on Object.prototype must not be mistaken for allowed functions, objects or types.
    ["constructor({{ Dimension('a') }}) = 1", "unknown function 'constructor'"],
    ["__proto__({{ Dimension('a') }}) = 1", "unknown function '__proto__'"],
    ["toString() = 'x'", "unknown function 'toString'"],
    ["{{ constructor('a') }} = 1", "unknown Jinja object 'constructor'"],
    ["{{ __proto__('a') }} = 1", "unknown Jinja object '__proto__'"],
    ["{{ hasOwnProperty('a') }} = 1", 'unknown Jinja object'],
    ["CAST({{ Dimension('a') }} AS constructor) = 1", 'unknown cast type'],
    ["CAST({{ Dimension('a') }} AS __proto__) = 1", 'unknown cast type'],
  ];

  for (const [text, fragment] of rejected) {
    it(`rejects ${JSON.stringify(text)}`, () => {
      const err = rejection(text);
      assert.ok(err.message.includes(fragment), `message lacks ${JSON.stringify(fragment)}:\n${err.message}`);
      assert.match(err.message, /\(at (line \d+, )?column \d+\)/);
    });
  }

  const harmless: [string, string][] = [
    ["{{ Dimension('a') }} = 'x'' OR 1=1'", "x' OR 1=1"],
    ["{{ Dimension('a') }} = ''' ; DROP TABLE users; --'", "' ; DROP TABLE users; --"],
    ["{{ Dimension('a') }} = '/* */ -- # ; `x` \"y\"'", '/* */ -- # ; `x` "y"'],
    ["{{ Dimension('a') }} = '{{ Dimension(''b'') }}'", "{{ Dimension('b') }}"],
    ["{{ Dimension('a') }} = '{% if x %}'", '{% if x %}'],
    ["{{ Dimension('a') }} = '\u2019 OR \u2018\u2019=\u2018'", '\u2019 OR \u2018\u2019=\u2018'],
    // No backslash escapes: the backslash is a character, the doubled quote an escaped quote.
    ["{{ Dimension('a') }} = '\\'' OR 1=1 --'", "\\' OR 1=1 --"],
    ["{{ Dimension('a') }} LIKE '%''; SELECT * FROM t; --%'", "%'; SELECT * FROM t; --%"],
  ];

  for (const [text, value] of harmless) {
    it(`keeps ${JSON.stringify(text)} inside a single literal`, () => {
      const expr = parseWhereFilter(text);
      assert.ok(expr.kind === 'compare' || expr.kind === 'like', expr.kind);
      const right = expr.kind === 'compare' ? expr.right : expr.kind === 'like' ? expr.pattern : undefined;
      assert.deepEqual(right, { kind: 'literal', value });
      assert.deepEqual(loneStrings(expr), []);
    });
  }

  it('produces only the node kinds of filter-ast.ts, even where identifiers are allowed', () => {
    const expr = parseExpression("revenue / nullif(orders, 0) + CASE WHEN x IS NULL THEN -1 ELSE abs(y) END + CAST('1' AS INT)", { allowIdentifiers: true });
    const stack = [expr];
    const seen = new Set<string>();
    while (stack.length > 0) {
      const node = stack.pop()!;
      assert.ok(KINDS.has(node.kind), node.kind);
      seen.add(node.kind);
      stack.push(...exprChildren(node));
    }
    assert.deepEqual([...seen].sort(), ['arithmetic', 'call', 'case', 'cast', 'identifier', 'isNull', 'literal']);
    assert.deepEqual(loneStrings(expr).sort(), ['orders', 'revenue', 'x', 'y']);
  });
});
