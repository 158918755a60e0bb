/**
 * The expression tree a where filter (or a derived metric's `expr`) is parsed into.
 * Only these node kinds exist: anything the parser cannot express as one of them is rejected,
 * which is what keeps caller text out of SQL. Literals are carried as values and rendered as
 * query parameters; references are resolved against the semantic graph before rendering.
 */

/** A Jinja reference inside `{{ … }}`, as MetricFlow writes them. */
export type FilterReference =
  /** `{{ Dimension('customer__country') }}`, optionally `.grain('month')` / `.date_part('dow')`. */
  | { type: 'dimension'; name: string; grain?: string; datePart?: string }
  /** `{{ TimeDimension('metric_time', 'month') }}` (grain optional), optionally `.date_part(...)`. */
  | { type: 'timeDimension'; name: string; grain?: string; datePart?: string }
  /** `{{ Entity('user') }}` */
  | { type: 'entity'; name: string }
  /** `{{ Metric('bookings', group_by=['listing']) }}` (resolved in the "Complete MetricFlow semantics" issue). */
  | { type: 'metric'; name: string; groupBy: string[] };

export type LiteralValue = string | number | boolean | null;

export const CAST_TYPES = ['STRING', 'INTEGER', 'FLOAT', 'NUMERIC', 'BOOLEAN', 'DATE', 'TIMESTAMP'] as const;
export type CastType = (typeof CAST_TYPES)[number];

/** The short list of functions a filter may call (lower-case names), with their arities. */
export const FILTER_FUNCTIONS = {
  lower: [1, 1],
  upper: [1, 1],
  trim: [1, 1],
  length: [1, 1],
  abs: [1, 1],
  round: [1, 2],
  floor: [1, 1],
  ceil: [1, 1],
  coalesce: [1, 16],
  nullif: [2, 2],
  greatest: [1, 16],
  least: [1, 16],
  concat: [1, 16],
  current_date: [0, 0],
  current_timestamp: [0, 0],
} as const satisfies Record<string, readonly [number, number]>;
export type FilterFunction = keyof typeof FILTER_FUNCTIONS;

export type ComparisonOp = '=' | '!=' | '<' | '<=' | '>' | '>=';
export type ArithmeticOp = '+' | '-' | '*' | '/';

export type Expr =
  | { kind: 'literal'; value: LiteralValue }
  | { kind: 'ref'; ref: FilterReference }
  /** A bare identifier: only allowed where the parser is told so (a derived metric's inputs). */
  | { kind: 'identifier'; name: string }
  | { kind: 'compare'; op: ComparisonOp; left: Expr; right: Expr }
  | { kind: 'arithmetic'; op: ArithmeticOp; left: Expr; right: Expr }
  | { kind: 'negate'; arg: Expr }
  | { kind: 'and'; args: Expr[] }
  | { kind: 'or'; args: Expr[] }
  | { kind: 'not'; arg: Expr }
  | { kind: 'in'; arg: Expr; list: Expr[]; negated: boolean }
  | { kind: 'between'; arg: Expr; low: Expr; high: Expr; negated: boolean }
  | { kind: 'like'; arg: Expr; pattern: Expr; negated: boolean }
  | { kind: 'isNull'; arg: Expr; negated: boolean }
  | { kind: 'cast'; arg: Expr; type: CastType }
  | { kind: 'call'; fn: FilterFunction; args: Expr[] }
  | { kind: 'case'; whens: { when: Expr; then: Expr }[]; else?: Expr };
