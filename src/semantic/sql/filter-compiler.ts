import { SemanticError } from '../errors';
import type { ComparisonOp, Expr } from '../filter/filter-ast';
import type { ResolvedLinkable } from '../model/join-resolver';
import type { TimeValueType } from '../model/semantic-graph';
import type { FilterRef } from '../plan/logical-plan';
import { refKey } from '../plan/ref-key';
import { addGrain, formatTimeParameter, parseTimeLiteral, truncateToGrain } from '../plan/time-literal';
import { exprToSql } from './expr-to-sql';
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
    private readonly resolved: (key: string) => FilterRef,
  ) {}

  /** `column op value` on the stored column, so that BigQuery prunes partitions on it. */
  static boundPredicate(stored: SqlExpr, type: TimeValueType, op: '>=' | '<', value: Date): SqlExpr {
    return { k: 'binary', op, left: stored, right: { k: 'cast', arg: { k: 'param', value: formatTimeParameter(value, type) }, type } };
  }

  compile(expr: Expr): SqlExpr {
    for (const conjunct of expr.kind === 'and' ? expr.args : [expr]) this.collectBounds(conjunct);
    return this.expr(expr);
  }

  private expr(e: Expr): SqlExpr {
    return exprToSql(e, (x, rec) => {
      switch (x.kind) {
        case 'ref':
          return this.refExpr(refKey(x.ref));
        case 'identifier':
          throw new SemanticError('INVALID_FILTER', `Bare name '${x.name}' in a filter: reference it as {{ Dimension('entity__${x.name}') }}.`);
        case 'compare': {
          const time = this.timeRef(x.left) ?? this.timeRef(x.right);
          if (!time) return undefined;
          return { k: 'binary', op: x.op, left: this.timeOperand(x.left, time, rec), right: this.timeOperand(x.right, time, rec) };
        }
        case 'in': {
          const time = this.timeRef(x.arg);
          if (!time) return undefined;
          return { k: 'in', arg: rec(x.arg), list: x.list.map((i) => this.timeOperand(i, time, rec)), negated: x.negated };
        }
        case 'between': {
          const time = this.timeRef(x.arg);
          if (!time) return undefined;
          const item = (i: Expr) => this.timeOperand(i, time, rec);
          return { k: 'between', arg: rec(x.arg), low: item(x.low), high: item(x.high), negated: x.negated };
        }
        default:
          return undefined;
      }
    });
  }

  /** The resolved time reference `e` is, when it is one compared as a time (not a date part). */
  private timeRef(e: Expr): TimeLinkable | undefined {
    if (e.kind !== 'ref' || e.ref.type === 'entity' || e.ref.type === 'metric') return undefined;
    const r = this.resolved(refKey(e.ref));
    return r.kind === 'time' && !r.datePart ? r : undefined;
  }

  private timeOperand(e: Expr, time: TimeLinkable, rec: (x: Expr) => SqlExpr): SqlExpr {
    if (e.kind !== 'literal' || typeof e.value !== 'string') return rec(e);
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

/** Compiled filters: the WHERE conditions and the time bounds they imply. */
export function compileFilters(
  filters: Expr[],
  refs: Map<string, FilterRef>,
  refExpr: (r: FilterRef) => SqlExpr,
): { where: SqlExpr[]; bounds: TimeBound[] } {
  const compiler = new FilterCompiler((key) => refExpr(refs.get(key)!), (key) => refs.get(key)!);
  const where = filters.map((f) => compiler.compile(f));
  return { where, bounds: compiler.timeBounds };
}
