import type { Expr } from '../filter/filter-ast';
import type { SqlExpr } from './sql-node';

/**
 * Maps a parsed expression to SQL nodes, node for node. `special` sees every node first and
 * returns the SQL for the ones its caller treats specially (references, identifiers, …), or
 * undefined to get the default mapping; `rec` maps a sub-expression the same way.
 */
export function exprToSql(e: Expr, special: (e: Expr, rec: (x: Expr) => SqlExpr) => SqlExpr | undefined): SqlExpr {
  const rec = (x: Expr): SqlExpr => exprToSql(x, special);
  const own = special(e, rec);
  if (own) return own;
  switch (e.kind) {
    case 'literal':
      return e.value === null ? { k: 'null' } : { k: 'param', value: e.value };
    case 'ref':
    case 'identifier':
      throw new Error(`no SQL for a bare ${e.kind}`);
    case 'compare':
    case 'arithmetic':
      return { k: 'binary', op: e.op, left: rec(e.left), right: rec(e.right) };
    case 'negate':
      return { k: 'negate', arg: rec(e.arg) };
    case 'and':
    case 'or':
      return { k: e.kind, args: e.args.map(rec) };
    case 'not':
      return { k: 'not', arg: rec(e.arg) };
    case 'in':
      return { k: 'in', arg: rec(e.arg), list: e.list.map(rec), negated: e.negated };
    case 'between':
      return { k: 'between', arg: rec(e.arg), low: rec(e.low), high: rec(e.high), negated: e.negated };
    case 'like':
      return { k: 'like', arg: rec(e.arg), pattern: rec(e.pattern), negated: e.negated };
    case 'isNull':
      return { k: 'isNull', arg: rec(e.arg), negated: e.negated };
    case 'cast':
      return { k: 'cast', arg: rec(e.arg), type: e.type };
    case 'call':
      return { k: 'func', name: e.fn, args: e.args.map(rec) };
    case 'case':
      return { k: 'case', whens: e.whens.map((w) => ({ when: rec(w.when), then: rec(w.then) })), else: e.else ? rec(e.else) : undefined };
  }
}
