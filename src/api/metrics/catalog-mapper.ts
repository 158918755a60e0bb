import type {
  CatalogDimension,
  CatalogEntity,
  CatalogMeasure,
  CatalogMetric,
  MetricInput as SpecMetricInput,
  SavedQuery as SpecSavedQuery,
  WhereFilterIntersection as SpecFilter,
} from '../../semantic';
import { parseSavedQueryGroupBy } from '../../semantic';
import type { Dimension } from './models/dimension.model';
import type { Entity } from './models/entity.model';
import type { AggregationType, DatePart, DimensionType, EntityType, MetricType, TimeGranularity } from './models/graphql-enums';
import type { Measure } from './models/measure.model';
import type { Metric, MetricInputRef, WhereFilterIntersection } from './models/metric.model';
import type { SavedQuery } from './models/saved-query.model';


/** Engine catalog objects → GraphQL models (enum values are the engine's own lower-case names). */
function filter(f: SpecFilter | undefined): WhereFilterIntersection | undefined {
  return f ? { whereFilters: f.where_filters.map((w) => ({ whereSqlTemplate: w.where_sql_template })) } : undefined;
}

function input(i: (SpecMetricInput & { join_to_timespine?: boolean }) | undefined): MetricInputRef | undefined {
  if (!i) return undefined;
  return { name: i.name, alias: i.alias, filter: filter(i.filter), offsetWindow: i.offset_window, offsetToGrain: i.offset_to_grain };
}

/** Metric without its dimensions/entities, which are resolved only when asked for. */
export function toMetric(c: CatalogMetric): Omit<Metric, 'dimensions' | 'entities'> {
  const m = c.metric;
  const p = m.type_params;
  return {
    name: m.name,
    label: m.label,
    description: m.description,
    type: m.type as MetricType,
    typeParams: {
      measure: input(p.measure),
      numerator: input(p.numerator),
      denominator: input(p.denominator),
      expr: p.expr,
      metrics: p.metrics?.map((x) => input(x)!),
      window: p.window ?? p.cumulative_type_params?.window,
      grainToDate: p.grain_to_date ?? p.cumulative_type_params?.grain_to_date,
    },
    filter: filter(m.filter),
    owner: c.owner,
    timeGranularity: m.time_granularity as TimeGranularity | undefined,
    requiresMetricTime: c.requiresMetricTime,
    queryableGranularities: c.queryableGranularities as TimeGranularity[],
    inputMetrics: c.inputMetrics,
    measures: c.measures.map(toMeasure),
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

export function toSavedQuery(q: SpecSavedQuery): SavedQuery {
  return {
    name: q.name,
    description: q.description,
    label: q.label,
    queryParams: {
      metrics: q.query_params.metrics.map((name) => ({ name })),
      groupBy: q.query_params.group_by.map((g) => {
        const parsed = parseSavedQueryGroupBy(g);
        return { name: parsed.name, grain: parsed.grain as TimeGranularity | undefined, datePart: parsed.datePart as DatePart | undefined };
      }),
      where: filter(q.query_params.where),
      orderBy: q.query_params.order_by ?? [],
      limit: q.query_params.limit,
    },
    exports: (q.exports ?? []).map((e) => ({
      name: e.name,
      config: { exportAs: e.config.export_as, schemaName: e.config.schema_name, alias: e.config.alias },
    })),
    tags: q.tags ?? [],
  };
}
