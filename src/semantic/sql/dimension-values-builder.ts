import type { SemanticGraph } from '../model/semantic-graph';
import type { DimensionValuesPlan, LogicalPlan } from '../plan/logical-plan';
import { compileFilters } from './filter-compiler';
import { ModelReader } from './model-reader';
import { and, col, type FromItem, type JoinNode, type SelectNode, type SqlExpr } from './sql-node';
import { periodColumn, spinePeriods } from './time-spine-sql';

/**
 * A query without metrics: the distinct combinations of its group-bys. Dimensions come from one
 * model (with joins); metric_time comes from the time spine, crossed with the dimensions as
 * MetricFlow does.
 */
export function buildDimensionValues(plan: DimensionValuesPlan, graph: SemanticGraph, buildNested: (plan: LogicalPlan) => SelectNode): SelectNode {
  const reader = plan.model ? new ModelReader(graph, plan.model, undefined, buildNested, 'FULL') : undefined;
  const spineAlias = 'ts';
  const period = periodColumn(spineAlias);
  const columns = plan.groupBy.map((g, i): { expr: SqlExpr; alias: string } => {
    if (g) return { expr: reader!.linkable(g), alias: g.outputName };
    const t = plan.spineTimes.find((s) => s.index === i)!;
    const expr: SqlExpr = t.customColumn
      ? col(spineAlias, t.customColumn)
      : t.datePart
        ? { k: 'extract', part: t.datePart, arg: period }
        : t.grain === plan.spine!.grain
          ? period
          : { k: 'dateTrunc', grain: t.grain, arg: period, from: 'DATE', to: 'DATE' };
    return { expr, alias: t.outputName };
  });
  const { where, bounds } = reader ? compileFilters(plan.filters, plan.filterRefs, (r) => reader.filterRef(r)) : { where: [], bounds: [] };
  reader?.pushDownTimeBounds(bounds);
  const spine: FromItem | undefined = plan.spine
    ? {
        k: 'subquery',
        query: spinePeriods(plan.spine, { start: plan.start, end: plan.end }, plan.spine.grain, plan.spineTimes.flatMap((t) => (t.customColumn ? [t.customColumn] : []))),
        alias: spineAlias,
      }
    : undefined;
  let from: FromItem;
  let joins: JoinNode[] = [];
  if (reader) {
    ({ from, joins } = reader.from());
    if (spine) joins = [...joins, { type: 'CROSS', item: spine }];
  } else from = spine!;
  return { columns, from, joins, where: and(where), groupBy: columns.map((c) => c.expr) };
}
