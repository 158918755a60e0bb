/**
 * Named metric queries over the demo semantic layer (semantic-layer/). The golden-SQL test compiles every
 * one for every dialect; the DuckDB execution test runs many of them against hand-written SQL.
 */
import type { MetricQueryInput } from '../../../src/semantic';

export interface NamedQuery {
  /** Kebab-case; also the golden file's name. */
  name: string;
  /** What the query is here to cover. */
  covers: string;
  input: MetricQueryInput;
}

const where = (...filters: string[]) => filters;

export const ENGINE_QUERIES: readonly NamedQuery[] = [
  // ---- one simple metric per aggregation -------------------------------------------------------------
  { name: 'revenue-total', covers: 'sum, metric filter, no group-by', input: { metrics: ['revenue'] } },
  { name: 'orders-by-day', covers: 'count, metric_time at day (the data grain: no truncation)', input: { metrics: ['orders'], groupBy: ['metric_time__day'] } },
  {
    name: 'ordering-customers-by-week',
    covers: 'count_distinct, metric filter, metric_time at week (ISO)',
    input: { metrics: ['ordering_customers'], groupBy: ['metric_time__week'] },
  },
  {
    name: 'avg-session-duration-by-month',
    covers: 'average, metric_time at month via {name, grain}',
    input: { metrics: ['avg_session_duration'], groupBy: [{ name: 'metric_time', grain: 'month' }] },
  },
  { name: 'late-deliveries-by-quarter', covers: 'sum_boolean, metric_time at quarter', input: { metrics: ['late_deliveries'], groupBy: ['metric_time__quarter'] } },
  { name: 'dau-by-year', covers: 'count_distinct on events, metric_time at year', input: { metrics: ['dau'], groupBy: ['metric_time__year'] } },
  { name: 'dau-by-month', covers: 'count_distinct at month', input: { metrics: ['dau'], groupBy: ['metric_time__month'] } },

  // ---- ratio and derived -------------------------------------------------------------------------
  {
    name: 'aov-by-customer-state',
    covers: 'ratio on one model with an input filter on the denominator, one join away',
    input: { metrics: ['average_order_value'], groupBy: ['customer__customer_state'] },
  },
  { name: 'late-delivery-rate-by-month', covers: 'ratio of sum_boolean over sum', input: { metrics: ['late_delivery_rate'], groupBy: ['metric_time__month'] } },
  { name: 'posts-per-dau-by-day', covers: 'ratio of two measures of one model', input: { metrics: ['posts_per_dau'], groupBy: ['metric_time__day'] } },
  {
    name: 'posts-per-session-by-month',
    covers: 'derived over two models (FULL OUTER JOIN of leaves)',
    input: { metrics: ['posts_per_session'], groupBy: ['metric_time__month'] },
  },
  {
    name: 'revenue-per-customer-by-segment',
    covers: 'derived with an aliased input, a categorical dim one join away',
    input: { metrics: ['revenue_per_customer'], groupBy: ['customer__customer_segment'] },
  },

  // ---- dimensions ---------------------------------------------------------------------------------
  { name: 'orders-by-status', covers: 'categorical dim on the same model', input: { metrics: ['orders'], groupBy: ['order__order_status'] } },
  {
    name: 'orders-by-late-flag',
    covers: 'a dim with NULLs (undelivered orders) as a group',
    input: { metrics: ['orders', 'revenue'], groupBy: ['order__is_late_delivery'] },
  },
  {
    name: 'items-by-customer-state-two-hops',
    covers: 'two joins away: order_items -> orders -> customers',
    input: { metrics: ['items_sold'], groupBy: ['order__customer__customer_state'] },
  },
  {
    name: 'dau-by-session-user-country',
    covers: 'two joins away: engagement -> sessions -> users',
    input: { metrics: ['dau'], groupBy: ['session__user__country'] },
  },
  {
    name: 'posts-by-content-type-and-platform',
    covers: 'two different one-hop joins in one leaf',
    input: { metrics: ['posts'], groupBy: ['content__content_type', 'device__platform'] },
  },
  { name: 'revenue-by-customer-entity', covers: 'entity group-by', input: { metrics: ['revenue'], groupBy: ['customer'] } },
  {
    name: 'orders-by-date-parts',
    covers: 'date parts: dow (ISO), doy, month (as datePart), year',
    input: {
      metrics: ['orders'],
      groupBy: ['metric_time__extract_dow', 'metric_time__extract_doy', { name: 'metric_time', datePart: 'month' }, 'metric_time__extract_year'],
    },
  },
  {
    name: 'sessions-by-start-hour-and-quarter-part',
    covers: 'a TIMESTAMP time dim truncated to hour, quarter date part of metric_time',
    input: { metrics: ['sessions'], groupBy: ['session__session_start__hour', 'metric_time__extract_quarter'] },
  },

  // ---- where filters ------------------------------------------------------------------------------
  {
    name: 'orders-where-status-equals',
    covers: 'categorical equality',
    input: { metrics: ['orders'], groupBy: ['metric_time__month'], where: where("{{ Dimension('order__order_status') }} = 'delivered'") },
  },
  {
    name: 'revenue-where-state-in-and-time-range',
    covers: 'IN on a joined dim + BETWEEN on metric_time (pushed down to the partition column)',
    input: {
      metrics: ['revenue'],
      groupBy: ['metric_time__month', 'customer__customer_state'],
      where: where(
        "{{ Dimension('customer__customer_state') }} IN ('SP', 'RJ', 'MG')",
        "{{ TimeDimension('metric_time', 'day') }} BETWEEN '2024-02-01' AND '2024-04-30'",
      ),
    },
  },
  {
    name: 'sessions-where-country-like',
    covers: 'LIKE on a joined dim',
    input: { metrics: ['sessions'], groupBy: ['user__country'], where: where("{{ Dimension('user__country') }} LIKE 'B%'") },
  },
  {
    name: 'orders-where-delivery-date-null',
    covers: 'IS NULL on a time dim',
    input: { metrics: ['orders'], groupBy: ['order__order_status'], where: where("{{ TimeDimension('order__delivery_date', 'day') }} IS NULL") },
  },
  {
    name: 'orders-where-not-or',
    covers: 'NOT, OR, boolean literal',
    input: {
      metrics: ['orders'],
      groupBy: ['order__order_status'],
      where: where("NOT {{ Dimension('order__order_status') }} = 'canceled' OR {{ Dimension('order__is_late_delivery') }} = TRUE"),
    },
  },
  {
    name: 'gmv-where-cast-weight',
    covers: 'CAST and a number literal on a dim one join away',
    input: {
      metrics: ['gross_merchandise_value'],
      groupBy: ['product__product_category'],
      where: where("CAST({{ Dimension('product__product_weight_g') }} AS INTEGER) > 1234"),
    },
  },

  // ---- ordering, limit, time constraints, several models -----------------------------------------
  {
    name: 'top-states-by-revenue',
    covers: 'orderBy descending + limit',
    input: { metrics: ['revenue'], groupBy: ['customer__customer_state'], orderBy: ['-revenue'], limit: 13 },
  },
  {
    name: 'orders-by-month-ordered',
    covers: 'orderBy ascending by a grained group-by named without its grain',
    input: { metrics: ['orders'], groupBy: ['metric_time__month'], orderBy: ['metric_time'] },
  },
  {
    name: 'revenue-by-month-start-end',
    covers: 'startTime/endTime widened to whole months (Feb 1 .. Mar 31)',
    input: { metrics: ['revenue'], groupBy: ['metric_time__month'], startTime: '2024-02-15', endTime: '2024-03-10' },
  },
  {
    name: 'revenue-and-sessions-by-month',
    covers: 'metrics of two models: FULL OUTER JOIN on metric_time',
    input: { metrics: ['revenue', 'sessions'], groupBy: ['metric_time__month'], orderBy: ['metric_time__month'] },
  },
  {
    name: 'orders-and-sessions-total',
    covers: 'metrics of two models with no group-by: CROSS JOIN of one-row leaves',
    input: { metrics: ['orders', 'sessions'] },
  },
  { name: 'saved-daily-engagement', covers: 'saved query (TimeDimension group-by, order_by)', input: { savedQuery: 'daily_engagement' } },
  {
    name: 'saved-revenue-by-state-monthly',
    covers: 'saved query with a Dimension group-by, plus a caller filter and limit',
    input: { savedQuery: 'revenue_by_state_monthly', where: ["{{ Dimension('customer__customer_segment') }} = 'vip'"], limit: 21 },
  },

  // ---- time: cumulative, offsets, spine, custom granularities ------------------------------------
  { name: 'wau-by-day', covers: 'cumulative count_distinct over a 7-day window (spine INNER JOIN rows)', input: { metrics: ['wau'], groupBy: ['metric_time__day'] } },
  {
    name: 'wau-and-dau-by-month',
    covers: 'cumulative at a coarser grain: daily values, period_agg last per month, beside a simple metric',
    input: { metrics: ['wau', 'dau'], groupBy: ['metric_time__month'] },
  },
  {
    name: 'mau-by-week-start-end',
    covers: 'cumulative with startTime/endTime: spine constrained, rows widened by the window',
    input: { metrics: ['mau'], groupBy: ['metric_time__week'], startTime: '2024-03-06', endTime: '2024-03-20' },
  },
  { name: 'revenue-mtd-by-day', covers: 'cumulative grain_to_date month, with a metric filter', input: { metrics: ['revenue_mtd'], groupBy: ['metric_time__day'] } },
  {
    name: 'customer-lifetime-value-by-month',
    covers: 'derived over two all-time cumulative metrics',
    input: { metrics: ['customer_lifetime_value'], groupBy: ['metric_time__month'] },
  },
  { name: 'lifetime-revenue-total', covers: 'all-time cumulative without metric_time: a plain aggregate', input: { metrics: ['lifetime_revenue'] } },
  {
    name: 'revenue-wow-growth-by-week',
    covers: 'offset_window 1 week at week grain: offset after aggregation',
    input: { metrics: ['revenue_wow_growth'], groupBy: ['metric_time__week'] },
  },
  {
    name: 'revenue-last-week-by-month',
    covers: 'offset_window 1 week at month grain: spine days offset before aggregation',
    input: { metrics: ['revenue_last_week'], groupBy: ['metric_time__month'] },
  },
  {
    name: 'revenue-growth-since-month-start-by-week',
    covers: 'offset_to_grain month at week grain: each week takes its first day',
    input: { metrics: ['revenue_growth_since_month_start'], groupBy: ['metric_time__week'] },
  },
  {
    name: 'dau-wow-growth-by-day-where',
    covers: 'offset after aggregation with a metric_time filter applied to the offset periods',
    input: { metrics: ['dau_wow_growth'], groupBy: ['metric_time__day'], where: ["{{ TimeDimension('metric_time', 'day') }} >= '2024-03-01'"] },
  },
  { name: 'revenue-by-fiscal-quarter', covers: 'custom granularity: the spine column joined on the day', input: { metrics: ['revenue'], groupBy: ['metric_time__fiscal_quarter'] } },
  {
    name: 'canceled-orders-filled-by-day',
    covers: 'join_to_timespine with fill_nulls_with 0 over a constrained range',
    input: { metrics: ['canceled_orders'], groupBy: ['metric_time__day'], startTime: '2024-03-01', endTime: '2024-03-31' },
  },

  // ---- conversion, semi-additive, percentiles, SCD2, metric filters ----------------------------------
  { name: 'd1-retention-by-month', covers: 'conversion rate with a window and a conversion-measure filter', input: { metrics: ['d1_retention'], groupBy: ['metric_time__month'] } },
  {
    name: 'new-user-posters-by-country',
    covers: 'conversion count grouped by a base-side dimension',
    input: { metrics: ['new_user_posters'], groupBy: ['user__country'], startTime: '2024-02-01', endTime: '2024-04-30' },
  },
  {
    name: 'closing-and-opening-stock-by-month',
    covers: 'semi-additive measures (max and min snapshot per product and month)',
    input: { metrics: ['closing_stock_units', 'opening_stock_units'], groupBy: ['metric_time__month'] },
  },
  {
    name: 'closing-stock-by-category',
    covers: 'semi-additive without metric_time: each product\'s last day overall, grouped through a join',
    input: { metrics: ['closing_stock_value'], groupBy: ['product__product_category'] },
  },
  {
    name: 'median-order-value-by-quarter',
    covers: 'approximate median and p90 (BigQuery: APPROX_QUANTILES)',
    input: { metrics: ['median_order_value', 'p90_order_value'], groupBy: ['metric_time__quarter'] },
  },
  {
    name: 'revenue-by-segment-at-order-time',
    covers: 'SCD2: the customer version valid at the order date, beside the current segment',
    input: { metrics: ['revenue'], groupBy: ['customer__customer_segment_at_order', 'customer__customer_segment'] },
  },
  { name: 'dau-by-country-at-event-time', covers: 'SCD2 on events: the user version valid on the event date', input: { metrics: ['dau'], groupBy: ['metric_time__month', 'user__country_at_event'] } },
  {
    name: 'revenue-from-repeat-customers',
    covers: 'a metric in a where filter, aggregated by entity and LEFT JOINed',
    input: { metrics: ['revenue'], groupBy: ['metric_time__month'], where: ["{{ Metric('orders', group_by=['customer']) }} >= 2"] },
  },

  {
    name: 'saved-weekly-growth',
    covers: 'saved query over cumulative, derived and offset metrics with where filters on metric_time',
    input: { savedQuery: 'weekly_growth' },
  },
  { name: 'saved-month-end-stock-by-category', covers: 'saved query over semi-additive metrics', input: { savedQuery: 'month_end_stock_by_category' } },

  // ---- queries without metrics -------------------------------------------------------------------------
  { name: 'months-without-metrics', covers: 'metric_time alone: the spine\'s periods in range', input: { groupBy: ['metric_time__month'], startTime: '2024-01-10', endTime: '2024-03-02' } },
  {
    name: 'states-without-metrics',
    covers: 'a dimension alone: distinct values from its entity\'s model, ordered and limited',
    input: { groupBy: ['customer__customer_state'], orderBy: ['customer__customer_state'], limit: 5 },
  },
];

export function engineQuery(name: string): NamedQuery {
  const found = ENGINE_QUERIES.find((q) => q.name === name);
  if (!found) throw new Error(`no engine query named ${name}`);
  return found;
}
