/**
 * The normalized semantic manifest: the shape of dbt's `target/semantic_manifest.json`
 * (dbt-semantic-interfaces' `SemanticManifest`), snake_case as dbt writes it.
 *
 * All three input forms (dbt project YAML, dbt-semantic-interfaces documents, the compiled JSON)
 * are loaded into this one shape; everything downstream (model/, plan/, sql/) reads only this.
 * Optional fields are `undefined` when absent — loaders never invent defaults that dbt does not.
 */

export type EntityType = 'primary' | 'unique' | 'foreign' | 'natural';
export type DimensionType = 'categorical' | 'time';
export type AggregationType =
  | 'sum'
  | 'min'
  | 'max'
  | 'count_distinct'
  | 'sum_boolean'
  | 'average'
  | 'percentile'
  | 'median'
  | 'count';
export type MetricType = 'simple' | 'ratio' | 'cumulative' | 'derived' | 'conversion';

/** Standard granularities, finest first. Custom granularities (issue 3) are names from the time spine. */
export const TIME_GRANULARITIES = [
  'nanosecond',
  'microsecond',
  'millisecond',
  'second',
  'minute',
  'hour',
  'day',
  'week',
  'month',
  'quarter',
  'year',
] as const;
export type TimeGranularity = (typeof TIME_GRANULARITIES)[number];

/** MetricFlow's `DatePart` names (used as `metric_time__extract_<part>`). */
export const DATE_PARTS = ['year', 'quarter', 'month', 'week', 'day', 'dow', 'doy'] as const;
export type DatePart = (typeof DATE_PARTS)[number];

/** Where the file an object came from, so every later error can name it. */
export interface SourceLocation {
  /** Path of the file, relative to the semantic-layer root when it has one. */
  file: string;
  /** 1-based line of the object's first key, when the loader knows it. */
  line?: number;
}

export interface NodeRelation {
  /** The table (or view) name. */
  alias: string;
  schema_name: string;
  database?: string;
  /** Fully qualified relation as dbt renders it, e.g. "`proj`.`marts`.`fct_orders`". Informational. */
  relation_name?: string;
}

export interface WhereFilterIntersection {
  where_filters: { where_sql_template: string }[];
}

export interface Entity {
  name: string;
  type: EntityType;
  description?: string;
  label?: string;
  role?: string;
  /** Column or SQL expression; defaults to `name`. */
  expr?: string;
}

export interface ValidityParams {
  is_start?: boolean;
  is_end?: boolean;
}

export interface DimensionTypeParams {
  time_granularity?: string;
  validity_params?: ValidityParams;
}

export interface Dimension {
  name: string;
  type: DimensionType;
  description?: string;
  label?: string;
  /** True when this column is the table's partition column (BigQuery partition pruning targets it). */
  is_partition?: boolean;
  type_params?: DimensionTypeParams;
  expr?: string;
}

export interface NonAdditiveDimension {
  name: string;
  window_choice: 'min' | 'max';
  window_groupings: string[];
}

export interface MeasureAggregationParameters {
  percentile?: number;
  use_discrete_percentile?: boolean;
  use_approximate_percentile?: boolean;
}

export interface Measure {
  name: string;
  agg: AggregationType;
  description?: string;
  label?: string;
  create_metric?: boolean;
  expr?: string;
  agg_params?: MeasureAggregationParameters;
  non_additive_dimension?: NonAdditiveDimension;
  agg_time_dimension?: string;
}

export interface SemanticModel {
  name: string;
  description?: string;
  label?: string;
  node_relation: NodeRelation;
  defaults?: { agg_time_dimension?: string };
  primary_entity?: string;
  entities: Entity[];
  measures: Measure[];
  dimensions: Dimension[];
  config?: { meta?: Record<string, unknown> };
  /** Not part of dbt's JSON: where it was defined (dbt keeps this in `metadata.repo_file_path`). */
  location?: SourceLocation;
}

export interface MetricInputMeasure {
  name: string;
  filter?: WhereFilterIntersection;
  alias?: string;
  join_to_timespine?: boolean;
  fill_nulls_with?: number;
}

export interface MetricTimeWindow {
  count: number;
  granularity: string;
}

export interface MetricInput {
  name: string;
  filter?: WhereFilterIntersection;
  alias?: string;
  offset_window?: MetricTimeWindow;
  offset_to_grain?: string;
}

export interface CumulativeTypeParams {
  window?: MetricTimeWindow;
  grain_to_date?: string;
  period_agg?: 'first' | 'last' | 'average';
}

export interface ConstantPropertyInput {
  base_property: string;
  conversion_property: string;
}

export interface ConversionTypeParams {
  base_measure: MetricInputMeasure;
  conversion_measure: MetricInputMeasure;
  entity: string;
  calculation?: 'conversions' | 'conversion_rate';
  window?: MetricTimeWindow;
  constant_properties?: ConstantPropertyInput[];
}

export interface MetricTypeParams {
  measure?: MetricInputMeasure;
  numerator?: MetricInput;
  denominator?: MetricInput;
  expr?: string;
  window?: MetricTimeWindow;
  grain_to_date?: string;
  metrics?: MetricInput[];
  conversion_type_params?: ConversionTypeParams;
  cumulative_type_params?: CumulativeTypeParams;
  input_measures?: MetricInputMeasure[];
}

export interface Metric {
  name: string;
  type: MetricType;
  description?: string;
  label?: string;
  type_params: MetricTypeParams;
  filter?: WhereFilterIntersection;
  time_granularity?: string;
  config?: { meta?: Record<string, unknown> };
  location?: SourceLocation;
}

export interface SavedQueryExport {
  name: string;
  config: {
    export_as: 'table' | 'view';
    schema_name?: string;
    alias?: string;
  };
}

export interface SavedQuery {
  name: string;
  description?: string;
  label?: string;
  query_params: {
    metrics: string[];
    /** MetricFlow group-by strings: `Dimension('customer__country')`, `TimeDimension('metric_time', 'month')`, or plain names. */
    group_by: string[];
    where?: WhereFilterIntersection;
    order_by?: string[];
    limit?: number;
  };
  exports?: SavedQueryExport[];
  tags?: string[];
  location?: SourceLocation;
}

export interface TimeSpine {
  node_relation: NodeRelation;
  primary_column: { name: string; time_granularity: string };
  custom_granularities?: { name: string; column_name?: string }[];
}

export interface ProjectConfiguration {
  time_spines?: TimeSpine[];
}

export interface SemanticManifest {
  semantic_models: SemanticModel[];
  metrics: Metric[];
  saved_queries: SavedQuery[];
  project_configuration: ProjectConfiguration;
}
