import type { Expr, FilterReference, LiteralValue } from './filter-ast';

/**
 * Prints a tree back as a canonical filter (keywords upper-case, functions lower-case, references
 * in MetricFlow's Jinja form, only the parentheses precedence needs), such that parsing the output
 * gives the same tree back. For messages and tests; SQL is rendered by the dialects, never from this.
 */

const enum Prec {
  Or = 1,
  And = 2,
  Not = 3,
  Predicate = 4,
  Additive = 5,
  Multiplicative = 6,
  Unary = 7,
  Primary = 8,
}

export function formatExpr(expr: Expr): string {
  return print(expr, Prec.Or);
}

function precedence(expr: Expr): Prec {
  switch (expr.kind) {
    case 'or':
      return Prec.Or;
    case 'and':
      return Prec.And;
    case 'not':
      return Prec.Not;
    case 'compare':
    case 'in':
    case 'between':
    case 'like':
    case 'isNull':
      return Prec.Predicate;
    case 'arithmetic':
      return expr.op === '+' || expr.op === '-' ? Prec.Additive : Prec.Multiplicative;
    case 'negate':
      return Prec.Unary;
    case 'literal':
      // A negative number prints with its sign, so it binds like unary minus.
      return typeof expr.value === 'number' && (expr.value < 0 || Object.is(expr.value, -0)) ? Prec.Unary : Prec.Primary;
    default:
      return Prec.Primary;
  }
}

function print(expr: Expr, min: Prec): string {
  const text = printBare(expr);
  return precedence(expr) < min ? `(${text})` : text;
}

function printBare(expr: Expr): string {
  switch (expr.kind) {
    case 'literal':
      return formatLiteral(expr.value);
    case 'ref':
      return formatReference(expr.ref);
    case 'identifier':
      return expr.name;
    case 'compare':
      return `${print(expr.left, Prec.Additive)} ${expr.op} ${print(expr.right, Prec.Additive)}`;
    case 'arithmetic': {
      const own = precedence(expr);
      // Left-associative: a right operand of the same precedence keeps its parentheses.
      return `${print(expr.left, own)} ${expr.op} ${print(expr.right, own + 1)}`;
    }
    case 'negate':
      return `-${print(expr.arg, Prec.Primary)}`;
    case 'not':
      return `NOT ${print(expr.arg, Prec.Not)}`;
    case 'and':
      return expr.args.map((a) => print(a, Prec.Not)).join(' AND ');
    case 'or':
      return expr.args.map((a) => print(a, Prec.And)).join(' OR ');
    case 'in':
      return `${print(expr.arg, Prec.Additive)} ${expr.negated ? 'NOT IN' : 'IN'} (${expr.list.map((e) => print(e, Prec.Or)).join(', ')})`;
    case 'between':
      return `${print(expr.arg, Prec.Additive)} ${expr.negated ? 'NOT BETWEEN' : 'BETWEEN'} ${print(expr.low, Prec.Additive)} AND ${print(expr.high, Prec.Additive)}`;
    case 'like':
      return `${print(expr.arg, Prec.Additive)} ${expr.negated ? 'NOT LIKE' : 'LIKE'} ${print(expr.pattern, Prec.Additive)}`;
    case 'isNull':
      return `${print(expr.arg, Prec.Additive)} ${expr.negated ? 'IS NOT NULL' : 'IS NULL'}`;
    case 'cast':
      return `CAST(${print(expr.arg, Prec.Or)} AS ${expr.type})`;
    case 'call':
      if (expr.args.length === 0 && (expr.fn === 'current_date' || expr.fn === 'current_timestamp')) return expr.fn.toUpperCase();
      return `${expr.fn}(${expr.args.map((a) => print(a, Prec.Or)).join(', ')})`;
    case 'case': {
      const whens = expr.whens.map((w) => `WHEN ${print(w.when, Prec.Or)} THEN ${print(w.then, Prec.Or)}`);
      const otherwise = expr.else ? ` ELSE ${print(expr.else, Prec.Or)}` : '';
      return `CASE ${whens.join(' ')}${otherwise} END`;
    }
  }
}

export function formatLiteral(value: LiteralValue): string {
  if (value === null) return 'NULL';
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (typeof value === 'string') return `'${value.replace(/'/g, "''")}'`;
  if (Object.is(value, -0)) return '-0';
  // Integers past 2^53 print in exponent form: the digits-only form would read as an unsafe integer.
  if (Number.isInteger(value) && !Number.isSafeInteger(value)) return value.toExponential();
  return String(value);
}

export function formatReference(ref: FilterReference): string {
  const q = (s: string): string => `'${s}'`;
  switch (ref.type) {
    case 'dimension':
      return `{{ Dimension(${q(ref.name)})${ref.grain ? `.grain(${q(ref.grain)})` : ''}${ref.datePart ? `.date_part(${q(ref.datePart)})` : ''} }}`;
    case 'timeDimension':
      return `{{ TimeDimension(${q(ref.name)}${ref.grain ? `, ${q(ref.grain)}` : ''})${ref.datePart ? `.date_part(${q(ref.datePart)})` : ''} }}`;
    case 'entity':
      return `{{ Entity(${q(ref.name)}) }}`;
    case 'metric':
      return `{{ Metric(${q(ref.name)}, group_by=[${ref.groupBy.map(q).join(', ')}]) }}`;
  }
}
