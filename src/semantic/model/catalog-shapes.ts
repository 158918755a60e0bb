import type { GroupByInput } from './linkable-name';
import type {
  AggregationType,
  ConversionTypeParams,
  Metric,
  MetricInput,
  MetricInputMeasure,
  MetricTimeWindow,
  MetricType,
  NodeRelation,
  SavedQuery,
  WhereFilterIntersection,
} from '../spec/manifest';

/**
 * The catalog's view of definitions in the dbt Semantic Layer API's shape (camelCase, one
 * `whereSqlTemplate` per filter), computed from the manifest by pure functions so that GraphQL
 * and the CLI print the same thing.
 */

export interface CatalogWhereFilter {
  /** The filters of the intersection ANDed into one template (dbt's `WhereFilter.whereSqlTemplate`). */
  whereSqlTemplate: string;
  /** Each filter as written. */
  whereSqlTemplates: string[];
}

export interface CatalogMeasureInput {
  name: string;
  filter?: CatalogWhereFilter;
  alias?: string;
  joinToTimespine: boolean;
  fillNullsWith?: number;
}

export interface CatalogMetricInput {
  name: string;
  filter?: CatalogWhereFilter;
  alias?: string;
  offsetWindow?: MetricTimeWindow;
  offsetToGrain?: string;
}

export interface CatalogCumulativeParams {
  window?: MetricTimeWindow;
  grainToDate?: string;
  periodAgg: 'first' | 'last' | 'average';
}

export interface CatalogConversionParams {
  baseMeasure: CatalogMeasureInput;
  conversionMeasure: CatalogMeasureInput;
  entity: string;
  calculation: 'conversions' | 'conversion_rate';
  window?: MetricTimeWindow;
  constantProperties: { baseProperty: string; conversionProperty: string }[];
}

export interface CatalogTypeParams {
  measure?: CatalogMeasureInput;
  /** Every measure the metric aggregates, through its inputs (dbt's `inputMeasures`). */
  inputMeasures: CatalogMeasureInput[];
  numerator?: CatalogMetricInput;
  denominator?: CatalogMetricInput;
  expr?: string;
  window?: MetricTimeWindow;
  grainToDate?: string;
  metrics?: CatalogMetricInput[];
  cumulativeTypeParams?: CatalogCumulativeParams;
  conversionTypeParams?: CatalogConversionParams;
}

/** One metric of a lineage: the DAG of inputs is read from `inputMetrics`/`filterMetrics`. */
export interface LineageMetric {
  name: string;
  type: MetricType;
  label?: string;
  /** 0 for the metric asked about, 1 for its direct inputs, …: the shortest path when a metric is reached twice. */
  depth: number;
  /** Metrics it is computed from (ratio numerator/denominator, derived inputs), direct only. */
  inputMetrics: string[];
  /** Metrics its filters reference as `{{ Metric('…', group_by=[…]) }}`. */
  filterMetrics: string[];
  /** Measures it aggregates itself (simple, cumulative, conversion), direct only. */
  measures: string[];
}

export interface LineageMeasure {
  name: string;
  agg: AggregationType;
  expr: string;
  semanticModel: string;
  /** Lineage metrics that aggregate this measure directly. */
  metrics: string[];
}

export interface LineageSemanticModel {
  name: string;
  label?: string;
  description?: string;
  /** The warehouse table or view (dbt's `node_relation`). */
  nodeRelation: NodeRelation;
  /** `database.schema.alias`, without the parts that are not set. */
  relation: string;
  /** Lineage measures defined in this model. */
  measures: string[];
}

export interface MetricLineage {
  metric: string;
  /** The metric itself first (depth 0), then its inputs breadth-first. */
  metrics: LineageMetric[];
  measures: LineageMeasure[];
  semanticModels: LineageSemanticModel[];
}

export interface CatalogExport {
  name: string;
  exportAs: 'table' | 'view';
  schema?: string;
  alias?: string;
}

export interface CatalogSavedQuery {
  savedQuery: SavedQuery;
  name: string;
  label?: string;
  description?: string;
  metrics: string[];
  /** The group-bys parsed from MetricFlow's `TimeDimension('metric_time', 'day')` syntax. */
  groupBy: GroupByInput[];
  where?: CatalogWhereFilter;
  orderBy: string[];
  limit?: number;
  exports: CatalogExport[];
  tags: string[];
}

export function relationText(r: NodeRelation): string {
  return [r.database, r.schema_name, r.alias].filter(Boolean).join('.');
}

export function toWhereFilter(f: WhereFilterIntersection | undefined): CatalogWhereFilter | undefined {
  const templates = f?.where_filters.map((w) => w.where_sql_template) ?? [];
  if (templates.length === 0) return undefined;
  return {
    whereSqlTemplate: templates.length === 1 ? templates[0]! : templates.map((t) => `(${t})`).join(' AND '),
    whereSqlTemplates: templates,
  };
}

function measureInput(m: MetricInputMeasure): CatalogMeasureInput {
  return { name: m.name, filter: toWhereFilter(m.filter), alias: m.alias, joinToTimespine: m.join_to_timespine ?? false, fillNullsWith: m.fill_nulls_with };
}

function metricInput(i: MetricInput): CatalogMetricInput {
  return { name: i.name, filter: toWhereFilter(i.filter), alias: i.alias, offsetWindow: i.offset_window, offsetToGrain: i.offset_to_grain };
}

function conversionParams(c: ConversionTypeParams): CatalogConversionParams {
  return {
    baseMeasure: measureInput(c.base_measure),
    conversionMeasure: measureInput(c.conversion_measure),
    entity: c.entity,
    // MetricFlow's default when the YAML leaves it out.
    calculation: c.calculation ?? 'conversion_rate',
    window: c.window,
    constantProperties: (c.constant_properties ?? []).map((p) => ({ baseProperty: p.base_property, conversionProperty: p.conversion_property })),
  };
}

/**
 * A metric's type params, with the cumulative settings read from either place dbt allows them
 * (legacy `window`/`grain_to_date` or `cumulative_type_params`) and reported in both.
 */
export function toTypeParams(metric: Metric, inputMeasures: string[]): CatalogTypeParams {
  const p = metric.type_params;
  const c = p.cumulative_type_params;
  const window = p.window ?? c?.window;
  const grainToDate = p.grain_to_date ?? c?.grain_to_date;
  const declared = new Map((p.input_measures ?? []).map((m) => [m.name, m]));
  if (p.measure) declared.set(p.measure.name, p.measure);
  return {
    measure: p.measure ? measureInput(p.measure) : undefined,
    inputMeasures: inputMeasures.map((name) => measureInput(declared.get(name) ?? { name })),
    numerator: p.numerator ? metricInput(p.numerator) : undefined,
    denominator: p.denominator ? metricInput(p.denominator) : undefined,
    expr: p.expr,
    window,
    grainToDate,
    metrics: p.metrics?.map(metricInput),
    cumulativeTypeParams: metric.type === 'cumulative' ? { window, grainToDate, periodAgg: c?.period_agg ?? 'first' } : undefined,
    conversionTypeParams: p.conversion_type_params ? conversionParams(p.conversion_type_params) : undefined,
  };
}

export function toCatalogSavedQuery(q: SavedQuery, parseGroupBy: (text: string) => GroupByInput): CatalogSavedQuery {
  return {
    savedQuery: q,
    name: q.name,
    label: q.label,
    description: q.description,
    metrics: q.query_params.metrics,
    groupBy: q.query_params.group_by.map((text) => {
      const g = parseGroupBy(text);
      return { name: g.name, grain: g.grain?.toLowerCase() ?? undefined, datePart: g.datePart?.toLowerCase() ?? undefined };
    }),
    where: toWhereFilter(q.query_params.where),
    orderBy: q.query_params.order_by ?? [],
    limit: q.query_params.limit,
    exports: (q.exports ?? []).map((e) => ({ name: e.name, exportAs: e.config.export_as, schema: e.config.schema_name, alias: e.config.alias })),
    tags: q.tags ?? [],
  };
}
