import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SemanticError } from '../errors';
import type { Expr } from './filter-ast';
import { parseExpression, parseWhereFilter } from './filter-parser';

const lit = (value: string | number | boolean | null): Expr => ({ kind: 'literal', value });
const dim = (name: string): Expr => ({ kind: 'ref', ref: { type: 'dimension', name } });
const A = "{{ Dimension('a') }}";
const B = "{{ Dimension('b') }}";
const a = dim('a');
const b = dim('b');
const eq = (left: Expr, right: Expr): Expr => ({ kind: 'compare', op: '=', left, right });

function rejects(text: string, ...fragments: string[]): void {
  assert.throws(
    () => parseWhereFilter(text),
    (err: unknown) => {
      assert.ok(err instanceof SemanticError, `expected a SemanticError for ${text}`);
      assert.equal(err.code, 'INVALID_FILTER');
      for (const f of fragments) assert.ok(err.message.includes(f), `message for ${JSON.stringify(text)} lacks ${JSON.stringify(f)}:\n${err.message}`);
      return true;
    },
  );
}

describe('parseWhereFilter: literals', () => {
  it('parses strings, numbers, booleans and NULL as literal values', () => {
    assert.deepEqual(parseWhereFilter(`${A} = 'it''s'`), eq(a, lit("it's")));
    assert.deepEqual(parseWhereFilter(`${A} = 12`), eq(a, lit(12)));
    assert.deepEqual(parseWhereFilter(`${A} = 1.25e2`), eq(a, lit(125)));
    assert.deepEqual(parseWhereFilter(`${A} = true`), eq(a, lit(true)));
    assert.deepEqual(parseWhereFilter(`${A} = FALSE`), eq(a, lit(false)));
    assert.deepEqual(parseWhereFilter(`${A} = Null`), eq(a, lit(null)));
  });

  it('folds a minus sign on a positive number into a negative literal', () => {
    assert.deepEqual(parseWhereFilter(`${A} > -5`), { kind: 'compare', op: '>', left: a, right: lit(-5) });
    assert.deepEqual(parseWhereFilter(`${A} > -(2.5)`), { kind: 'compare', op: '>', left: a, right: lit(-2.5) });
    assert.deepEqual(parseWhereFilter(`${A} > +5`), { kind: 'compare', op: '>', left: a, right: lit(5) });
    assert.deepEqual(parseWhereFilter(`-${A} > 0`), { kind: 'compare', op: '>', left: { kind: 'negate', arg: a }, right: lit(0) });
    assert.deepEqual(parseWhereFilter(`${A} > - -5`), { kind: 'compare', op: '>', left: a, right: { kind: 'negate', arg: lit(-5) } });
  });

  it('turns DATE and TIMESTAMP literals into casts of a string literal', () => {
    assert.deepEqual(parseWhereFilter(`${A} >= DATE '2024-02-29'`), {
      kind: 'compare',
      op: '>=',
      left: a,
      right: { kind: 'cast', arg: lit('2024-02-29'), type: 'DATE' },
    });
    for (const ts of ['2024-01-31 23:59:59', '2024-01-31T08:00', '2024-01-31 08:00:00.123456Z', '2024-01-31 08:00:00+02:00', '2024-01-31']) {
      assert.deepEqual(parseWhereFilter(`${A} < timestamp '${ts}'`), {
        kind: 'compare',
        op: '<',
        left: a,
        right: { kind: 'cast', arg: lit(ts), type: 'TIMESTAMP' },
      });
    }
  });

  it('validates DATE and TIMESTAMP literal formats', () => {
    rejects(`${A} = DATE '2023-02-29'`, 'not a valid DATE', 'no such calendar day');
    rejects(`${A} = DATE '2024-1-5'`, 'not a valid DATE', 'YYYY-MM-DD');
    rejects(`${A} = DATE 'yesterday'`, 'not a valid DATE');
    rejects(`${A} = TIMESTAMP '2024-01-01 24:00:00'`, 'time out of range');
    rejects(`${A} = CAST('2024-13-01' AS DATE)`, 'not a valid DATE');
    rejects(`${A} = DATE 20240101`, 'expected a quoted literal after DATE', "DATE '2024-01-31'");
    rejects(`DATE(${A}) = '2024-01-01'`, 'expected a quoted literal after DATE', 'CAST(x AS DATE)');
  });
});

describe('parseWhereFilter: predicates', () => {
  it('parses every comparison operator, reading <> as !=', () => {
    for (const [text, op] of [['=', '='], ['!=', '!='], ['<>', '!='], ['<', '<'], ['<=', '<='], ['>', '>'], ['>=', '>=']] as const) {
      assert.deepEqual(parseWhereFilter(`${A} ${text} 1`), { kind: 'compare', op, left: a, right: lit(1) });
    }
  });

  it('parses IN and NOT IN lists', () => {
    assert.deepEqual(parseWhereFilter(`${A} IN ('x', 'y')`), { kind: 'in', arg: a, list: [lit('x'), lit('y')], negated: false });
    assert.deepEqual(parseWhereFilter(`${A} not in (1)`), { kind: 'in', arg: a, list: [lit(1)], negated: true });
    rejects(`${A} IN ()`, 'IN needs at least one value');
    rejects(`${A} IN 'x'`, "expected '(' after IN");
  });

  it('parses BETWEEN and NOT BETWEEN without taking their AND for a conjunction', () => {
    assert.deepEqual(parseWhereFilter(`${A} BETWEEN 1 AND 2 AND ${B} NOT BETWEEN 3 + 1 AND 5`), {
      kind: 'and',
      args: [
        { kind: 'between', arg: a, low: lit(1), high: lit(2), negated: false },
        { kind: 'between', arg: b, low: { kind: 'arithmetic', op: '+', left: lit(3), right: lit(1) }, high: lit(5), negated: true },
      ],
    });
    rejects(`${A} BETWEEN 1 OR 2`, 'expected AND between the bounds of BETWEEN');
  });

  it('parses LIKE / NOT LIKE, and ILIKE as LIKE over lower-cased operands', () => {
    assert.deepEqual(parseWhereFilter(`${A} LIKE 'x%'`), { kind: 'like', arg: a, pattern: lit('x%'), negated: false });
    assert.deepEqual(parseWhereFilter(`${A} NOT LIKE 'x%'`), { kind: 'like', arg: a, pattern: lit('x%'), negated: true });
    assert.deepEqual(parseWhereFilter(`${A} ILIKE 'X%'`), {
      kind: 'like',
      arg: { kind: 'call', fn: 'lower', args: [a] },
      pattern: { kind: 'call', fn: 'lower', args: [lit('X%')] },
      negated: false,
    });
  });

  it('parses IS NULL and IS NOT NULL', () => {
    assert.deepEqual(parseWhereFilter(`${A} IS NULL`), { kind: 'isNull', arg: a, negated: false });
    assert.deepEqual(parseWhereFilter(`${A} is not null`), { kind: 'isNull', arg: a, negated: true });
    rejects(`${A} IS TRUE`, 'expected NULL after IS', 'x = TRUE');
  });

  it('refuses chained comparisons and a dangling NOT', () => {
    rejects(`${A} = 1 = 2`, 'comparisons cannot be chained', 'column 26');
    rejects(`${A} < 1 IS NULL`, 'comparisons cannot be chained');
    rejects(`${A} NOT = 1`, 'expected IN, BETWEEN or LIKE after NOT');
  });
});

describe('parseWhereFilter: precedence', () => {
  it('binds AND tighter than OR, and flattens chains of each', () => {
    assert.deepEqual(parseWhereFilter(`${A} = 1 OR ${A} = 2 AND ${B} = 3 OR ${B} = 4`), {
      kind: 'or',
      args: [eq(a, lit(1)), { kind: 'and', args: [eq(a, lit(2)), eq(b, lit(3))] }, eq(b, lit(4))],
    });
  });

  it('keeps parenthesized groups as their own node', () => {
    assert.deepEqual(parseWhereFilter(`(${A} = 1 OR ${A} = 2) AND ${B} = 3`), {
      kind: 'and',
      args: [{ kind: 'or', args: [eq(a, lit(1)), eq(a, lit(2))] }, eq(b, lit(3))],
    });
    assert.deepEqual(parseWhereFilter(`(${A} = 1 AND ${A} = 2) AND ${B} = 3`), {
      kind: 'and',
      args: [{ kind: 'and', args: [eq(a, lit(1)), eq(a, lit(2))] }, eq(b, lit(3))],
    });
  });

  it('binds NOT tighter than AND but looser than comparisons', () => {
    assert.deepEqual(parseWhereFilter(`NOT ${A} = 1 AND NOT NOT ${B}`), {
      kind: 'and',
      args: [{ kind: 'not', arg: eq(a, lit(1)) }, { kind: 'not', arg: { kind: 'not', arg: b } }],
    });
  });

  it('binds * and / tighter than + and -, left to right, and unary minus tightest', () => {
    const ar = (op: '+' | '-' | '*' | '/', left: Expr, right: Expr): Expr => ({ kind: 'arithmetic', op, left, right });
    assert.deepEqual(parseWhereFilter(`${A} - 2 * -${B} / 4 + 1 > 0`), {
      kind: 'compare',
      op: '>',
      left: ar('+', ar('-', a, ar('/', ar('*', lit(2), { kind: 'negate', arg: b }), lit(4))), lit(1)),
      right: lit(0),
    });
    assert.deepEqual(parseWhereFilter(`${A} - (2 - 1) = 0`), eq(ar('-', a, ar('-', lit(2), lit(1))), lit(0)));
  });
});

describe('parseWhereFilter: functions, CAST and CASE', () => {
  it('parses allowed functions case-insensitively, with their arities', () => {
    assert.deepEqual(parseWhereFilter(`LOWER(${A}) = 'x'`), eq({ kind: 'call', fn: 'lower', args: [a] }, lit('x')));
    assert.deepEqual(parseWhereFilter(`coalesce(${A}, ${B}, 0) > round(1.5, 0)`), {
      kind: 'compare',
      op: '>',
      left: { kind: 'call', fn: 'coalesce', args: [a, b, lit(0)] },
      right: { kind: 'call', fn: 'round', args: [lit(1.5), lit(0)] },
    });
    rejects(`lower(${A}, 'x') = 'x'`, 'lower() takes 1 argument, got 2');
    rejects(`nullif(${A}) = 1`, 'nullif() takes 2 arguments, got 1');
    rejects(`coalesce() = 1`, 'coalesce() takes 1 to 16 arguments, got 0');
  });

  it('accepts CURRENT_DATE and CURRENT_TIMESTAMP with or without parentheses', () => {
    const today: Expr = { kind: 'call', fn: 'current_date', args: [] };
    assert.deepEqual(parseWhereFilter(`${A} < current_date`), { kind: 'compare', op: '<', left: a, right: today });
    assert.deepEqual(parseWhereFilter(`${A} < CURRENT_DATE()`), { kind: 'compare', op: '<', left: a, right: today });
    assert.deepEqual(parseWhereFilter(`${A} < CURRENT_TIMESTAMP`), { kind: 'compare', op: '<', left: a, right: { kind: 'call', fn: 'current_timestamp', args: [] } });
    rejects(`${A} < CURRENT_DATE(1)`, "expected ')' after CURRENT_DATE(");
  });

  it('rejects unknown functions with the allowed list and a suggestion', () => {
    rejects(`lowr(${A}) = 'x'`, "unknown function 'lowr'", 'Functions allowed: lower, upper', "Did you mean 'lower'");
    rejects(`sleep(10) = 1`, "unknown function 'sleep'");
    rejects(`count(${A}) > 1`, 'aggregate function', "Metric('name'");
    rejects(`safe_cast(${A}) = 1`, "unknown function 'safe_cast'");
  });

  it('parses CAST with canonical types and their aliases', () => {
    const aliases: Record<string, string> = {
      varchar: 'STRING', TEXT: 'STRING', string: 'STRING', INT: 'INTEGER', int64: 'INTEGER', BIGINT: 'INTEGER', integer: 'INTEGER',
      FLOAT64: 'FLOAT', double: 'FLOAT', float: 'FLOAT', DECIMAL: 'NUMERIC', numeric: 'NUMERIC', BOOL: 'BOOLEAN', boolean: 'BOOLEAN',
      date: 'DATE', TIMESTAMP: 'TIMESTAMP', DATETIME: 'TIMESTAMP',
    };
    for (const [alias, type] of Object.entries(aliases)) {
      assert.deepEqual(parseWhereFilter(`CAST(${A} AS ${alias}) IS NULL`), { kind: 'isNull', arg: { kind: 'cast', arg: a, type }, negated: false }, alias);
    }
    rejects(`CAST(${A} AS INTEGR) = 1`, 'unknown cast type', "Did you mean 'INTEGER'");
    rejects(`CAST(${A} AS VARCHAR(10)) = 'x'`, 'cast types take no parameters');
    rejects(`CAST(${A}, INT) = 1`, 'expected AS in CAST');
  });

  it('parses searched and simple CASE, the simple form as equality tests', () => {
    assert.deepEqual(parseWhereFilter(`CASE WHEN ${A} = 1 THEN 'x' WHEN ${B} THEN 'y' END = 'x'`), eq({ kind: 'case', whens: [{ when: eq(a, lit(1)), then: lit('x') }, { when: b, then: lit('y') }] }, lit('x')));
    assert.deepEqual(parseWhereFilter(`case ${A} when 1 then true else false end`), { kind: 'case', whens: [{ when: eq(a, lit(1)), then: lit(true) }], else: lit(false) });
    rejects(`CASE ELSE 1 END = 1`, 'expected WHEN after CASE');
    rejects(`CASE WHEN ${A} = 1 THEN 1 = 1`, 'CASE is never closed');
    rejects(`CASE WHEN 'x' THEN 1 END = 1`, 'a WHEN condition is a string literal, not a condition');
  });
});

describe('parseWhereFilter: conditions and identifiers', () => {
  it('accepts a lone boolean reference or boolean literal as a filter', () => {
    assert.deepEqual(parseWhereFilter(A), a);
    assert.deepEqual(parseWhereFilter(' TRUE '), lit(true));
  });

  it('refuses strings, numbers and arithmetic where a condition is needed', () => {
    rejects(`'x'`, 'the filter is a string literal, not a condition');
    rejects(`1`, 'the filter is a number literal, not a condition');
    rejects(`${A} + 1`, 'the filter is an arithmetic expression, not a condition');
    rejects(`${A} = 1 AND 'x'`, 'the operand of AND is a string literal');
    rejects(`1 OR ${A} = 1`, 'the operand of OR is a number literal', 'column 1');
    rejects(`NOT 1`, 'the operand of NOT is a number literal');
  });

  it('parseExpression accepts any expression, and identifiers only when allowed', () => {
    assert.deepEqual(parseExpression('1 + 2'), { kind: 'arithmetic', op: '+', left: lit(1), right: lit(2) });
    assert.deepEqual(parseExpression('Revenue / nullif(orders, 0)', { allowIdentifiers: true }), {
      kind: 'arithmetic',
      op: '/',
      left: { kind: 'identifier', name: 'revenue' },
      right: { kind: 'call', fn: 'nullif', args: [{ kind: 'identifier', name: 'orders' }, lit(0)] },
    });
    assert.throws(() => parseExpression('revenue / 2'), /bare identifier 'revenue'.*\{\{ Dimension\('revenue'\) \}\}/);
    assert.deepEqual(parseWhereFilter('is_active AND x > 1', { allowIdentifiers: true }), {
      kind: 'and',
      args: [{ kind: 'identifier', name: 'is_active' }, { kind: 'compare', op: '>', left: { kind: 'identifier', name: 'x' }, right: lit(1) }],
    });
  });

  it('refuses SQL keywords even where identifiers are allowed', () => {
    assert.throws(() => parseExpression('select / 2', { allowIdentifiers: true }), /subqueries are not allowed/);
    assert.throws(() => parseExpression('revenue / table', { allowIdentifiers: true }), /SQL keyword TABLE is not allowed/);
    assert.throws(() => parseExpression('revenue + AND 1', { allowIdentifiers: true }), /expected a value, found 'AND'/);
  });
});
