import { SemanticError } from '../errors';
import type { Expr } from '../filter/filter-ast';
import type { LogicalPlan, MetricExpr } from '../plan/logical-plan';
import type { SemanticGraph } from '../model/semantic-graph';
import type { SqlDialect } from './dialect';
import { buildDimensionValues } from './dimension-values-builder';
import type { SqlBuildContext } from './sql-build-context';
import { exprToSql } from './expr-to-sql';
import { LeafBuilder } from './leaf-builder';
import { col, type FromItem, type JoinNode, type SelectNode, type SqlExpr } from './sql-node';

/**
 * Turns a logical plan into one SELECT. Each leaf (measures aggregated at the query's grain) is a
 * CTE. Several leaves are combined as MetricFlow combines aggregated outputs: FULL OUTER JOINed on
 * plain equality of the group-by columns (the only join condition BigQuery accepts for a FULL
 * JOIN), then grouped by the COALESCEd keys taking MAX of each measure — so rows whose keys are
 * NULL, which equality cannot match, still merge into one. Metrics are computed in that SELECT.
 */
export function buildQuery(plan: LogicalPlan, graph: SemanticGraph, dialect?: SqlDialect): SelectNode {
  const ctx: SqlBuildContext = { graph, dialect, nested: (nested) => buildQuery(nested, graph, dialect) };
  if (plan.dimensionValues) {
    const values = buildDimensionValues(plan.dimensionValues, graph, ctx.nested);
    const limit: SqlExpr | undefined = plan.limit === undefined ? undefined : { k: 'param', value: plan.limit };
    return { ...values, orderBy: plan.orderBy.map((o) => ({ expr: col(undefined, o.outputName), desc: o.desc })), limit };
  }
  const ctes = plan.leaves.map((leaf) => ({ name: leaf.id, query: new LeafBuilder(leaf, ctx).build() }));
  const aliases = new Map(plan.leaves.map((leaf, i) => [leaf.id, `l${i}`]));
  const leafAliases = [...aliases.values()];
  const combining = plan.leaves.length > 1 && plan.groupBy.length > 0;

  const groupExpr = (name: string, upTo = leafAliases.length): SqlExpr => {
    const cols = leafAliases.slice(0, upTo).map((a) => col(a, name));
    return cols.length === 1 ? cols[0]! : { k: 'func', name: 'coalesce', args: cols };
  };

  const from: FromItem = { k: 'cteRef', name: plan.leaves[0]!.id, alias: leafAliases[0]! };
  const joins: JoinNode[] = plan.leaves.slice(1).map((leaf, i) => {
    const alias = aliases.get(leaf.id)!;
    const item: FromItem = { k: 'cteRef', name: leaf.id, alias };
    if (!combining) return { type: 'CROSS', item };
    const on: SqlExpr[] = plan.groupBy.map((g) => ({ k: 'binary', op: '=', left: groupExpr(g.outputName, i + 1), right: col(alias, g.outputName) }));
    return { type: 'FULL', item, on: on.length === 1 ? on[0] : { k: 'and', args: on } };
  });

  const metricSql = (m: MetricExpr): SqlExpr => {
    switch (m.k) {
      case 'measure': {
        const column = col(aliases.get(m.leaf.id)!, m.measure.name);
        const value: SqlExpr = combining ? { k: 'aggregate', fn: 'MAX', arg: column } : column;
        return m.fillNullsWith === undefined ? value : { k: 'func', name: 'coalesce', args: [value, { k: 'param', value: m.fillNullsWith }] };
      }
      case 'ratio':
        return { k: 'ratio', num: metricSql(m.num), den: metricSql(m.den) };
      case 'derived':
        return derivedSql(m.expr, m.inputs, metricSql);
    }
  };

  const groupColumns = plan.groupBy.map((g) => ({ expr: groupExpr(g.outputName), alias: g.outputName }));
  const select: SelectNode = {
    ctes,
    columns: [...groupColumns, ...plan.metrics.map((m) => ({ expr: metricSql(m.expr), alias: m.outputName }))],
    from,
    joins,
    groupBy: combining ? groupColumns.map((c) => c.expr) : undefined,
  };
  const orderBy = plan.orderBy.map((o) => ({ expr: col(undefined, o.outputName), desc: o.desc }));
  const limit: SqlExpr | undefined = plan.limit === undefined ? undefined : { k: 'param', value: plan.limit };
  if (orderBy.length === 0 && !limit) return select;
  if (plan.leaves.length === 1) return { ...select, orderBy, limit };
  // Over joined leaves an output name is also a column of each leaf: order the finished rows instead.
  const { ctes: withs, ...combined } = select;
  return {
    ctes: withs,
    columns: select.columns.map((c) => ({ expr: col('q', c.alias), alias: c.alias })),
    from: { k: 'subquery', query: combined, alias: 'q' },
    orderBy: plan.orderBy.map((o) => ({ expr: col('q', o.outputName), desc: o.desc })),
    limit,
  };
}

/** A derived metric's expression, its identifiers replaced by the inputs' SQL. */
function derivedSql(e: Expr, inputs: Map<string, MetricExpr>, metricSql: (m: MetricExpr) => SqlExpr): SqlExpr {
  return exprToSql(e, (x, rec) => {
    switch (x.kind) {
      case 'identifier': {
        const input = inputs.get(x.name.toLowerCase());
        if (!input) {
          throw new SemanticError('INVALID_DEFINITION', `Derived metric expression names '${x.name}', which is not one of its inputs (${[...inputs.keys()].join(', ')}).`);
        }
        return metricSql(input);
      }
      case 'arithmetic':
        // Derived metrics divide like ratios: a zero denominator gives NULL, not an error.
        return x.op === '/' ? { k: 'ratio', num: rec(x.left), den: rec(x.right) } : undefined;
      case 'ref':
        throw new SemanticError('INVALID_DEFINITION', 'A derived metric expression cannot reference dimensions; filter its inputs instead.');
      default:
        return undefined;
    }
  });
}
