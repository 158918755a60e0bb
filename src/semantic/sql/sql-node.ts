import type { CastType, LiteralValue } from '../filter/filter-ast';
import type { NodeRelation } from '../spec/manifest';

/**
 * SQL as a tree, built by plan/ and rendered by a dialect's renderer. Caller values only ever
 * appear as `param` nodes; `definition` nodes hold SQL written by the semantic-layer's authors
 * (dimension, entity and measure `expr`s), never text from an API caller.
 */
export type SqlExpr =
  | { k: 'column'; table?: string; name: string }
  | { k: 'definition'; sql: string }
  | { k: 'param'; value: Exclude<LiteralValue, null> }
  | { k: 'null' }
  | { k: 'star' }
  | { k: 'func'; name: SqlFunction; args: SqlExpr[] }
  | { k: 'aggregate'; fn: AggregateFunction; arg: SqlExpr; distinct?: boolean }
  | { k: 'binary'; op: BinaryOp; left: SqlExpr; right: SqlExpr }
  | { k: 'not'; arg: SqlExpr }
  | { k: 'negate'; arg: SqlExpr }
  | { k: 'and'; args: SqlExpr[] }
  | { k: 'or'; args: SqlExpr[] }
  | { k: 'in'; arg: SqlExpr; list: SqlExpr[]; negated: boolean }
  | { k: 'between'; arg: SqlExpr; low: SqlExpr; high: SqlExpr; negated: boolean }
  | { k: 'like'; arg: SqlExpr; pattern: SqlExpr; negated: boolean }
  | { k: 'isNull'; arg: SqlExpr; negated: boolean }
  | { k: 'cast'; arg: SqlExpr; type: CastType }
  | { k: 'case'; whens: { when: SqlExpr; then: SqlExpr }[]; else?: SqlExpr }
  /** Truncation to a grain: `from` is the argument's type, `to` the result's (DATE from day up). */
  | { k: 'dateTrunc'; grain: string; arg: SqlExpr; from: 'DATE' | 'TIMESTAMP'; to: 'DATE' | 'TIMESTAMP' }
  | { k: 'extract'; part: string; arg: SqlExpr }
  /** `num / den` as a float, NULL when the denominator is 0 (ratio metrics). */
  | { k: 'ratio'; num: SqlExpr; den: SqlExpr }
  /** `arg` moved by `count` periods of `grain`, keeping its type; month arithmetic clamps to the month's last day. */
  | { k: 'dateAdd'; arg: SqlExpr; count: number; grain: string; type: 'DATE' | 'TIMESTAMP' }
  /** A window function over the whole partition (`frame: 'all'`) or the default frame. */
  | { k: 'window'; fn: WindowFunction; arg: SqlExpr; partitionBy: SqlExpr[]; orderBy?: { expr: SqlExpr; desc: boolean }[]; frame?: WindowFrame }
  /** A fresh unique id per row (MetricFlow's `mf_internal_uuid` for conversion events). */
  | { k: 'uuid' }
  /** A percentile aggregate (median is 0.5); `fraction` comes from the definitions, never from a caller. */
  | { k: 'percentile'; arg: SqlExpr; fraction: number; discrete: boolean; approximate: boolean };

export type BinaryOp = '=' | '!=' | '<' | '<=' | '>' | '>=' | '+' | '-' | '*' | '/';
export type AggregateFunction = 'SUM' | 'COUNT' | 'AVG' | 'MIN' | 'MAX';
export type WindowFunction = AggregateFunction | 'FIRST_VALUE' | 'LAST_VALUE';
/** The whole partition; the rows up to this one; the rows before this one. */
export type WindowFrame = 'all' | 'running' | 'preceding';
/** Scalar functions the renderer knows how to spell in every dialect. */
export type SqlFunction =
  | 'lower'
  | 'upper'
  | 'trim'
  | 'length'
  | 'abs'
  | 'round'
  | 'floor'
  | 'ceil'
  | 'coalesce'
  | 'nullif'
  | 'greatest'
  | 'least'
  | 'concat'
  | 'current_date'
  | 'current_timestamp';

export type FromItem =
  | { k: 'table'; relation: NodeRelation; alias: string }
  | { k: 'subquery'; query: SelectNode; alias: string }
  | { k: 'cteRef'; name: string; alias: string };

export interface JoinNode {
  type: 'LEFT' | 'FULL' | 'INNER' | 'CROSS';
  item: FromItem;
  on?: SqlExpr;
}

export interface SelectNode {
  ctes?: { name: string; query: SelectNode }[];
  distinct?: boolean;
  columns: { expr: SqlExpr; alias: string }[];
  from: FromItem;
  joins?: JoinNode[];
  where?: SqlExpr;
  groupBy?: SqlExpr[];
  having?: SqlExpr;
  orderBy?: { expr: SqlExpr; desc: boolean }[];
  limit?: SqlExpr;
  /** Further SELECTs appended with UNION ALL (same columns; no ORDER BY or LIMIT on any). */
  unionAll?: SelectNode[];
}

export const col = (table: string | undefined, name: string): SqlExpr => ({ k: 'column', table, name });
export const and = (args: SqlExpr[]): SqlExpr | undefined =>
  args.length === 0 ? undefined : args.length === 1 ? args[0] : { k: 'and', args };
