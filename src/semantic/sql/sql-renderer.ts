import type { CastType } from '../filter/filter-ast';
import type { NodeRelation } from '../spec/manifest';
import type { FromItem, SelectNode, SqlExpr, SqlFunction, WindowFrame } from './sql-node';

export type ParameterValue = string | number | boolean;

/** A compiled statement: values never appear in `sql`, only as named parameters. */
export interface CompiledSql {
  sql: string;
  parameters: Record<string, ParameterValue>;
}

const FRAMES: Record<WindowFrame, string> = {
  all: 'ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING',
  running: 'ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW',
  preceding: 'ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING',
};

const PRECEDENCE: Record<string, number> = { or: 1, and: 2, not: 3, compare: 4, '+': 5, '-': 5, '*': 6, '/': 6 };

/**
 * Renders SQL nodes to text. Dialects subclass this and override only the protected hooks where
 * their SQL differs (Kysely's QueryCompiler habit); everything else is shared.
 */
export abstract class SqlRenderer {
  private parameters: Record<string, ParameterValue> = {};
  private nextParameter = 0;

  render(node: SelectNode): CompiledSql {
    this.parameters = {};
    this.nextParameter = 0;
    const sql = this.select(node, '');
    return { sql, parameters: this.parameters };
  }

  // ---- hooks -------------------------------------------------------------------------------
  // The dialect's spelling is public: SQL written outside the node tree (materialization's QUALIFY
  // over a verbatim source query) quotes and casts exactly as the engine's SQL does.
  abstract quoteIdentifier(name: string): string;
  abstract parameterPlaceholder(name: string): string;
  abstract castTypeName(type: CastType): string;
  protected abstract tableName(relation: NodeRelation): string;
  protected abstract dateTrunc(grain: string, arg: string, from: 'DATE' | 'TIMESTAMP', to: 'DATE' | 'TIMESTAMP'): string;
  protected abstract extract(part: string, arg: string): string;
  protected abstract dateAdd(arg: string, count: number, grain: string, type: 'DATE' | 'TIMESTAMP'): string;
  protected abstract uuid(): string;
  protected abstract percentile(arg: string, fraction: number, discrete: boolean, approximate: boolean): string;

  protected ratio(num: string, den: string): string {
    return `CAST(${num} AS ${this.castTypeName('FLOAT')}) / CAST(NULLIF(${den}, 0) AS ${this.castTypeName('FLOAT')})`;
  }

  protected functionCall(name: SqlFunction, args: string[]): string {
    if (name === 'current_date' || name === 'current_timestamp') return name.toUpperCase();
    return `${name.toUpperCase()}(${args.join(', ')})`;
  }

  // ---- statements --------------------------------------------------------------------------
  protected select(node: SelectNode, indent: string): string {
    const inner = `${indent}  `;
    const lines: string[] = [];
    if (node.ctes && node.ctes.length > 0) {
      const ctes = node.ctes.map((c) => `${this.quoteIdentifier(c.name)} AS (\n${this.select(c.query, inner)}\n${indent})`);
      lines.push(`${indent}WITH ${ctes.join(`,\n${indent}`)}`);
    }
    lines.push(`${indent}SELECT${node.distinct ? ' DISTINCT' : ''}`);
    lines.push(node.columns.map((c) => `${inner}${this.expr(c.expr)} AS ${this.quoteIdentifier(c.alias)}`).join(',\n'));
    lines.push(`${indent}FROM ${this.fromItem(node.from, indent)}`);
    for (const j of node.joins ?? []) {
      const on = j.on ? ` ON ${this.expr(j.on)}` : '';
      const kind = j.type === 'CROSS' ? 'CROSS JOIN' : `${j.type === 'FULL' ? 'FULL OUTER' : j.type} JOIN`;
      lines.push(`${indent}${kind} ${this.fromItem(j.item, indent)}${on}`);
    }
    if (node.where) lines.push(`${indent}WHERE ${this.expr(node.where)}`);
    if (node.groupBy && node.groupBy.length > 0) {
      lines.push(`${indent}GROUP BY ${node.groupBy.map((g) => this.expr(g)).join(', ')}`);
    }
    if (node.having) lines.push(`${indent}HAVING ${this.expr(node.having)}`);
    if (node.orderBy && node.orderBy.length > 0) {
      // NULLs last either way: warehouses disagree on the default, and top-N results must not.
      lines.push(`${indent}ORDER BY ${node.orderBy.map((o) => `${this.expr(o.expr)}${o.desc ? ' DESC' : ''} NULLS LAST`).join(', ')}`);
    }
    if (node.limit) lines.push(`${indent}LIMIT ${this.expr(node.limit)}`);
    for (const next of node.unionAll ?? []) lines.push(`${indent}UNION ALL`, this.select(next, indent));
    return lines.join('\n');
  }

  protected fromItem(item: FromItem, indent: string): string {
    const alias = this.quoteIdentifier(item.alias);
    switch (item.k) {
      case 'table':
        return `${this.tableName(item.relation)} AS ${alias}`;
      case 'cteRef':
        return `${this.quoteIdentifier(item.name)} AS ${alias}`;
      case 'subquery':
        return `(\n${this.select(item.query, `${indent}  `)}\n${indent}) AS ${alias}`;
    }
  }

  // ---- expressions -------------------------------------------------------------------------
  protected expr(e: SqlExpr, parent = 0): string {
    switch (e.k) {
      case 'column':
        return e.table ? `${this.quoteIdentifier(e.table)}.${this.quoteIdentifier(e.name)}` : this.quoteIdentifier(e.name);
      case 'definition':
        return e.sql;
      case 'param':
        return this.param(e.value);
      case 'null':
        return 'NULL';
      case 'star':
        return '*';
      case 'func':
        return this.functionCall(e.name, e.args.map((a) => this.expr(a)));
      case 'aggregate':
        return `${e.fn}(${e.distinct ? 'DISTINCT ' : ''}${this.expr(e.arg)})`;
      case 'binary': {
        const p = e.op === '+' || e.op === '-' || e.op === '*' || e.op === '/' ? PRECEDENCE[e.op]! : PRECEDENCE.compare!;
        const text = `${this.expr(e.left, p)} ${e.op === '!=' ? '<>' : e.op} ${this.expr(e.right, p + 1)}`;
        return p < parent ? `(${text})` : text;
      }
      case 'not':
        return this.wrap(`NOT ${this.expr(e.arg, PRECEDENCE.not)}`, PRECEDENCE.not!, parent);
      case 'negate':
        return `-${this.expr(e.arg, 10)}`;
      case 'and':
      case 'or': {
        const p = PRECEDENCE[e.k]!;
        return this.wrap(e.args.map((a) => this.expr(a, p + 1)).join(` ${e.k.toUpperCase()} `), p, parent);
      }
      case 'in':
        return this.wrap(
          `${this.expr(e.arg, 5)} ${e.negated ? 'NOT IN' : 'IN'} (${e.list.map((x) => this.expr(x)).join(', ')})`,
          PRECEDENCE.compare!,
          parent,
        );
      case 'between':
        return this.wrap(
          `${this.expr(e.arg, 5)} ${e.negated ? 'NOT BETWEEN' : 'BETWEEN'} ${this.expr(e.low, 5)} AND ${this.expr(e.high, 5)}`,
          PRECEDENCE.compare!,
          parent,
        );
      case 'like':
        return this.wrap(`${this.expr(e.arg, 5)} ${e.negated ? 'NOT LIKE' : 'LIKE'} ${this.expr(e.pattern, 5)}`, PRECEDENCE.compare!, parent);
      case 'isNull':
        return this.wrap(`${this.expr(e.arg, 5)} IS ${e.negated ? 'NOT NULL' : 'NULL'}`, PRECEDENCE.compare!, parent);
      case 'cast':
        return `CAST(${this.expr(e.arg)} AS ${this.castTypeName(e.type)})`;
      case 'case': {
        const whens = e.whens.map((w) => `WHEN ${this.expr(w.when)} THEN ${this.expr(w.then)}`).join(' ');
        return `CASE ${whens}${e.else ? ` ELSE ${this.expr(e.else)}` : ''} END`;
      }
      case 'dateTrunc':
        return this.dateTrunc(e.grain, this.expr(e.arg), e.from, e.to);
      case 'extract':
        return this.extract(e.part, this.expr(e.arg));
      case 'ratio':
        return this.wrap(this.ratio(this.expr(e.num), this.expr(e.den)), PRECEDENCE['/']!, parent);
      case 'dateAdd':
        // Counts and grains come from validated definitions; check anyway, they are spliced into SQL.
        if (!Number.isInteger(e.count) || !/^[a-z]+$/.test(e.grain)) throw new Error(`invalid interval ${e.count} ${e.grain}`);
        return this.dateAdd(this.expr(e.arg), e.count, e.grain, e.type);
      case 'window': {
        const over: string[] = [];
        if (e.partitionBy.length > 0) over.push(`PARTITION BY ${e.partitionBy.map((x) => this.expr(x)).join(', ')}`);
        if (e.orderBy && e.orderBy.length > 0) over.push(`ORDER BY ${e.orderBy.map((o) => `${this.expr(o.expr)}${o.desc ? ' DESC' : ''}`).join(', ')}`);
        if (e.frame) over.push(FRAMES[e.frame]);
        return `${e.fn}(${this.expr(e.arg)}) OVER (${over.join(' ')})`;
      }
      case 'uuid':
        return this.uuid();
      case 'percentile':
        return this.percentile(this.expr(e.arg), e.fraction, e.discrete, e.approximate);
    }
  }

  private wrap(text: string, precedence: number, parent: number): string {
    return precedence < parent ? `(${text})` : text;
  }

  private param(value: ParameterValue): string {
    const name = `p${this.nextParameter++}`;
    this.parameters[name] = value;
    return this.parameterPlaceholder(name);
  }
}
