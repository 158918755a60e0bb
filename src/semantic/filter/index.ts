/** Public surface of the filter package: parse caller text into the closed `Expr` tree, print it back. */
export * from './filter-ast';
export { parseWhereFilter, parseExpression, MAX_FILTER_LENGTH, MAX_NESTING, MAX_TREE_DEPTH, type ParseFilterOptions } from './filter-parser';
export { formatExpr, formatLiteral, formatReference } from './filter-printer';
export { collectReferences, exprChildren, exprDepth } from './filter-walk';
