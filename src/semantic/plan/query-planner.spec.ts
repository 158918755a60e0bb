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
