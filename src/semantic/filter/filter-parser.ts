import { didYouMean } from '../errors';
import { FILTER_FUNCTIONS, type ComparisonOp, type Expr, type FilterFunction } from './filter-ast';
import { CAST_TYPE_ALIASES, FORBIDDEN_SQL_KEYWORDS, GRAMMAR_KEYWORDS, temporalLiteralProblem } from './filter-keywords';
import { parseJinjaReference } from './filter-reference-parser';
import { filterSyntaxError, quoteToken } from './filter-syntax-error';
import { describeToken, FilterTokenStream } from './filter-token-stream';
import { tokenizeFilter, type Token } from './filter-tokenizer';
import { exprDepth } from './filter-walk';

/**
 * Recursive-descent parser for MetricFlow where filters (SQL-ish, with Jinja references).
 * Precedence, loosest first: OR, AND, NOT, predicates (comparison, IN, BETWEEN, LIKE, IS NULL;
 * not chainable), + -, * /, unary minus, primaries. Recursion only re-enters through `parseOr`,
 * which counts nesting, so no input can overflow the stack.
 */

export interface ParseFilterOptions {
  /** Accept bare identifiers (a derived metric's inputs, e.g. `revenue / nullif(orders, 0)`). */
  allowIdentifiers?: boolean;
}

export const MAX_FILTER_LENGTH = 10_000;
/** Parentheses, calls, CASE, NOT and unary minus each add one level. */
export const MAX_NESTING = 64;
/** Long + - * / chains nest the tree without nesting the text; this bounds what renderers recurse over. */
export const MAX_TREE_DEPTH = 256;

const DIMENSION_EXAMPLE = "{{ Dimension('customer__country') }}";
const DIMENSION_HINT = `Reference dimensions as ${DIMENSION_EXAMPLE}`;
const COMPARISONS: Record<string, ComparisonOp> = { '=': '=', '!=': '!=', '<>': '!=', '<': '<', '<=': '<=', '>': '>', '>=': '>=' };
const AGGREGATES = new Set(['sum', 'count', 'avg', 'min', 'max', 'count_distinct', 'any_value', 'array_agg', 'string_agg']);

/** Parses a where filter: the whole text must be one condition. */
export function parseWhereFilter(text: string, options: ParseFilterOptions = {}): Expr {
  return parse(text, options, true);
}

/** Parses an expression that need not be a condition (e.g. a derived metric's `expr`). */
export function parseExpression(text: string, options: ParseFilterOptions = {}): Expr {
  return parse(text, options, false);
}

function parse(text: string, options: ParseFilterOptions, asCondition: boolean): Expr {
  if (typeof text !== 'string') throw filterSyntaxError('', 0, 'the filter must be a string');
  if (text.length > MAX_FILTER_LENGTH) {
    throw filterSyntaxError(text, MAX_FILTER_LENGTH, `the filter is ${text.length} characters long, more than the ${MAX_FILTER_LENGTH} allowed`, 'Shorten it, e.g. split long IN lists.');
  }
  if (text.trim() === '') throw filterSyntaxError(text, 0, 'the filter is empty', `Write a condition, e.g. {{ Dimension('customer__country') }} = 'FR'.`);
  const stream = new FilterTokenStream(text, tokenizeFilter(text));
  const expr = new FilterParser(stream, options.allowIdentifiers === true).parseTop(asCondition);
  if (exprDepth(expr) > MAX_TREE_DEPTH) {
    throw filterSyntaxError(text, 0, `the expression is too complex (its tree is deeper than ${MAX_TREE_DEPTH} levels)`, 'Split long chains of + - * / or simplify the filter.');
  }
  return expr;
}

class FilterParser {
  private depth = 0;

  constructor(
    private readonly s: FilterTokenStream,
    private readonly allowIdentifiers: boolean,
  ) {}

  parseTop(asCondition: boolean): Expr {
    const start = this.s.peek();
    const expr = this.parseOr();
    const end = this.s.peek();
    if (end.kind !== 'eof') throw this.misplaced(end, 'expected AND, OR or the end of the filter', 'Combine conditions with AND / OR.');
    if (asCondition) this.requireCondition(expr, start, 'the filter');
    return expr;
  }

  private parseOr(): Expr {
    const start = this.s.peek();
    if (++this.depth > MAX_NESTING) throw this.tooDeep(start);
    const args = [this.parseAnd()];
    if (this.s.isWord('OR')) this.requireCondition(args[0]!, start, 'the operand of OR');
    while (this.s.isWord('OR')) {
      this.s.next();
      const operand = this.s.peek();
      args.push(this.requireCondition(this.parseAnd(), operand, 'the operand of OR'));
    }
    this.depth--;
    return args.length === 1 ? args[0]! : { kind: 'or', args };
  }

  private parseAnd(): Expr {
    const start = this.s.peek();
    const args = [this.parseNot()];
    if (this.s.isWord('AND')) this.requireCondition(args[0]!, start, 'the operand of AND');
    while (this.s.isWord('AND')) {
      this.s.next();
      const operand = this.s.peek();
      args.push(this.requireCondition(this.parseNot(), operand, 'the operand of AND'));
    }
    return args.length === 1 ? args[0]! : { kind: 'and', args };
  }

  private parseNot(): Expr {
    const start = this.s.peek();
    let count = 0;
    while (this.s.isWord('NOT')) {
      this.s.next();
      count++;
    }
    if (this.depth + count > MAX_NESTING) throw this.tooDeep(start);
    if (count === 0) return this.parsePredicate();
    const operand = this.s.peek();
    let expr = this.requireCondition(this.parsePredicate(), operand, 'the operand of NOT');
    for (let i = 0; i < count; i++) expr = { kind: 'not', arg: expr };
    return expr;
  }

  private parsePredicate(): Expr {
    const left = this.parseAdditive();
    const predicate = this.parsePredicateTail(left);
    if (predicate && this.atPredicateOperator()) {
      throw this.s.error(this.s.peek(), `comparisons cannot be chained (${describeToken(this.s.peek())} follows a comparison)`, 'Combine comparisons with AND, or parenthesize one of them.');
    }
    return predicate ?? left;
  }

  private atPredicateOperator(): boolean {
    const t = this.s.peek();
    if (t.kind === 'op') return Object.hasOwn(COMPARISONS, t.text);
    return ['IS', 'IN', 'BETWEEN', 'LIKE', 'ILIKE'].some((k) => this.s.isWord(k)) || (this.s.isWord('NOT') && ['IN', 'BETWEEN', 'LIKE', 'ILIKE'].some((k) => this.s.isWord(k, 1)));
  }

  private parsePredicateTail(left: Expr): Expr | undefined {
    const t = this.s.peek();
    if (t.kind === 'op' && Object.hasOwn(COMPARISONS, t.text)) {
      this.s.next();
      return { kind: 'compare', op: COMPARISONS[t.text]!, left, right: this.parseAdditive() };
    }
    if (this.s.acceptWord('IS')) {
      const negated = this.s.acceptWord('NOT');
      this.s.expectWord('NULL', 'after IS', "IS only tests for NULL: write x IS NULL or x IS NOT NULL (and x = TRUE for booleans).");
      return { kind: 'isNull', arg: left, negated };
    }
    const negated = this.s.isWord('NOT');
    if (negated) {
      if (!['IN', 'BETWEEN', 'LIKE', 'ILIKE'].some((k) => this.s.isWord(k, 1))) {
        throw this.s.unexpected(this.s.peek(1), 'expected IN, BETWEEN or LIKE after NOT', 'Write NOT before a condition (NOT x = 1) or use x NOT IN (...), x NOT BETWEEN a AND b, x NOT LIKE p.');
      }
      this.s.next();
    }
    if (this.s.acceptWord('IN')) return { kind: 'in', arg: left, list: this.parseInList(), negated };
    if (this.s.acceptWord('BETWEEN')) {
      const low = this.parseAdditive();
      this.s.expectWord('AND', 'between the bounds of BETWEEN', 'Write x BETWEEN low AND high.');
      return { kind: 'between', arg: left, low, high: this.parseAdditive(), negated };
    }
    if (this.s.acceptWord('LIKE')) return { kind: 'like', arg: left, pattern: this.parseAdditive(), negated };
    if (this.s.acceptWord('ILIKE')) {
      // ILIKE is LIKE on lower-cased operands; that keeps the tree to the node kinds every dialect renders.
      const pattern = this.parseAdditive();
      return { kind: 'like', arg: { kind: 'call', fn: 'lower', args: [left] }, pattern: { kind: 'call', fn: 'lower', args: [pattern] }, negated };
    }
    return undefined;
  }

  private parseInList(): Expr[] {
    const open = this.s.peek();
    this.s.expectPunct('(', 'after IN', "Write x IN ('a', 'b').");
    this.rejectSubquery();
    if (this.s.isPunct(')')) throw this.s.error(this.s.peek(), 'IN needs at least one value', "Write x IN ('a', 'b').");
    const list = [this.parseOr()];
    while (this.s.acceptPunct(',')) list.push(this.parseOr());
    this.expectClose(open, 'the IN list');
    return list;
  }

  private parseAdditive(): Expr {
    let left = this.parseMultiplicative();
    for (let t = this.s.peek(); t.kind === 'op' && (t.text === '+' || t.text === '-'); t = this.s.peek()) {
      this.s.next();
      left = { kind: 'arithmetic', op: t.text, left, right: this.parseMultiplicative() };
    }
    return left;
  }

  private parseMultiplicative(): Expr {
    let left = this.parseUnary();
    for (let t = this.s.peek(); t.kind === 'op' && (t.text === '*' || t.text === '/'); t = this.s.peek()) {
      this.s.next();
      left = { kind: 'arithmetic', op: t.text, left, right: this.parseUnary() };
    }
    return left;
  }

  private parseUnary(): Expr {
    const start = this.s.peek();
    const signs: string[] = [];
    for (let t = this.s.peek(); t.kind === 'op' && (t.text === '-' || t.text === '+'); t = this.s.peek()) signs.push(this.s.next().text);
    if (this.depth + signs.length > MAX_NESTING) throw this.tooDeep(start);
    let expr = this.parsePrimary();
    for (let i = signs.length - 1; i >= 0; i--) {
      if (signs[i] === '+') continue;
      // `-5` is the literal -5 (a parameter), not an expression over 5.
      const positive = expr.kind === 'literal' && typeof expr.value === 'number' && expr.value > 0;
      expr = positive ? { kind: 'literal', value: -(expr as { value: number }).value } : { kind: 'negate', arg: expr };
    }
    return expr;
  }

  private parsePrimary(): Expr {
    const t = this.s.peek();
    switch (t.kind) {
      case 'number':
      case 'string':
        this.s.next();
        return { kind: 'literal', value: t.value! };
      case 'jinjaOpen':
        return { kind: 'ref', ref: parseJinjaReference(this.s) };
      case 'word':
        return this.parseWord(t);
      case 'dqstring': {
        const content = String(t.value);
        const hint = /^[a-z_][a-z0-9_]*$/i.test(content) ? `{{ Dimension('${content.toLowerCase()}') }}` : "{{ Dimension('name') }}";
        throw this.s.error(t, `double-quoted ${quoteToken(t.text)} is not allowed outside {{ }}`, `String literals use single quotes ('${content.replace(/'/g, "''").slice(0, 30)}'); reference dimensions as ${hint}.`);
      }
      case 'punct':
        if (t.text === '(') {
          this.s.next();
          this.rejectSubquery();
          const inner = this.parseOr();
          this.expectClose(t, 'the parenthesis');
          return inner;
        }
        if (t.text === ')') throw this.s.error(t, "unbalanced parentheses: ')' has no matching '('", "Remove it or add the missing '('.");
        break;
      case 'jinjaClose':
        throw this.s.error(t, "'}}' has no matching '{{'", `${DIMENSION_HINT}.`);
    }
    throw this.s.unexpected(t, 'expected a value', `Values are literals ('text', 42, TRUE, NULL), references (${DIMENSION_EXAMPLE}), function calls or parenthesized expressions.`);
  }

  private parseWord(t: Token): Expr {
    const upper = t.text.toUpperCase();
    const lower = t.text.toLowerCase();
    if (upper === 'TRUE' || upper === 'FALSE' || upper === 'NULL') {
      this.s.next();
      return { kind: 'literal', value: upper === 'NULL' ? null : upper === 'TRUE' };
    }
    if (upper === 'CAST') return this.parseCast();
    if (upper === 'CASE') return this.parseCase();
    if (upper === 'DATE' || upper === 'TIMESTAMP') return this.parseTypedLiteral(upper);
    if (upper === 'CURRENT_DATE' || upper === 'CURRENT_TIMESTAMP') {
      this.s.next();
      if (this.s.acceptPunct('(')) this.s.expectPunct(')', `after ${upper}(`, `${upper} takes no arguments.`);
      return { kind: 'call', fn: lower as FilterFunction, args: [] };
    }
    if (FORBIDDEN_SQL_KEYWORDS.has(upper) || GRAMMAR_KEYWORDS.has(upper)) throw this.misplaced(t, 'expected a value');
    if (this.s.isPunct('(', 1)) return this.parseCall(t, lower);
    if (!this.allowIdentifiers) {
      throw this.s.error(t, `bare identifier ${quoteToken(t.text)} is not allowed in filters`, `Reference dimensions as {{ Dimension('${lower}') }} (or TimeDimension / Entity / Metric); string literals use single quotes ('${t.text}').`);
    }
    this.s.next();
    return { kind: 'identifier', name: lower };
  }

  private parseCall(t: Token, name: string): Expr {
    const allowed = Object.keys(FILTER_FUNCTIONS);
    // hasOwn, not `in`: names like 'constructor' or '__proto__' must not reach Object.prototype.
    if (!Object.hasOwn(FILTER_FUNCTIONS, name)) {
      if (['dimension', 'timedimension', 'entity', 'metric'].includes(name)) {
        throw this.s.error(t, `${t.text}(...) must be written inside {{ }}`, `Write it as a Jinja reference: {{ ${t.text}('name') }}.`);
      }
      if (AGGREGATES.has(name)) {
        throw this.s.error(t, `aggregate function ${quoteToken(t.text)} is not allowed in filters`, "Filter on a metric with {{ Metric('name', group_by=['entity']) }} instead.");
      }
      const fix = name === 'date' || name === 'timestamp' ? `Write CAST(x AS ${name.toUpperCase()}). ` : '';
      throw this.s.error(t, `unknown function ${quoteToken(t.text)}`, `${fix}Functions allowed: ${allowed.join(', ')}.`, didYouMean(name, allowed));
    }
    const fn = name as FilterFunction;
    this.s.next();
    const open = this.s.next();
    this.rejectSubquery();
    const args: Expr[] = [];
    if (!this.s.isPunct(')')) {
      args.push(this.parseOr());
      while (this.s.acceptPunct(',')) args.push(this.parseOr());
    }
    this.expectClose(open, `the arguments of ${name}(`);
    const [min, max] = FILTER_FUNCTIONS[fn];
    if (args.length < min || args.length > max) {
      const expected = min === max ? `${min}` : `${min} to ${max}`;
      throw this.s.error(t, `${name}() takes ${expected} argument${max === 1 ? '' : 's'}, got ${args.length}`, `Call it as ${name}(${Array.from({ length: min }, (_, i) => `x${i + 1}`).join(', ')}${min < max ? ', …' : ''}).`);
    }
    return { kind: 'call', fn, args };
  }

  private parseCast(): Expr {
    const castToken = this.s.next();
    const open = this.s.expectPunct('(', 'after CAST', 'Write CAST(x AS type).');
    const arg = this.parseOr();
    this.s.expectWord('AS', 'in CAST', 'Write CAST(x AS type).');
    const typeToken = this.s.next();
    const upperType = typeToken.text.toUpperCase();
    const type = typeToken.kind === 'word' && Object.hasOwn(CAST_TYPE_ALIASES, upperType) ? CAST_TYPE_ALIASES[upperType] : undefined;
    if (!type) {
      const names = Object.keys(CAST_TYPE_ALIASES);
      throw this.s.error(typeToken, `unknown cast type ${describeToken(typeToken)}`, `Types: ${names.join(', ')}.`, typeToken.kind === 'word' ? didYouMean(typeToken.text.toUpperCase(), names) : []);
    }
    if (this.s.isPunct('(')) throw this.s.error(this.s.peek(), 'cast types take no parameters', `Write CAST(x AS ${type}).`);
    this.expectClose(open, 'CAST(');
    if ((type === 'DATE' || type === 'TIMESTAMP') && arg.kind === 'literal' && typeof arg.value === 'string') {
      const problem = temporalLiteralProblem(type, arg.value);
      if (problem) throw this.s.error(castToken, problem);
    }
    return { kind: 'cast', arg, type };
  }

  private parseTypedLiteral(type: 'DATE' | 'TIMESTAMP'): Expr {
    this.s.next();
    const literal = this.s.peek();
    if (literal.kind !== 'string') {
      const fix = this.s.isPunct('(') ? `Write CAST(x AS ${type}), or ${type} '2024-01-31' for a literal.` : `Write ${type} '2024-01-31'.`;
      throw this.s.unexpected(literal, `expected a quoted literal after ${type}`, fix);
    }
    this.s.next();
    const problem = temporalLiteralProblem(type, literal.value as string);
    if (problem) throw this.s.error(literal, problem);
    return { kind: 'cast', arg: { kind: 'literal', value: literal.value as string }, type };
  }

  private parseCase(): Expr {
    const caseToken = this.s.next();
    // Simple CASE (CASE x WHEN v THEN …) becomes the searched form: WHEN x = v.
    if (this.s.isWord('ELSE') || this.s.isWord('END')) {
      throw this.s.unexpected(this.s.peek(), 'expected WHEN after CASE', 'Write CASE WHEN condition THEN value [ELSE value] END.');
    }
    const subject = this.s.isWord('WHEN') ? undefined : this.parseOr();
    const whens: { when: Expr; then: Expr }[] = [];
    while (this.s.acceptWord('WHEN')) {
      const start = this.s.peek();
      const value = this.parseOr();
      const when = subject ? ({ kind: 'compare', op: '=', left: subject, right: value } as const) : this.requireCondition(value, start, 'a WHEN condition');
      this.s.expectWord('THEN', 'after the WHEN condition', 'Write CASE WHEN condition THEN value [ELSE value] END.');
      whens.push({ when, then: this.parseOr() });
    }
    if (whens.length === 0) throw this.s.unexpected(this.s.peek(), 'expected WHEN after CASE', 'Write CASE WHEN condition THEN value [ELSE value] END.');
    const otherwise = this.s.acceptWord('ELSE') ? this.parseOr() : undefined;
    if (!this.s.isWord('END')) {
      if (this.s.peek().kind === 'eof') throw this.s.error(caseToken, 'CASE is never closed', 'End it with END.');
      throw this.misplaced(this.s.peek(), 'expected WHEN, ELSE or END in CASE', 'Write CASE WHEN condition THEN value [ELSE value] END.');
    }
    this.s.next();
    return otherwise ? { kind: 'case', whens, else: otherwise } : { kind: 'case', whens };
  }

  /** `(SELECT …` or `(WITH …`: say "subquery" rather than "unexpected keyword". */
  private rejectSubquery(): void {
    if (this.s.isWord('SELECT') || this.s.isWord('WITH')) {
      throw this.s.error(this.s.peek(), 'subqueries are not allowed in filters', `Filter with conditions on references, e.g. ${DIMENSION_EXAMPLE} IN ('a', 'b').`);
    }
  }

  private expectClose(open: Token, what: string): void {
    if (this.s.isPunct(')')) {
      this.s.next();
      return;
    }
    const t = this.s.peek();
    if (t.kind === 'eof') throw this.s.error(open, `unbalanced parentheses: '(' of ${what} is never closed`, "Add the missing ')'.");
    throw this.misplaced(t, `expected ')' to close ${what}`, "Check the parentheses and separate values with ','.");
  }

  /** An out-of-place token, with a specific message for SQL keywords and stray closers. */
  private misplaced(t: Token, expected: string, fix?: string): Error {
    const upper = t.kind === 'word' ? t.text.toUpperCase() : '';
    if (upper === 'SELECT') return this.s.error(t, 'subqueries are not allowed in filters', 'A filter is a single condition over references and literals.');
    if (FORBIDDEN_SQL_KEYWORDS.has(upper)) {
      return this.s.error(t, `SQL keyword ${upper} is not allowed in filters`, 'A filter is a single condition: comparisons, IN, BETWEEN, LIKE, IS NULL, combined with AND / OR / NOT.');
    }
    if (t.kind === 'punct' && t.text === ')') return this.s.error(t, "unbalanced parentheses: ')' has no matching '('", "Remove it or add the missing '('.");
    if (t.kind === 'jinjaClose') return this.s.error(t, "'}}' has no matching '{{'", `${DIMENSION_HINT}.`);
    return this.s.unexpected(t, expected, fix);
  }

  /** Refuses operands that can never be true or false (strings, numbers, arithmetic) where a condition is needed. */
  private requireCondition(expr: Expr, at: Token, role: string): Expr {
    const literalType = expr.kind === 'literal' && expr.value !== null && typeof expr.value !== 'boolean' ? typeof expr.value : undefined;
    if (literalType || expr.kind === 'arithmetic' || expr.kind === 'negate') {
      const what = literalType ? `a ${literalType} literal` : 'an arithmetic expression';
      throw this.s.error(at, `${role} is ${what}, not a condition`, `Compare it, e.g. ${DIMENSION_EXAMPLE} = ${literalType === 'string' ? "'FR'" : '0'}.`);
    }
    return expr;
  }

  private tooDeep(at: Token): Error {
    return this.s.error(at, `the filter is nested more than ${MAX_NESTING} levels deep`, 'Simplify it: remove redundant parentheses or split it into several filters.');
  }
}
