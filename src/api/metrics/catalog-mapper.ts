import type {
  CatalogDimension,
  CatalogEntity,
  CatalogMeasure,
  CatalogMetric,
  CatalogSavedQuery,
  CatalogTypeParams,
  MetricLineage as CatalogLineage,
} from '../../semantic';
import { TIME_GRANULARITIES } from '../../semantic';
import type { Dimension } from './models/dimension.model';
import type { Entity } from './models/entity.model';
import type {
  AggregationType,
  ConversionCalculationType,
  DatePart,
  DimensionType,
  EntityType,
  ExportDestinationType,
  MetricType,
  PeriodAggregation,
  TimeGranularity,
} from './models/graphql-enums';
import type { Measure } from './models/measure.model';
import type { MetricLineage } from './models/metric-lineage.model';
import type { MetricTypeParams } from './models/metric-type-params.model';
import type { Metric } from './models/metric.model';
import type { SavedQuery } from './models/saved-query.model';

/** Engine catalog objects → GraphQL models (enum values are the engine's own lower-case names). */

const STANDARD_GRAINS = new Set<string>(TIME_GRANULARITIES);

/** The enum only holds standard grains; a custom one is reported where a field takes any name. */
const standardGrain = (grain: string | undefined) => (grain !== undefined && STANDARD_GRAINS.has(grain) ? (grain as TimeGranularity) : undefined);

function typeParams(p: CatalogTypeParams): MetricTypeParams {
  const c = p.conversionTypeParams;
  return {
    ...p,
    cumulativeTypeParams: p.cumulativeTypeParams && { ...p.cumulativeTypeParams, periodAgg: p.cumulativeTypeParams.periodAgg as PeriodAggregation },
    conversionTypeParams: c && {
      ...c,
      calculation: c.calculation as ConversionCalculationType,
    },
  };
}

/** Metric without its dimensions, entities and lineage, which are resolved only when asked for. */
export function toMetric(c: CatalogMetric): Omit<Metric, 'dimensions' | 'entities' | 'lineage'> {
  const m = c.metric;
  return {
    name: m.name,
    label: m.label,
    description: m.description,
    type: m.type as MetricType,
    typeParams: typeParams(c.typeParams),
    filter: c.filter,
    owner: c.owner,
    config: { meta: c.meta },
    timeGranularity: standardGrain(m.time_granularity),
    requiresMetricTime: c.requiresMetricTime,
    queryableGranularities: c.queryableGranularities as TimeGranularity[],
    queryableTimeGranularities: c.queryableTimeGranularities,
    inputMetrics: c.inputMetrics,
    measures: c.measures.map(toMeasure),
  };
}

export function toLineage(l: CatalogLineage): MetricLineage {
  return {
    metrics: l.metrics.map((m) => ({ ...m, type: m.type as MetricType })),
    measures: l.measures.map((m) => ({ ...m, agg: m.agg as AggregationType })),
    semanticModels: l.semanticModels.map((s) => ({
      ...s,
      nodeRelation: {
        database: s.nodeRelation.database,
        schemaName: s.nodeRelation.schema_name,
        alias: s.nodeRelation.alias,
        relationName: s.nodeRelation.relation_name,
      },
    })),
  };
}

export function toMeasure(m: CatalogMeasure): Measure {
  return { ...m, agg: m.agg as AggregationType };
}

export function toDimension(d: CatalogDimension): Dimension {
  return { ...d, type: d.type as DimensionType, queryableGranularities: d.queryableGranularities as TimeGranularity[] };
}

export function toEntity(e: CatalogEntity): Entity {
  return { ...e, type: e.type as EntityType };
}

export function toSavedQuery(q: CatalogSavedQuery): SavedQuery {
  return {
    name: q.name,
    description: q.description,
    label: q.label,
    queryParams: {
      metrics: q.metrics.map((name) => ({ name })),
      groupBy: q.groupBy.map((g) => ({
        name: g.name,
        grain: standardGrain(g.grain ?? undefined),
        timeGranularity: g.grain ?? undefined,
        datePart: (g.datePart ?? undefined) as DatePart | undefined,
      })),
      where: q.where,
      orderBy: q.orderBy,
      limit: q.limit,
    },
    exports: q.exports.map((e) => ({ name: e.name, config: { exportAs: e.exportAs as ExportDestinationType, schema: e.schema, alias: e.alias } })),
    tags: q.tags,
  };
}
