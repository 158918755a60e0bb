import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Expr } from './filter-ast';
import { collectReferences, exprChildren, exprDepth } from './filter-walk';

const lit = (value: number): Expr => ({ kind: 'literal', value });
const dim = (name: string): Expr => ({ kind: 'ref', ref: { type: 'dimension', name } });

describe('filter-walk', () => {
  it('lists the children of each node kind in source order', () => {
    assert.deepEqual(exprChildren({ kind: 'between', arg: dim('a'), low: lit(1), high: lit(2), negated: false }), [dim('a'), lit(1), lit(2)]);
    assert.deepEqual(exprChildren({ kind: 'in', arg: dim('a'), list: [lit(1), lit(2)], negated: true }), [dim('a'), lit(1), lit(2)]);
    assert.deepEqual(exprChildren({ kind: 'case', whens: [{ when: dim('w'), then: lit(1) }], else: lit(2) }), [dim('w'), lit(1), lit(2)]);
    assert.deepEqual(exprChildren(dim('a')), []);
  });

  it('measures depth without recursion, even for very deep trees', () => {
    assert.equal(exprDepth(lit(1)), 1);
    assert.equal(exprDepth({ kind: 'not', arg: { kind: 'isNull', arg: dim('a'), negated: false } }), 3);
    let deep: Expr = lit(0);
    for (let i = 0; i < 100_000; i++) deep = { kind: 'negate', arg: deep };
    assert.equal(exprDepth(deep), 100_001);
  });

  it('collects references in source order, duplicates included', () => {
    const expr: Expr = {
      kind: 'and',
      args: [
        { kind: 'compare', op: '=', left: dim('a'), right: { kind: 'ref', ref: { type: 'entity', name: 'user' } } },
        { kind: 'like', arg: dim('a'), pattern: dim('b'), negated: false },
      ],
    };
    assert.deepEqual(collectReferences(expr), [
      { type: 'dimension', name: 'a' },
      { type: 'entity', name: 'user' },
      { type: 'dimension', name: 'a' },
      { type: 'dimension', name: 'b' },
    ]);
  });
});
