import { SemanticError, didYouMean } from '../errors';
import { linkableOutputName, type LinkableName } from '../model/linkable-name';
import type { LinkableParser } from './linkable-parser';
import type { LogicalPlan } from './logical-plan';
import type { MetricQuery } from './metric-query';

/**
 * The output column an order-by item names: an output name, a group-by given with its grain, or a
 * group-by named without the grain it was asked for (`metric_time` for `metric_time__month`).
 */
export function resolveOrderBy(
o: MetricQuery['orderBy'][number],
names: LinkableName[],
groupBy: LogicalPlan['groupBy'],
metrics: LogicalPlan['metrics'],
parser: LinkableParser,
): string {
  const outputs = [...groupBy.map((g) => g.outputName), ...metrics.map((m) => m.outputName)];
  let wanted = o.name;
  if (o.groupBy) {
    const parsed = parser.parse(o.groupBy, 'INVALID_ORDER_BY');
    const exact = linkableOutputName(parsed.entityPath, parsed.element, parsed.grain, parsed.datePart);
    if (outputs.includes(exact)) return exact;
    wanted = [...parsed.entityPath, parsed.element].join('__');
    if (parsed.grain || parsed.datePart) {
      throw new SemanticError('INVALID_ORDER_BY', `Cannot order by '${exact}': group by it too, or order by one of ${outputs.join(', ')}.`, didYouMean(exact, outputs));
    }
  }
  if (wanted && outputs.includes(wanted)) return wanted;
  // `metric_time` (or `customer__country`) ordering a group-by asked for with a grain.
  const index = names.findIndex((n) => [...n.entityPath, n.element].join('__') === wanted);
  if (index >= 0) return groupBy[index]!.outputName;
  throw new SemanticError(
    'INVALID_ORDER_BY',
    `Cannot order by '${wanted}': order by a metric or group-by of the query (${outputs.join(', ')}).`,
    didYouMean(wanted ?? '', outputs),
  );
}
