import type { Expr, FilterReference } from './filter-ast';

/** The direct sub-expressions of a node, in source order. */
export function exprChildren(expr: Expr): Expr[] {
  switch (expr.kind) {
    case 'literal':
    case 'ref':
    case 'identifier':
      return [];
    case 'compare':
    case 'arithmetic':
      return [expr.left, expr.right];
    case 'negate':
    case 'not':
    case 'isNull':
    case 'cast':
      return [expr.arg];
    case 'and':
    case 'or':
    case 'call':
      return expr.args;
    case 'in':
      return [expr.arg, ...expr.list];
    case 'between':
      return [expr.arg, expr.low, expr.high];
    case 'like':
      return [expr.arg, expr.pattern];
    case 'case':
      return [...expr.whens.flatMap((w) => [w.when, w.then]), ...(expr.else ? [expr.else] : [])];
  }
}

/** Depth of the tree (a leaf is 1), computed without recursion so any tree can be measured. */
export function exprDepth(expr: Expr): number {
  let max = 0;
  const stack: [Expr, number][] = [[expr, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (depth > max) max = depth;
    for (const child of exprChildren(node)) stack.push([child, depth + 1]);
  }
  return max;
}

/** Every reference in the tree, in source order (duplicates kept). */
export function collectReferences(expr: Expr): FilterReference[] {
  const refs: FilterReference[] = [];
  const stack: Expr[] = [expr];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.kind === 'ref') refs.push(node.ref);
    const children = exprChildren(node);
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]!);
  }
  return refs;
}
