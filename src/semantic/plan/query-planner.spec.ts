import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SemanticError, type SemanticErrorCode } from '../errors';
import { SemanticEngine } from '../semantic-engine';
import type { SemanticManifest } from '../spec/manifest';
import type { MetricQueryInput } from './metric-query';
import { expectSemanticError } from '../../../test/support/semantic-assert';

const MANIFEST: SemanticManifest = {
  semantic_models: [
    {
      name: 'orders',
      node_relation: { alias: 'fact_orders', schema_name: 'marts' },
      defaults: { agg_time_dimension: 'order_date' },
      entities: [
        { name: 'order', type: 'primary', expr: 'order_id' },
        { name: 'customer', type: 'foreign', expr: 'customer_id' },
      ],
      dimensions: [
        { name: 'order_date', type: 'time', type_params: { time_granularity: 'day' } },
        { name: 'order_status', type: 'categorical' },
      ],
      measures: [
        { name: 'order_total', agg: 'sum', expr: 'total' },
        { name: 'order_count', agg: 'count', expr: 'order_id' },
      ],
    },
    {
      name: 'customers',
      node_relation: { alias: 'dim_customer', schema_name: 'marts' },
      entities: [{ name: 'customer', type: 'primary', expr: 'customer_id' }],
      dimensions: [{ name: 'country', type: 'categorical' }],
      measures: [],
    },
  ],
  metrics: [
    { name: 'revenue', type: 'simple', type_params: { measure: { name: 'order_total' } } },
    { name: 'orders', type: 'simple', type_params: { measure: { name: 'order_count' } } },
    { name: 'aov', type: 'ratio', type_params: { numerator: { name: 'revenue' }, denominator: { name: 'orders' } } },
  ],
  saved_queries: [],
  project_configuration: {},
};
const engine = new SemanticEngine(MANIFEST);

const rejects = (input: MetricQueryInput, code: SemanticErrorCode, message: RegExp): SemanticError =>
  expectSemanticError(() => engine.compile(input, 'duckdb'), code, message);

describe('QueryPlanner validation', () => {
  it('UNKNOWN_METRIC, with a suggestion', () => {
    const e = rejects({ metrics: ['revenu'] }, 'UNKNOWN_METRIC', /Unknown metric 'revenu'/);
    assert.deepEqual(e.suggestions, ['revenue']);
    rejects({ metrics: ['zzz_nothing_like_it'] }, 'UNKNOWN_METRIC', /Unknown metric/);
  });

  it('INVALID_GROUP_BY for unknown, malformed, too fine and duplicated group-bys', () => {
    const e = rejects({ metrics: ['revenue'], groupBy: ['customer__contry'] }, 'INVALID_GROUP_BY', /not a dimension or entity of metric 'revenue'/);
    assert.deepEqual(e.suggestions.slice(0, 1), ['customer__country']);
    rejects({ metrics: ['revenue'], groupBy: ['customer__country; drop'] }, 'INVALID_GROUP_BY', /not a valid name/);
    rejects({ metrics: ['revenue'], groupBy: ['metric_time__hour'] }, 'INVALID_GROUP_BY', /finer than the data's grain/);
    rejects({ metrics: ['revenue'], groupBy: ['order__order_status__month'] }, 'INVALID_GROUP_BY', /not a dimension or entity/);
    rejects({ metrics: ['revenue'], groupBy: [{ name: 'order__order_status', grain: 'month' }] }, 'INVALID_GROUP_BY', /categorical dimension/);
    rejects({ metrics: ['revenue'], groupBy: ['metric_time__day', { name: 'metric_time', grain: 'day' }] }, 'INVALID_GROUP_BY', /grouped by twice/);
  });

  it('INVALID_FILTER for unparsable filters and unknown references', () => {
    rejects({ metrics: ['revenue'], where: ['1 = 1; DROP TABLE x'] }, 'INVALID_FILTER', /./);
    rejects({ metrics: ['revenue'], where: ["{{ Dimension('customer__planet') }} = 'x'"] }, 'INVALID_FILTER', /customer__planet/);
    rejects({ metrics: ['revenue'], where: ["{{ TimeDimension('metric_time', 'day') }} > 'soon'"] }, 'INVALID_FILTER', /not a date or timestamp/);
  });

  it('INVALID_ORDER_BY for something not in the query, with a suggestion', () => {
    const e = rejects({ metrics: ['revenue', 'orders'], orderBy: ['-revenu'] }, 'INVALID_ORDER_BY', /Cannot order by 'revenu'/);
    assert.deepEqual(e.suggestions, ['revenue']);
    rejects({ metrics: ['revenue'], groupBy: ['metric_time__day'], orderBy: ['customer__country'] }, 'INVALID_ORDER_BY', /Cannot order by/);
  });

  it('INVALID_QUERY when two outputs share a name', () => {
    rejects({ metrics: ['revenue', { name: 'orders', alias: 'revenue' }] }, 'INVALID_QUERY', /Two output columns are named 'revenue'/);
  });

  it('plans a valid query: one leaf per measure, group-bys in order, order-by resolved to output names', () => {
    const plan = engine.plan({ metrics: ['aov', 'revenue'], groupBy: ['customer__country', 'metric_time__month'], orderBy: ['-metric_time'] });
    assert.deepEqual(plan.groupBy, [
      { outputName: 'customer__country', kind: 'categorical' },
      { outputName: 'metric_time__month', kind: 'time' },
    ]);
    assert.deepEqual(plan.leaves.flatMap((l) => l.measures.map((m) => m.name)), ['order_total', 'order_count'], 'revenue reuses the measure aov made');
    assert.deepEqual(plan.orderBy, [{ outputName: 'metric_time__month', desc: true }]);
  });
});

describe('QueryPlanner: time spine, cumulative, offsets, conversion, metric filters, metric-less queries', () => {
  const spine = { node_relation: { alias: 'dim_date', schema_name: 'marts' }, primary_column: { name: 'date_day', time_granularity: 'day' }, custom_granularities: [{ name: 'fiscal_quarter' }] };
  const metrics: SemanticManifest['metrics'] = [
    ...MANIFEST.metrics,
    { name: 'trailing_revenue', type: 'cumulative', type_params: { measure: { name: 'order_total' }, cumulative_type_params: { window: { count: 7, granularity: 'day' } } } },
    { name: 'all_time_revenue', type: 'cumulative', type_params: { measure: { name: 'order_total' } } },
    {
      name: 'revenue_growth',
      type: 'derived',
      type_params: { expr: 'revenue - prior', metrics: [{ name: 'revenue' }, { name: 'revenue', alias: 'prior', offset_window: { count: 1, granularity: 'month' } }] },
    },
    {
      name: 'repeat_rate',
      type: 'conversion',
      type_params: { conversion_type_params: { base_measure: { name: 'order_count' }, conversion_measure: { name: 'order_count' }, entity: 'customer', window: { count: 30, granularity: 'day' } } },
    },
  ];
  const withSpine = new SemanticEngine({ ...MANIFEST, metrics, project_configuration: { time_spines: [spine] } });

  it('a cumulative window joins the spine at day grain and rolls up to the queried grain with period_agg first', () => {
    const leaf = withSpine.plan({ metrics: ['trailing_revenue'], groupBy: ['metric_time__month'] }).leaves[0]!;
    assert.equal(leaf.spineJoin?.spine.relation.alias, 'dim_date');
    assert.deepEqual(leaf.spineJoin?.cumulative, { window: { count: 7, granularity: 'day' }, grainToDate: undefined, periodAgg: 'first' });
    assert.deepEqual([leaf.spineJoin?.offsetsBefore, leaf.spineJoin?.offsetsAfter], [[], []]);
  });

  it('a window needs metric_time; an all-time cumulative without it is a plain aggregate', () => {
    expectSemanticError(() => withSpine.plan({ metrics: ['trailing_revenue'], groupBy: ['customer__country'] }), 'INVALID_QUERY', /trailing_revenue.*metric_time/);
    assert.equal(withSpine.plan({ metrics: ['all_time_revenue'] }).leaves[0]!.spineJoin, undefined);
  });

  it('offsets apply after aggregation when the query is not coarser than the offset, else day by day before it', () => {
    const byMonth = withSpine.plan({ metrics: ['revenue_growth'], groupBy: ['metric_time__month'] });
    const shifted = byMonth.leaves.find((l) => l.spineJoin)!;
    assert.deepEqual(shifted.spineJoin?.offsetsAfter, [{ k: 'window', count: 1, grain: 'month' }]);
    assert.equal(byMonth.leaves.filter((l) => !l.spineJoin).length, 1, 'the unshifted revenue is a leaf of its own');
    const byYear = withSpine.plan({ metrics: ['revenue_growth'], groupBy: ['metric_time__year'] }).leaves.find((l) => l.spineJoin)!;
    assert.deepEqual([byYear.spineJoin?.offsetsBefore, byYear.spineJoin?.offsetsAfter], [[{ k: 'window', count: 1, grain: 'month' }], []]);
    expectSemanticError(() => withSpine.plan({ metrics: ['revenue_growth'] }), 'INVALID_QUERY', /revenue_growth.*metric_time/);
  });

  it('refuses definitions that need a time spine when the project has none, at load, saying how to add one', () => {
    const error = expectSemanticError(() => new SemanticEngine({ ...MANIFEST, metrics }), 'INVALID_DEFINITION', /3 problems/);
    for (const name of ['trailing_revenue', 'all_time_revenue', 'revenue_growth']) assert.match(error.message, new RegExp(`metrics\\.${name}: .*needs a time spine.*time_spine:`));
  });

  it('a conversion rate is conversions (a leaf of base and conversion events) over the base measure', () => {
    const plan = withSpine.plan({ metrics: ['repeat_rate'], groupBy: ['metric_time__month'] });
    const expr = plan.metrics[0]!.expr;
    assert.equal(expr.k, 'ratio');
    if (expr.k !== 'ratio' || expr.num.k !== 'measure' || expr.den.k !== 'measure') return;
    assert.equal(expr.num.leaf.conversion?.entity, 'customer');
    assert.deepEqual(expr.num.leaf.conversion?.window, { count: 30, granularity: 'day' });
    assert.equal(expr.den.leaf.conversion, undefined);
  });

  it('custom granularities come from the spine; unknown grains list them', () => {
    const g = withSpine.plan({ metrics: ['revenue'], groupBy: ['metric_time__fiscal_quarter'] }).leaves[0]!.groupBy[0]!;
    assert.equal(g.kind === 'time' && g.customGrain?.column, 'fiscal_quarter');
    expectSemanticError(() => withSpine.plan({ metrics: ['revenue'], groupBy: ['metric_time__fiscal_week'] }), 'INVALID_GROUP_BY', /fiscal_quarter/);
  });

  it('a metric in a filter is planned by its entity; it must name an entity and an existing metric', () => {
    const leaf = withSpine.plan({ metrics: ['revenue'], where: ["{{ Metric('orders', group_by=['customer']) }} > 1"] }).leaves[0]!;
    const ref = [...leaf.filterRefs.values()][0]!;
    assert.equal(ref.kind, 'metric');
    if (ref.kind === 'metric') assert.deepEqual(ref.plan.groupBy, [{ outputName: 'customer', kind: 'entity' }]);
    expectSemanticError(() => withSpine.plan({ metrics: ['revenue'], where: ["{{ Metric('order', group_by=['customer']) }} > 1"] }), 'INVALID_FILTER', /order.*Did you mean 'orders'/);
    expectSemanticError(() => withSpine.plan({ metrics: ['revenue'], where: ["{{ Metric('orders', group_by=['customer__country']) }} > 1"] }), 'INVALID_FILTER', /not an entity/);
  });

  it('group-bys alone list values: dimensions from their entity\'s model, metric_time from the spine', () => {
    const plan = withSpine.plan({ groupBy: ['customer__country', 'metric_time__month'] });
    assert.equal(plan.dimensionValues?.model?.name, 'customers');
    assert.deepEqual(plan.dimensionValues?.spineTimes.map((t) => t.outputName), ['metric_time__month']);
    assert.deepEqual(plan.leaves, []);
    expectSemanticError(() => withSpine.plan({ groupBy: ['shop__country'] }), 'INVALID_GROUP_BY', /no semantic model has 'shop'/);
  });
});
