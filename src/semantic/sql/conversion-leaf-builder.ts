import { grainValueType, type ModelNode, type SemanticGraph } from '../model/semantic-graph';
import type { ConversionPlan, LeafPlan } from '../plan/logical-plan';
import { addGrain } from '../plan/time-literal';
import type { Measure } from '../spec/manifest';
import { compileFilters } from './filter-compiler';
import { measureAggregate } from './measure-aggregate';
import { ModelReader } from './model-reader';
import type { SqlBuildContext } from './sql-build-context';
import { and, col, type SelectNode, type SqlExpr } from './sql-node';

/**
 * A conversion metric's conversions (MetricFlow's conversion events join): every conversion event
 * is matched with the base events of the same entity (and constant properties) that precede it
 * within the window, attributed to the latest of them, and aggregated by that base event's
 * group-bys. Times are compared at the agg time's own grain: a base event at day d converts by a
 * conversion at day c when d <= c and d > c - window.
 */
export class ConversionLeafBuilder {
  constructor(
    private readonly leaf: LeafPlan,
    private readonly conversion: ConversionPlan,
    private readonly ctx: SqlBuildContext,
  ) {}

  private get graph(): SemanticGraph {
    return this.ctx.graph;
  }

  build(): SelectNode {
    const { leaf, conversion } = this;
    const base = this.baseRows();
    const converted = this.conversionRows();
    const b = (name: string) => col('b', name);
    const c = (name: string) => col('c', name);
    const on: SqlExpr[] = [
      { k: 'binary', op: '=', left: b('conversion_entity'), right: c('conversion_entity') },
      ...conversion.constantProperties.map((_, i): SqlExpr => ({ k: 'binary', op: '=', left: b(`property_${i}`), right: c(`property_${i}`) })),
      { k: 'binary', op: '<=', left: b('event_time'), right: c('event_time') },
    ];
    if (conversion.window) {
      const start: SqlExpr = { k: 'dateAdd', arg: c('event_time'), count: -conversion.window.count, grain: conversion.window.granularity, type: this.eventTimeType() };
      on.push({ k: 'binary', op: '>', left: b('event_time'), right: start });
    }
    const latestBase = (expr: SqlExpr): SqlExpr => ({
      k: 'window',
      fn: 'FIRST_VALUE',
      arg: expr,
      partitionBy: [c('conversion_id')],
      orderBy: [{ expr: b('event_time'), desc: true }],
      frame: 'all',
    });
    const measure = conversion.conversionMeasure;
    const attributed: SelectNode = {
      distinct: true,
      columns: [
        ...leaf.groupBy.map((g) => ({ expr: latestBase(b(g.outputName)), alias: g.outputName })),
        { expr: c('conversion_id'), alias: 'conversion_id' },
        { expr: c(measure.name), alias: measure.name },
      ],
      from: { k: 'subquery', query: base, alias: 'b' },
      joins: [{ type: 'INNER', item: { k: 'subquery', query: converted, alias: 'c' }, on: and(on) }],
    };
    const outputs = leaf.groupBy.map((g) => col('e', g.outputName));
    return {
      columns: [
        ...outputs.map((expr, i) => ({ expr, alias: leaf.groupBy[i]!.outputName })),
        { expr: measureAggregate(measure, col('e', measure.name), this.ctx.dialect), alias: measure.name },
      ],
      from: { k: 'subquery', query: attributed, alias: 'e' },
      groupBy: outputs,
    };
  }

  /** The base events: the query's group-bys, filtered by the query and the metric. */
  private baseRows(): SelectNode {
    const { leaf, conversion } = this;
    const reader = new ModelReader(this.graph, leaf.model, conversion.baseMeasure, this.ctx.nested);
    const columns = [
      ...leaf.groupBy.map((g) => ({ expr: reader.linkable(g), alias: g.outputName })),
      ...this.eventColumns(reader, conversion.baseMeasure, 'base'),
    ];
    const { where, bounds } = compileFilters(leaf.filters, leaf.filterRefs, (r) => reader.filterRef(r));
    reader.pushDownTimeBounds(bounds, leaf.timeRange);
    return { columns, ...reader.from(), where: and(where) };
  }

  /** The conversion events, each with an id of its own, from the start of the base range to its end plus the window. */
  private conversionRows(): SelectNode {
    const { leaf, conversion } = this;
    const model = conversion.conversionModel;
    const reader = new ModelReader(this.graph, model, conversion.conversionMeasure, this.ctx.nested);
    const columns = [
      ...this.eventColumns(reader, conversion.conversionMeasure, 'conversion'),
      { expr: reader.measure(conversion.conversionMeasure), alias: conversion.conversionMeasure.name },
      { expr: { k: 'uuid' } as SqlExpr, alias: 'conversion_id' },
    ];
    const { where, bounds } = compileFilters(conversion.conversionFilters, conversion.conversionFilterRefs, (r) => reader.filterRef(r));
    const range = leaf.timeRange;
    const aggTime = model.aggTimeDimension(conversion.conversionMeasure);
    const window = conversion.window;
    reader.pushDownTimeBounds(
      bounds,
      range && aggTime
        ? {
            dimension: aggTime,
            rawType: this.graph.rawTimeType(model, aggTime),
            start: range.start,
            end: range.end && window ? addGrain(range.end, window.granularity, window.count) : undefined,
          }
        : undefined,
    );
    return { columns, ...reader.from(), where: and(where) };
  }

  /** Events are compared at the base measure's agg time grain: DATEs from day up, else TIMESTAMPs. */
  private eventTimeType(): 'DATE' | 'TIMESTAMP' {
    const aggTime = this.leaf.model.aggTimeDimension(this.conversion.baseMeasure)!;
    return grainValueType(aggTime.type_params?.time_granularity ?? 'day');
  }

  /** The entity, the event's time at its agg time's grain, and the constant properties. */
  private eventColumns(reader: ModelReader, measure: Measure, side: 'base' | 'conversion'): { expr: SqlExpr; alias: string }[] {
    const model: ModelNode = reader.model;
    const aggTime = model.aggTimeDimension(measure)!;
    // Both sides at the base measure's grain, so base and conversion times compare like for like.
    const base = this.leaf.model.aggTimeDimension(this.conversion.baseMeasure)!;
    const grain = base.type_params?.time_granularity ?? 'day';
    const time = reader.linkable({
      kind: 'time',
      outputName: 'event_time',
      path: [],
      model,
      dimension: aggTime,
      grain,
      valueType: grainValueType(grain),
      rawType: this.graph.rawTimeType(model, aggTime),
      isMetricTime: true,
    });
    return [
      { expr: reader.entity(this.conversion.entity), alias: 'conversion_entity' },
      { expr: time, alias: 'event_time' },
      ...this.conversion.constantProperties.map((p, i) => ({ expr: reader.linkable(p[side]), alias: `property_${i}` })),
    ];
  }
}
