import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Metric, SemanticManifest, SemanticModel } from '../spec/manifest';
import { JoinResolver } from './join-resolver';
import { SemanticCatalog } from './semantic-catalog';
import { SemanticGraph } from './semantic-graph';
import { expectSemanticError } from '../../../test/support/semantic-assert';

function model(name: string, def: Partial<SemanticModel>): SemanticModel {
  return { name, node_relation: { alias: `fct_${name}`, schema_name: 'marts', database: 'proj' }, entities: [], measures: [], dimensions: [], ...def };
}

const where = (...templates: string[]) => ({ where_filters: templates.map((t) => ({ where_sql_template: t })) });
const PAID = "{{ Dimension('order__status') }} = 'paid'";

/**
 * orders (revenue, order_count) and events (signups, posts, active users); every metric type, a
 * nested derived metric, a metric referenced from a filter, and a saved query with where and exports.
 */
const METRICS: Metric[] = [
  {
    name: 'revenue',
    type: 'simple',
    label: 'Revenue',
    type_params: { measure: { name: 'order_value', join_to_timespine: true, fill_nulls_with: 0 } },
    filter: where(PAID, "{{ Dimension('order__channel') }} != 'test'"),
    config: { meta: { owner: 'finance', tier: 1 } },
  },
  { name: 'orders', type: 'simple', type_params: { measure: { name: 'order_count' } } },
  {
    name: 'aov',
    type: 'ratio',
    type_params: { numerator: { name: 'revenue' }, denominator: { name: 'orders', filter: where(PAID), alias: 'paid_orders' } },
  },
  {
    name: 'revenue_wow',
    type: 'derived',
    type_params: {
      expr: '(revenue - revenue_last_week) / revenue_last_week',
      metrics: [{ name: 'revenue' }, { name: 'revenue', alias: 'revenue_last_week', offset_window: { count: 1, granularity: 'week' } }],
    },
  },
  {
    name: 'aov_growth',
    type: 'derived',
    type_params: { expr: 'aov - aov_start', metrics: [{ name: 'aov' }, { name: 'aov', alias: 'aov_start', offset_to_grain: 'month' }] },
  },
  // A cumulative metric in the legacy spelling (window on type_params) and two in the current one.
  { name: 'wau', type: 'cumulative', type_params: { measure: { name: 'active_users' }, window: { count: 7, granularity: 'day' } } },
  {
    name: 'revenue_mtd',
    type: 'cumulative',
    type_params: { measure: { name: 'order_value' }, cumulative_type_params: { grain_to_date: 'month', period_agg: 'last' } },
  },
  { name: 'revenue_all_time', type: 'cumulative', type_params: { measure: { name: 'order_value' }, cumulative_type_params: {} } },
  {
    name: 'signup_to_post',
    type: 'conversion',
    type_params: {
      conversion_type_params: {
        base_measure: { name: 'signups' },
        conversion_measure: { name: 'posts', filter: where("{{ Dimension('event__kind') }} = 'first'") },
        entity: 'user',
        window: { count: 7, granularity: 'day' },
        constant_properties: [{ base_property: 'platform', conversion_property: 'platform' }],
      },
    },
  },
  {
    name: 'big_customer_revenue',
    type: 'simple',
    type_params: { measure: { name: 'order_value' } },
    filter: where("{{ Metric('orders', group_by=['customer']) }} > 5"),
  },
];

const MANIFEST: SemanticManifest = {
  semantic_models: [
    model('orders', {
      label: 'Orders',
      defaults: { agg_time_dimension: 'order_date' },
      entities: [
        { name: 'order', type: 'primary', expr: 'order_id' },
        { name: 'customer', type: 'foreign', expr: 'customer_id' },
      ],
      dimensions: [
        { name: 'order_date', type: 'time', type_params: { time_granularity: 'day' } },
        { name: 'status', type: 'categorical' },
        { name: 'channel', type: 'categorical' },
      ],
      measures: [
        { name: 'order_value', agg: 'sum', expr: 'amount' },
        { name: 'order_count', agg: 'count', expr: '1' },
      ],
    }),
    model('events', {
      defaults: { agg_time_dimension: 'event_date' },
      entities: [{ name: 'user', type: 'foreign', expr: 'user_id' }],
      dimensions: [
        { name: 'event_date', type: 'time', type_params: { time_granularity: 'day' } },
        { name: 'kind', type: 'categorical' },
        { name: 'platform', type: 'categorical' },
      ],
      measures: [
        { name: 'signups', agg: 'count', expr: '1' },
        { name: 'posts', agg: 'count', expr: '1' },
        { name: 'active_users', agg: 'count_distinct', expr: 'user_id' },
      ],
    }),
  ],
  metrics: METRICS,
  saved_queries: [
    {
      name: 'paid_revenue_weekly',
      label: 'Paid revenue per week',
      query_params: {
        metrics: ['revenue', 'orders'],
        group_by: ["TimeDimension('metric_time', 'WEEK')", "Dimension('order__channel')", "TimeDimension('metric_time').date_part('dow')"],
        where: where(PAID),
        order_by: ['metric_time__week'],
        limit: 10,
      },
      exports: [
        { name: 'paid_revenue', config: { export_as: 'table', schema_name: 'exports', alias: 'paid_revenue_weekly' } },
        { name: 'paid_revenue_view', config: { export_as: 'view' } },
      ],
      tags: ['finance'],
    },
  ],
  project_configuration: {
    time_spines: [
      {
        node_relation: { alias: 'time_spine', schema_name: 'marts' },
        primary_column: { name: 'date_day', time_granularity: 'day' },
        custom_granularities: [{ name: 'fiscal_quarter' }],
      },
    ],
  },
};

const graph = new SemanticGraph(MANIFEST);
const catalog = new SemanticCatalog(graph, new JoinResolver(graph));

describe('SemanticCatalog type params (dbt Semantic Layer API shape)', () => {
  it('gives a simple metric its measure input, owner, meta and its filters ANDed', () => {
    const m = catalog.metric('revenue');
    assert.deepEqual(m.typeParams.measure, { name: 'order_value', filter: undefined, alias: undefined, joinToTimespine: true, fillNullsWith: 0 });
    assert.deepEqual(m.typeParams.inputMeasures.map((i) => i.name), ['order_value']);
    assert.equal(m.owner, 'finance');
    assert.deepEqual(m.meta, { owner: 'finance', tier: 1 });
    assert.deepEqual(m.filter, {
      whereSqlTemplate: `(${PAID}) AND ({{ Dimension('order__channel') }} != 'test')`,
      whereSqlTemplates: [PAID, "{{ Dimension('order__channel') }} != 'test'"],
    });
    assert.equal(catalog.metric('orders').typeParams.measure!.joinToTimespine, false, 'join_to_timespine defaults to false');
    assert.equal(catalog.metric('orders').filter, undefined);
  });

  it('gives a ratio its numerator and denominator with the input filter kept as one template', () => {
    const p = catalog.metric('aov').typeParams;
    assert.equal(p.numerator!.name, 'revenue');
    assert.deepEqual(p.denominator, { name: 'orders', alias: 'paid_orders', filter: { whereSqlTemplate: PAID, whereSqlTemplates: [PAID] }, offsetWindow: undefined, offsetToGrain: undefined });
    assert.deepEqual(p.inputMeasures.map((i) => i.name).sort(), ['order_count', 'order_value']);
    assert.equal(p.measure, undefined);
  });

  it('gives a derived metric its expr and inputs with offsets', () => {
    const p = catalog.metric('revenue_wow').typeParams;
    assert.equal(p.expr, '(revenue - revenue_last_week) / revenue_last_week');
    assert.deepEqual(p.metrics!.map((i) => [i.name, i.alias, i.offsetWindow]), [
      ['revenue', undefined, undefined],
      ['revenue', 'revenue_last_week', { count: 1, granularity: 'week' }],
    ]);
    assert.equal(catalog.metric('aov_growth').typeParams.metrics![1]!.offsetToGrain, 'month');
  });

  it('reports cumulative settings from either spelling, in both places, with MetricFlow’s period_agg default', () => {
    const wau = catalog.metric('wau').typeParams;
    assert.deepEqual(wau.window, { count: 7, granularity: 'day' });
    assert.deepEqual(wau.cumulativeTypeParams, { window: { count: 7, granularity: 'day' }, grainToDate: undefined, periodAgg: 'first' });
    const mtd = catalog.metric('revenue_mtd').typeParams;
    assert.equal(mtd.grainToDate, 'month');
    assert.deepEqual(mtd.cumulativeTypeParams, { window: undefined, grainToDate: 'month', periodAgg: 'last' });
    assert.deepEqual(catalog.metric('revenue_all_time').typeParams.cumulativeTypeParams, { window: undefined, grainToDate: undefined, periodAgg: 'first' });
    assert.equal(catalog.metric('revenue').typeParams.cumulativeTypeParams, undefined, 'only cumulative metrics have them');
  });

  it('gives a conversion metric its measures, entity, window, constant properties and the default calculation', () => {
    const c = catalog.metric('signup_to_post').typeParams.conversionTypeParams!;
    assert.equal(c.baseMeasure.name, 'signups');
    assert.equal(c.conversionMeasure.name, 'posts');
    assert.equal(c.conversionMeasure.filter!.whereSqlTemplate, "{{ Dimension('event__kind') }} = 'first'");
    assert.equal(c.entity, 'user');
    assert.equal(c.calculation, 'conversion_rate');
    assert.deepEqual(c.window, { count: 7, granularity: 'day' });
    assert.deepEqual(c.constantProperties, [{ baseProperty: 'platform', conversionProperty: 'platform' }]);
    assert.deepEqual(catalog.metric('signup_to_post').typeParams.inputMeasures.map((i) => i.name), ['signups', 'posts']);
  });

  it('says which metrics need metric_time as MetricFlow does', () => {
    const needs = METRICS.filter((m) => catalog.metric(m.name).requiresMetricTime).map((m) => m.name);
    assert.deepEqual(needs.sort(), ['aov_growth', 'revenue_mtd', 'revenue_wow', 'wau']);
  });

  it('adds the time spine’s custom granularities to the queryable ones', () => {
    const m = catalog.metric('orders');
    assert.ok(m.queryableGranularities.includes('day') && !m.queryableGranularities.includes('fiscal_quarter'));
    assert.deepEqual(m.queryableTimeGranularities, [...m.queryableGranularities, 'fiscal_quarter']);
  });
});

describe('SemanticCatalog lineage', () => {
  it('walks nested inputs breadth-first, each metric once at its shortest depth', () => {
    const l = catalog.lineage('aov_growth');
    assert.equal(l.metric, 'aov_growth');
    assert.deepEqual(l.metrics.map((m) => [m.name, m.depth]), [
      ['aov_growth', 0],
      ['aov', 1],
      ['revenue', 2],
      ['orders', 2],
    ]);
    assert.deepEqual(l.metrics[0]!.inputMetrics, ['aov'], 'the offset input is the same metric, listed once');
    assert.deepEqual(l.metrics.find((m) => m.name === 'revenue')!.measures, ['order_value']);
  });

  it('lists the measures with the metrics using them, and the semantic models with their tables', () => {
    const l = catalog.lineage('aov');
    assert.deepEqual(l.measures.map((m) => [m.name, m.agg, m.expr, m.semanticModel, m.metrics]), [
      ['order_value', 'sum', 'amount', 'orders', ['revenue']],
      ['order_count', 'count', '1', 'orders', ['orders']],
    ]);
    assert.equal(l.semanticModels.length, 1);
    const orders = l.semanticModels[0]!;
    assert.deepEqual([orders.name, orders.label, orders.relation, orders.measures], ['orders', 'Orders', 'proj.marts.fct_orders', ['order_value', 'order_count']]);
    assert.deepEqual(orders.nodeRelation, { alias: 'fct_orders', schema_name: 'marts', database: 'proj' });
  });

  it('follows metrics referenced in filters and both measures of a conversion metric', () => {
    const big = catalog.lineage('big_customer_revenue');
    assert.deepEqual(big.metrics.map((m) => [m.name, m.depth]), [['big_customer_revenue', 0], ['orders', 1]]);
    assert.deepEqual(big.metrics[0]!.filterMetrics, ['orders']);
    assert.deepEqual(big.metrics[0]!.inputMetrics, []);
    assert.deepEqual(big.measures.map((m) => m.name), ['order_value', 'order_count']);

    const conversion = catalog.lineage('signup_to_post');
    assert.deepEqual(conversion.metrics[0]!.measures, ['signups', 'posts']);
    assert.deepEqual(conversion.semanticModels.map((s) => [s.name, s.relation]), [['events', 'proj.marts.fct_events']]);
  });

  it('names an unknown metric with a suggestion', () => {
    expectSemanticError(() => catalog.lineage('revenu'), 'UNKNOWN_METRIC', /Unknown metric 'revenu'/);
  });
});

describe('SemanticCatalog saved queries', () => {
  it('lists each saved query with parsed group-bys, its where filter, order, limit and exports', () => {
    const [q] = catalog.savedQueries();
    assert.deepEqual(q, catalog.savedQuery('paid_revenue_weekly'));
    assert.equal(q!.label, 'Paid revenue per week');
    assert.deepEqual(q!.metrics, ['revenue', 'orders']);
    assert.deepEqual(q!.groupBy, [
      { name: 'metric_time', grain: 'week', datePart: undefined },
      { name: 'order__channel', grain: undefined, datePart: undefined },
      { name: 'metric_time', grain: undefined, datePart: 'dow' },
    ]);
    assert.deepEqual(q!.where, { whereSqlTemplate: PAID, whereSqlTemplates: [PAID] });
    assert.deepEqual([q!.orderBy, q!.limit, q!.tags], [['metric_time__week'], 10, ['finance']]);
    assert.deepEqual(q!.exports, [
      { name: 'paid_revenue', exportAs: 'table', schema: 'exports', alias: 'paid_revenue_weekly' },
      { name: 'paid_revenue_view', exportAs: 'view', schema: undefined, alias: undefined },
    ]);
  });

  it('names an unknown saved query with a suggestion', () => {
    const e = expectSemanticError(() => catalog.savedQuery('paid_revenue_weekli'), 'UNKNOWN_SAVED_QUERY', /Unknown saved query 'paid_revenue_weekli'/);
    assert.deepEqual(e.suggestions, ['paid_revenue_weekly']);
  });
});
