import type { Expr } from '../filter/filter-ast';
import type { ResolvedLinkable } from '../model/join-resolver';
import type { ModelNode, TimeValueType } from '../model/semantic-graph';
import type { Dimension, Measure, Metric } from '../spec/manifest';

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
  filterRefs: Map<string, ResolvedLinkable>;
  /** startTime/endTime on metric_time. */
  timeRange?: TimeRange;
}

export type MetricExpr =
  /** A measure of a leaf; `fillNullsWith` replaces NULL (no rows) with a value, as dbt's `fill_nulls_with`. */
  | { k: 'measure'; leaf: LeafPlan; measure: Measure; fillNullsWith?: number }
  | { k: 'ratio'; num: MetricExpr; den: MetricExpr }
  /** A derived metric's `expr`, whose identifiers name the inputs (by alias or metric name). */
  | { k: 'derived'; expr: Expr; inputs: Map<string, MetricExpr> };

export interface LogicalPlan {
  /** Output names of the group-by columns, in the query's order. */
  groupBy: { outputName: string; kind: ResolvedLinkable['kind'] }[];
  leaves: LeafPlan[];
  metrics: { outputName: string; metric: Metric; expr: MetricExpr }[];
  orderBy: { outputName: string; desc: boolean }[];
  limit?: number;
}
