import type { Expr } from '../filter/filter-ast';
import type { ResolvedLinkable } from '../model/join-resolver';
import type { ModelNode, TimeValueType } from '../model/semantic-graph';
import type { TimeSpineRef } from '../model/time-spines';
import type { Dimension, Measure, Metric, MetricTimeWindow } from '../spec/manifest';

export type { TimeSpineRef };

/** A half-open time range on one measure's agg time column, already aligned to the queried grain. */
export interface TimeRange {
  /** The measures' agg time dimension (metric_time), and its type as stored. */
  dimension: Dimension;
  rawType: TimeValueType;
  /** Inclusive lower bound. */
  start?: Date;
  /** Exclusive upper bound. */
  end?: Date;
}

/** One step from a spine period to the period whose measure rows it shows: a derived metric input's offset. */
export type TimeOffset = { k: 'window'; count: number; grain: string } | { k: 'toGrain'; grain: string };

/** A cumulative metric's accumulation, relative to each spine period (after any offsets). */
export interface CumulativeSpec {
  /** Rows in (period - window, period]; with neither this nor grainToDate, all rows up to the period. */
  window?: MetricTimeWindow;
  /** Rows from the start of the period's grain (month-to-date, year-to-date). */
  grainToDate?: string;
  /** Rolling the spine-grain values up to a coarser queried grain: the period's first, last or average value. */
  periodAgg: 'first' | 'last' | 'average';
}

/**
 * Measures computed per time-spine period rather than per row date: cumulative windows and
 * offsets. Each spine period joins the measure rows its window (or offset) selects, then the
 * rows are aggregated by the spine's period.
 */
export interface SpineJoin {
  spine: TimeSpineRef;
  /**
   * Offsets applied to spine days before aggregating (the query's grain is coarser than an
   * offset's): each day shows the rows of its offset day, then days roll up to the queried grain.
   */
  offsetsBefore: TimeOffset[];
  /**
   * Offsets applied after aggregating at the queried grain (not coarser than any offset's): each
   * queried period shows the aggregate of its offset period. Applied in order, outermost first.
   */
  offsetsAfter: TimeOffset[];
  cumulative?: CumulativeSpec;
}

/**
 * `{{ Metric('bookings', group_by=['listing']) }}` in a filter: the metric aggregated by an entity,
 * joined to the filtered rows on that entity (MetricFlow's metric filter subquery).
 */
export interface MetricFilterRef {
  kind: 'metric';
  outputName: string;
  /** The group-by entities, as reached from the filtered measure's model (the join keys). */
  entities: ResolvedLinkable[];
  /** The metric's own plan, grouped by those entities. */
  plan: LogicalPlan;
}

/** What a filter reference reads: a dimension, entity or time column, or a metric by entity. */
export type FilterRef = ResolvedLinkable | MetricFilterRef;

/** A conversion metric's leaf: base events joined to the conversion events that follow them. */
export interface ConversionPlan {
  baseMeasure: Measure;
  conversionModel: ModelNode;
  conversionMeasure: Measure;
  entity: string;
  window?: MetricTimeWindow;
  constantProperties: { base: ResolvedLinkable; conversion: ResolvedLinkable }[];
  conversionFilters: Expr[];
  conversionFilterRefs: Map<string, FilterRef>;
}

/**
 * Measures of one semantic model aggregated at the query's grain, with the filters that apply to
 * them (the query's where, and the metric filters and input filters on the way to them).
 * MetricFlow's "aggregated measures" node: every metric is computed from these. Measures that
 * share a model, an agg time dimension and filters share a leaf, so the table is scanned once.
 */
export interface LeafPlan {
  id: string;
  measures: Measure[];
  model: ModelNode;
  /** The metric that first needed this leaf (errors name it). */
  metricName: string;
  /** Parsed filters, ANDed. */
  filters: Expr[];
  /** Group-bys resolved for these measures, in the query's order. */
  groupBy: ResolvedLinkable[];
  /** Filter references resolved for these measures, keyed by `refKey()`. */
  filterRefs: Map<string, FilterRef>;
  /** startTime/endTime on metric_time. */
  timeRange?: TimeRange;
  /** Cumulative windows and offsets: the measures are computed per spine period. */
  spineJoin?: SpineJoin;
  /** `join_to_timespine`: every spine period of the queried range appears, with NULL where no rows are. */
  fillFromSpine?: TimeSpineRef;
  /** Set for conversion metrics: `measures` is then the conversion measure, `model` the base measure's model. */
  conversion?: ConversionPlan;
}

export type MetricExpr =
  /** A measure of a leaf; `fillNullsWith` replaces NULL (no rows) with a value, as dbt's `fill_nulls_with`. */
  | { k: 'measure'; leaf: LeafPlan; measure: Measure; fillNullsWith?: number }
  | { k: 'ratio'; num: MetricExpr; den: MetricExpr }
  /** A derived metric's `expr`, whose identifiers name the inputs (by alias or metric name). */
  | { k: 'derived'; expr: Expr; inputs: Map<string, MetricExpr> };

/**
 * A query without metrics: the distinct values of its group-bys (MetricFlow's dimension-only
 * query). Dimensions are read from the model where the first one's entity is unique; metric_time
 * comes from the time spine (crossed with the dimensions when both are asked for).
 */
export interface DimensionValuesPlan {
  model?: ModelNode;
  /** Resolved from `model`, in query order; metric_time items are `undefined` here and listed in spineTimes. */
  groupBy: (ResolvedLinkable | undefined)[];
  spineTimes: { index: number; outputName: string; grain: string; datePart?: string; customColumn?: string }[];
  spine?: TimeSpineRef;
  filters: Expr[];
  filterRefs: Map<string, FilterRef>;
  /** startTime/endTime on the spine. */
  start?: Date;
  end?: Date;
}

export interface LogicalPlan {
  /** Set for a query without metrics (then `leaves` and `metrics` are empty). */
  dimensionValues?: DimensionValuesPlan;
  /** Output names of the group-by columns, in the query's order. */
  groupBy: { outputName: string; kind: ResolvedLinkable['kind'] }[];
  leaves: LeafPlan[];
  metrics: { outputName: string; metric: Metric; expr: MetricExpr }[];
  orderBy: { outputName: string; desc: boolean }[];
  limit?: number;
}
