import type { MetricQueryInput } from '../../semantic';
import { addGrain, truncateToGrain } from '../../semantic/plan/time-literal';
import type { FeatureView, MetricFeatureSource } from '../spec/feature-manifest';

/** A feature view computed from semantic-layer metrics. */
export type MetricFeatureView = FeatureView & { source: MetricFeatureSource };

export interface MetricViewQuery {
  /** The engine's query: the source's metrics grouped by its entity, metric_time within the window. */
  input: MetricQueryInput;
  /** First instant of the window (inclusive). */
  windowStart: Date;
  /** End of the window (exclusive): every value is stamped with it as its event time. */
  windowEnd: Date;
  /** Result column of the entity (the engine names it after the entity). */
  entityColumn: string;
}

/**
 * The metric query whose rows are a metric-backed view's values "as of" `end`: each metric grouped
 * by the entity over the trailing window that ends at `end` (`window: 7d` → the 7 days before it;
 * no window → the one grain period before it).
 *
 * The window covers whole periods of the source's grain that are complete by `end`: the end is
 * truncated to the grain first, so `--end 2024-07-01T15:00Z` at grain day sums the days up to
 * 2024-06-30 — never part of a day, and never data after `end` (the engine widens metric_time bounds
 * to whole periods, so a bound inside a day would read the rest of that day). A window that is not
 * a whole number of grain periods starts at the beginning of the period holding its start.
 * Values are stamped with the window's end, which is `end` itself whenever `end` is on a grain
 * boundary (e.g. midnight for grain day), so the TTL counts from the last instant the value covers.
 */
export function buildMetricViewQuery(view: MetricFeatureView, end: Date): MetricViewQuery {
  const { source } = view;
  const windowEnd = truncateToGrain(end, source.grain);
  const windowStart =
    source.windowSeconds === undefined
      ? addGrain(windowEnd, source.grain, -1)
      : truncateToGrain(new Date(windowEnd.getTime() - source.windowSeconds * 1000), source.grain);
  return {
    input: {
      metrics: source.metrics,
      groupBy: [source.entity],
      // The engine's bounds are inclusive and widened to whole periods of the measure's own time
      // grain (day or finer, as the validator checks the source grain is queryable): the last
      // millisecond before windowEnd widens to exactly windowEnd.
      startTime: windowStart.toISOString(),
      endTime: new Date(windowEnd.getTime() - 1).toISOString(),
    },
    windowStart,
    windowEnd,
    entityColumn: source.entity,
  };
}
