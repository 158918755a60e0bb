import { SemanticError } from '../errors';
import type { ComparisonOp, Expr } from '../filter/filter-ast';
import type { ResolvedLinkable } from '../model/join-resolver';
import type { TimeValueType } from '../model/semantic-graph';
import { refKey } from '../plan/query-planner';
import { addGrain, formatTimeParameter, parseTimeLiteral, truncateToGrain } from '../plan/time-literal';
import type { Dimension } from '../spec/manifest';
import type { SqlExpr } from './sql-node';

type TimeLinkable = Extract<ResolvedLinkable, { kind: 'time' }>;

/** A bound on a time column implied by a top-level filter condition: `column op value`. */
export interface TimeBound {
  /** Where the column is: the fact's own (`path` empty) or a joined model's. */
  linkable: Pick<TimeLinkable, 'path' | 'dimension' | 'rawType'>;
  op: '>=' | '<';
  value: Date;
}

const FLIP: Record<ComparisonOp, ComparisonOp> = { '=': '=', '!=': '!=', '<': '>', '<=': '>=', '>': '<', '>=': '<=' };

/**
 * Compiles a parsed filter into SQL nodes for one leaf. Literals become parameters; a string
 * compared with a time dimension is checked as a date/time here and cast to the column's type
 * (BigQuery does not coerce parameters). Top-level conditions on the fact's own time columns are
 * also reported as `timeBounds`, which the leaf pushes down to the raw column for partition pruning.
 */
export class FilterCompiler {
  readonly timeBounds: TimeBound[] = [];

  constructor(
    private readonly refExpr: (key: string) => SqlExpr,
    private readonly resolved: (key: string) => ResolvedLinkable,
  ) {}

  /** `column op value` on the stored column, so that BigQuery prunes partitions on it. */
  static boundPredicate(dimension: Dimension, type: TimeValueType, op: '>=' | '<', value: Date): SqlExpr {
    return {
      k: 'binary',
      op,
      left: { k: 'definition', sql: dimension.expr ?? dimension.name },
      right: { k: 'cast', arg: { k: 'param', value: formatTimeParameter(value, type) }, type },
    };
  }

  compile(expr: Expr): SqlExpr {
    for (const conjunct of expr.kind === 'and' ? expr.args : [expr]) this.collectBounds(conjunct);
    return this.expr(expr);
  }

  private expr(e: Expr): SqlExpr {
    switch (e.kind) {
      case 'literal':
        return e.value === null ? { k: 'null' } : { k: 'param', value: e.value };
      case 'ref':
        return this.refExpr(refKey(e.ref));
      case 'identifier':
        throw new SemanticError('INVALID_FILTER', `Bare name '${e.name}' in a filter: reference it as {{ Dimension('entity__${e.name}') }}.`);
      case 'compare': {
        const time = this.timeRef(e.left) ?? this.timeRef(e.right);
        return {
          k: 'binary',
          op: e.op,
          left: time ? this.timeOperand(e.left, time) : this.expr(e.left),
          right: time ? this.timeOperand(e.right, time) : this.expr(e.right),
        };
      }
      case 'arithmetic':
        return { k: 'binary', op: e.op, left: this.expr(e.left), right: this.expr(e.right) };
      case 'negate':
        return { k: 'negate', arg: this.expr(e.arg) };
      case 'and':
        return { k: 'and', args: e.args.map((a) => this.expr(a)) };
      case 'or':
        return { k: 'or', args: e.args.map((a) => this.expr(a)) };
      case 'not':
        return { k: 'not', arg: this.expr(e.arg) };
      case 'in': {
        const time = this.timeRef(e.arg);
        const item = (x: Expr) => (time ? this.timeOperand(x, time) : this.expr(x));
        return { k: 'in', arg: this.expr(e.arg), list: e.list.map(item), negated: e.negated };
      }
      case 'between': {
        const time = this.timeRef(e.arg);
        const item = (x: Expr) => (time ? this.timeOperand(x, time) : this.expr(x));
        return { k: 'between', arg: this.expr(e.arg), low: item(e.low), high: item(e.high), negated: e.negated };
      }
      case 'like':
        return { k: 'like', arg: this.expr(e.arg), pattern: this.expr(e.pattern), negated: e.negated };
      case 'isNull':
        return { k: 'isNull', arg: this.expr(e.arg), negated: e.negated };
      case 'cast':
        return { k: 'cast', arg: this.expr(e.arg), type: e.type };
      case 'call':
        return { k: 'func', name: e.fn, args: e.args.map((a) => this.expr(a)) };
      case 'case':
        return {
          k: 'case',
          whens: e.whens.map((w) => ({ when: this.expr(w.when), then: this.expr(w.then) })),
          else: e.else ? this.expr(e.else) : undefined,
        };
    }
  }

  /** The resolved time reference `e` is, when it is one compared as a time (not a date part). */
  private timeRef(e: Expr): TimeLinkable | undefined {
    if (e.kind !== 'ref' || e.ref.type === 'entity' || e.ref.type === 'metric') return undefined;
    const r = this.resolved(refKey(e.ref));
    return r.kind === 'time' && !r.datePart ? r : undefined;
  }

  private timeOperand(e: Expr, time: TimeLinkable): SqlExpr {
    if (e.kind !== 'literal' || typeof e.value !== 'string') return this.expr(e);
    const value = this.timeValue(e.value, time);
    return { k: 'cast', arg: { k: 'param', value: formatTimeParameter(value, time.valueType) }, type: time.valueType };
  }

  private timeValue(text: string, time: TimeLinkable): Date {
    const parsed = parseTimeLiteral(text);
    if (!parsed) {
      throw new SemanticError(
        'INVALID_FILTER',
        `'${text}' is compared with time dimension '${time.outputName}' but is not a date or timestamp. Write it as '2024-01-31' or '2024-01-31T12:00:00Z'.`,
      );
    }
    if (time.valueType === 'DATE' && parsed.date.getTime() % 86_400_000 !== 0) {
      throw new SemanticError(
        'INVALID_FILTER',
        `'${text}' has a time of day, but '${time.outputName}' is a date (grain ${time.grain}). Compare it with a date such as '${parsed.date.toISOString().slice(0, 10)}'.`,
      );
    }
    return parsed.date;
  }

  private collectBounds(e: Expr): void {
    const local = (x: Expr) => this.timeRef(x);
    const bound = (time: TimeLinkable, op: ComparisonOp, lit: Expr) => {
      if (lit.kind !== 'literal' || typeof lit.value !== 'string') return;
      const value = this.timeValue(lit.value, time);
      // trunc(col) >= x implies col >= x; trunc(col) <= x implies col < trunc(x) + 1 grain.
      if (op === '>=' || op === '>' || op === '=') this.timeBounds.push({ linkable: time, op: '>=', value });
      if (op === '<=' || op === '<' || op === '=') {
        this.timeBounds.push({ linkable: time, op: '<', value: addGrain(truncateToGrain(value, time.grain), time.grain, 1) });
      }
    };
    if (e.kind === 'compare') {
      const left = local(e.left);
      const right = local(e.right);
      if (left) bound(left, e.op, e.right);
      else if (right) bound(right, FLIP[e.op], e.left);
    } else if (e.kind === 'between' && !e.negated) {
      const arg = local(e.arg);
      if (arg) {
        bound(arg, '>=', e.low);
        bound(arg, '<=', e.high);
      }
    }
  }
}
