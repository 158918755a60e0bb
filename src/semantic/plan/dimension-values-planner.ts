import { SemanticError, didYouMean } from '../errors';
import { parseWhereFilter } from '../filter/filter-parser';
import { collectReferences } from '../filter/filter-walk';
import type { JoinResolver } from '../model/join-resolver';
import { METRIC_TIME, linkableOutputName, type GroupByInput, type LinkableName } from '../model/linkable-name';
import { grainRank, type ModelNode, type SemanticGraph } from '../model/semantic-graph';
import type { LinkableParser } from './linkable-parser';
import type { FilterRef, LogicalPlan } from './logical-plan';
import type { MetricQuery } from './metric-query';
import { resolveOrderBy } from './order-by';
import { refKey } from './ref-key';
import { addGrain, truncateToGrain } from './time-literal';

/**
 * Plans a query of group-bys alone (MetricFlow's dimension-only query): their distinct values.
 * Dimensions are read from the model where the first one's entity is primary; metric_time comes
 * from the time spine.
 */
export class DimensionValuesPlanner {
  constructor(
    private readonly graph: SemanticGraph,
    private readonly resolver: JoinResolver,
    private readonly parser: LinkableParser,
  ) {}

  plan(query: MetricQuery): LogicalPlan {
    const names = query.groupBy.map((g) => this.parser.parse(g, 'INVALID_GROUP_BY'));
    const first = names.find((n) => n.element !== METRIC_TIME);
    const model = first ? this.homeOf(first) : undefined;
    const subject = 'this query';
    const spineTimes: NonNullable<LogicalPlan['dimensionValues']>['spineTimes'] = [];
    const groupBy = names.map((n, index) => {
      if (n.element !== METRIC_TIME) return this.resolver.resolveFrom(n, model!, subject, 'INVALID_GROUP_BY');
      if (n.entityPath.length > 0) throw new SemanticError('INVALID_GROUP_BY', `metric_time takes no entity prefix; use 'metric_time' with a grain.`);
      // Without metrics, metric_time is the time spine's day unless a grain is asked for (MetricFlow: DAY).
      const grain = n.grain ?? 'day';
      const custom = this.graph.timeSpines.customGrains.get(grain);
      spineTimes.push({
        index,
        outputName: linkableOutputName([], METRIC_TIME, n.datePart ? undefined : grain, n.datePart),
        grain: custom ? custom.grain : grain,
        datePart: n.datePart,
        customColumn: custom?.custom.get(grain),
      });
      return undefined;
    });
    const spine = spineTimes.length > 0 ? this.graph.timeSpines.forGrain(spineTimes.reduce((a, t) => (grainRank(t.grain) < grainRank(a) ? t.grain : a), 'year'), 'metric_time without metrics') : undefined;
    const filters = query.where.map((w) => parseWhereFilter(w));
    const filterRefs = new Map<string, FilterRef>();
    for (const f of filters) {
      for (const ref of collectReferences(f)) {
        if (ref.type === 'metric' || !model) {
          throw new SemanticError('INVALID_FILTER', 'A query without metrics can filter on dimensions and entities only; constrain metric_time with startTime/endTime.');
        }
        const input: GroupByInput = ref.type === 'entity' ? { name: ref.name } : { name: ref.name, grain: ref.grain, datePart: ref.datePart };
        const name = this.parser.parse(input, 'INVALID_FILTER');
        if (name.element === METRIC_TIME) throw new SemanticError('INVALID_FILTER', 'Constrain metric_time with startTime/endTime in a query without metrics.');
        filterRefs.set(refKey(ref), this.resolver.resolveFrom(name, model, subject, 'INVALID_FILTER'));
      }
    }
    const outputs = names.map((_, i) => groupBy[i]?.outputName ?? spineTimes.find((t) => t.index === i)!.outputName);
    if (new Set(outputs).size !== outputs.length) throw new SemanticError('INVALID_GROUP_BY', 'A group-by is asked for twice.');
    const grain = spineTimes.find((t) => !t.datePart && !t.customColumn)?.grain ?? 'day';
    const plan: LogicalPlan = {
      dimensionValues: {
        model,
        groupBy,
        spineTimes,
        spine,
        filters,
        filterRefs,
        start: query.startTime && truncateToGrain(query.startTime, grain),
        end: query.endTime && addGrain(truncateToGrain(query.endTime, grain), grain, 1),
      },
      groupBy: outputs.map((outputName, i) => ({ outputName, kind: groupBy[i]?.kind ?? 'time' })),
      leaves: [],
      metrics: [],
      orderBy: [],
      limit: query.limit,
    };
    plan.orderBy = query.orderBy.map((o) => ({ outputName: resolveOrderBy(o, names, plan.groupBy, [], this.parser), desc: o.descending }));
    return plan;
  }

  /** The model a dimension-only query reads: where the name's first entity is unique (its primary model). */
  private homeOf(name: LinkableName): ModelNode {
    const entity = name.entityPath[0] ?? name.element;
    const homes = (this.graph.entityModels.get(entity) ?? []).filter((m) => m.primaryEntity === entity && m.isJoinTarget(entity));
    if (homes.length === 0) {
      throw new SemanticError(
        'INVALID_GROUP_BY',
        `'${linkableOutputName(name.entityPath, name.element)}' cannot be listed without a metric: no semantic model has '${entity}' as its primary entity.`,
        didYouMean(entity, [...this.graph.entityModels.keys()]),
      );
    }
    // A current-state model over a versioned one: the version-free model lists each key once.
    return homes.find((m) => !m.validity) ?? homes[0]!;
  }
}
