import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CAST_TYPES, FILTER_FUNCTIONS, type Expr, type FilterFunction, type FilterReference } from './filter-ast';
import { parseExpression, parseWhereFilter } from './filter-parser';
import { formatExpr } from './filter-printer';
import { seededRandom } from '../../../test/support/seeded-random';

const lit = (value: string | number | boolean | null): Expr => ({ kind: 'literal', value });
const dim = (name: string): Expr => ({ kind: 'ref', ref: { type: 'dimension', name } });

describe('formatExpr', () => {
  it('prints every reference form in MetricFlow Jinja', () => {
    const cases: [FilterReference, string][] = [
      [{ type: 'dimension', name: 'customer__country' }, "{{ Dimension('customer__country') }}"],
      [{ type: 'dimension', name: 'metric_time', grain: 'month', datePart: 'dow' }, "{{ Dimension('metric_time').grain('month').date_part('dow') }}"],
      [{ type: 'timeDimension', name: 'metric_time' }, "{{ TimeDimension('metric_time') }}"],
      [{ type: 'timeDimension', name: 'metric_time', grain: 'week', datePart: 'year' }, "{{ TimeDimension('metric_time', 'week').date_part('year') }}"],
      [{ type: 'entity', name: 'user' }, "{{ Entity('user') }}"],
      [{ type: 'metric', name: 'bookings', groupBy: ['listing', 'guest'] }, "{{ Metric('bookings', group_by=['listing', 'guest']) }}"],
    ];
    for (const [ref, text] of cases) assert.equal(formatExpr({ kind: 'ref', ref }), text);
  });

  it('prints literals, escaping quotes and keeping number signs apart from minus', () => {
    assert.equal(formatExpr(lit("it's")), "'it''s'");
    assert.equal(formatExpr(lit(null)), 'NULL');
    assert.equal(formatExpr(lit(false)), 'FALSE');
    assert.equal(formatExpr({ kind: 'arithmetic', op: '-', left: dim('a'), right: lit(-1) }), "{{ Dimension('a') }} - -1");
    assert.equal(formatExpr({ kind: 'negate', arg: lit(-1) }), '-(-1)');
    assert.equal(formatExpr(lit(2 ** 60)), '1.152921504606847e+18');
  });

  it('adds only the parentheses precedence needs', () => {
    const a = dim('a');
    const or: Expr = { kind: 'or', args: [{ kind: 'compare', op: '=', left: a, right: lit(1) }, { kind: 'compare', op: '=', left: a, right: lit(2) }] };
    assert.equal(formatExpr({ kind: 'and', args: [or, { kind: 'not', arg: or }] }), "({{ Dimension('a') }} = 1 OR {{ Dimension('a') }} = 2) AND NOT ({{ Dimension('a') }} = 1 OR {{ Dimension('a') }} = 2)");
    const minus = (left: Expr, right: Expr): Expr => ({ kind: 'arithmetic', op: '-', left, right });
    assert.equal(formatExpr(minus(minus(lit(1), lit(2)), minus(lit(3), lit(4)))), '1 - 2 - (3 - 4)');
    assert.equal(formatExpr({ kind: 'arithmetic', op: '*', left: minus(lit(1), lit(2)), right: lit(3) }), '(1 - 2) * 3');
    assert.equal(formatExpr({ kind: 'compare', op: '=', left: { kind: 'compare', op: '<', left: a, right: lit(1) }, right: lit(true) }), "({{ Dimension('a') }} < 1) = TRUE");
  });

  it('prints canonical text that parses back to the same tree', () => {
    const sources = [
      "{{ Dimension('a') }} = 'x' AND ({{ Entity('user') }} IS NOT NULL OR NOT {{ Dimension('b') }} IN (1, 2))",
      "lower({{ Dimension('a') }}) ILIKE '%x%' AND {{ TimeDimension('metric_time', 'day') }} BETWEEN DATE '2024-01-01' AND current_date",
      "CASE {{ Dimension('a') }} WHEN 1 THEN 'one' ELSE 'other' END NOT LIKE 'o%'",
      "-{{ Dimension('a') }} * (2 + -3) / 4.5e-3 >= coalesce({{ Metric('m', group_by=['x']) }}, 0)",
    ];
    for (const source of sources) {
      const tree = parseWhereFilter(source);
      assert.deepEqual(parseWhereFilter(formatExpr(tree)), tree, source);
    }
  });
});


/** Generates trees in the parser's canonical form (no single-argument AND, no `-` on a positive literal, …). */
class TreeGenerator {
  constructor(private readonly random: () => number) {}

  private int(n: number): number {
    return Math.floor(this.random() * n);
  }

  private pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }

  private name(): string {
    return this.pick(['a', 'customer__country', 'order__ordered_at', 'metric_time', '_x1', 'is_active']);
  }

  private ref(): FilterReference {
    switch (this.int(6)) {
      case 0:
        return { type: 'dimension', name: this.name() };
      case 1:
        return { type: 'dimension', name: this.name(), ...(this.int(2) ? { grain: this.pick(['day', 'month', 'fiscal_quarter']) } : {}), datePart: this.pick(['dow', 'year']) };
      case 2:
        return { type: 'timeDimension', name: this.name(), grain: this.pick(['day', 'week']) };
      case 3:
        return { type: 'timeDimension', name: this.name(), ...(this.int(2) ? { datePart: 'doy' } : {}) };
      case 4:
        return { type: 'entity', name: this.name() };
      default:
        return { type: 'metric', name: this.name(), groupBy: this.int(2) ? ['listing'] : ['listing', 'guest__country'] };
    }
  }

  private literal(): Expr {
    switch (this.int(6)) {
      case 0:
        return lit(this.pick(['', 'x', "it's", "'; DROP TABLE t; --", '{{ Dimension("a") }}', '/* */', 'caf\u00e9 \u2019', 'line\nbreak', '%_']));
      case 1:
        return lit(this.int(1000));
      case 2:
        return lit(this.pick([0.5, 1.25e-7, 3e21, 123.456, -7, -0.25]));
      case 3:
        return lit(this.int(2) === 0);
      case 4:
        return lit(null);
      default:
        return { kind: 'cast', arg: lit(this.pick(['2024-02-29', '1999-12-31'])), type: this.pick(['DATE', 'TIMESTAMP'] as const) };
    }
  }

  value(depth: number, identifiers: boolean): Expr {
    const leaf = depth <= 0 || this.int(3) === 0;
    if (leaf) {
      const r = this.int(identifiers ? 4 : 3);
      if (r === 0) return { kind: 'ref', ref: this.ref() };
      if (r === 3) return { kind: 'identifier', name: this.pick(['revenue', 'orders', 'x_2']) };
      return this.literal();
    }
    const d = depth - 1;
    switch (this.int(7)) {
      case 0:
      case 1:
        return { kind: 'arithmetic', op: this.pick(['+', '-', '*', '/'] as const), left: this.value(d, identifiers), right: this.value(d, identifiers) };
      case 2: {
        const arg = this.value(d, identifiers);
        const positive = arg.kind === 'literal' && typeof arg.value === 'number' && arg.value > 0;
        return positive ? lit(-(arg as { value: number }).value) : { kind: 'negate', arg };
      }
      case 3: {
        const fn = this.pick(Object.keys(FILTER_FUNCTIONS) as FilterFunction[]);
        const [min, max] = FILTER_FUNCTIONS[fn];
        const n = min + this.int(Math.min(max, 3) - min + 1);
        return { kind: 'call', fn, args: Array.from({ length: n }, () => this.value(d, identifiers)) };
      }
      case 4:
        return { kind: 'cast', arg: this.value(d, identifiers), type: this.pick(CAST_TYPES.filter((t) => t !== 'DATE' && t !== 'TIMESTAMP')) };
      case 5: {
        const whens = Array.from({ length: 1 + this.int(2) }, () => ({ when: this.condition(d, identifiers), then: this.value(d, identifiers) }));
        return this.int(2) ? { kind: 'case', whens, else: this.value(d, identifiers) } : { kind: 'case', whens };
      }
      default:
        return this.condition(d, identifiers);
    }
  }

  condition(depth: number, identifiers: boolean): Expr {
    if (depth <= 0) return this.int(2) ? { kind: 'ref', ref: this.ref() } : lit(this.pick([true, false, null]));
    const d = depth - 1;
    const v = (): Expr => this.value(d, identifiers);
    const negated = this.int(2) === 0;
    switch (this.int(8)) {
      case 0:
        return { kind: 'compare', op: this.pick(['=', '!=', '<', '<=', '>', '>='] as const), left: v(), right: v() };
      case 1:
        return { kind: 'in', arg: v(), list: Array.from({ length: 1 + this.int(3) }, v), negated };
      case 2:
        return { kind: 'between', arg: v(), low: v(), high: v(), negated };
      case 3:
        return { kind: 'like', arg: v(), pattern: v(), negated };
      case 4:
        return { kind: 'isNull', arg: v(), negated };
      case 5:
        return { kind: 'not', arg: this.condition(d, identifiers) };
      default:
        return { kind: this.int(2) ? 'and' : 'or', args: Array.from({ length: 2 + this.int(2) }, () => this.condition(d, identifiers)) };
    }
  }
}

describe('formatExpr / parse round trip over generated trees', () => {
  it('parses the printed form of 400 generated filters back to the same tree', () => {
    const generator = new TreeGenerator(seededRandom(20240229));
    for (let i = 0; i < 400; i++) {
      const tree = generator.condition(4, false);
      const text = formatExpr(tree);
      assert.deepEqual(parseWhereFilter(text), tree, text);
      assert.equal(formatExpr(parseWhereFilter(text)), text);
    }
  });

  it('does the same for 200 derived-metric expressions with identifiers', () => {
    const generator = new TreeGenerator(seededRandom(7));
    for (let i = 0; i < 200; i++) {
      const tree = generator.value(4, true);
      const text = formatExpr(tree);
      assert.deepEqual(parseExpression(text, { allowIdentifiers: true }), tree, text);
    }
  });
});
