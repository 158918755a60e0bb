import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SemanticError, type SemanticErrorCode } from '../errors';
import { SemanticGraph } from '../model/semantic-graph';
import type { SemanticManifest } from '../spec/manifest';
import { MAX_LIMIT, normalizeMetricQuery, parseSavedQueryGroupBy, type MetricQueryInput } from './metric-query';
import { expectSemanticError } from '../../../test/support/semantic-assert';

const MANIFEST: SemanticManifest = {
  semantic_models: [
    {
      name: 'orders',
      node_relation: { alias: 'fact_orders', schema_name: 'marts' },
      defaults: { agg_time_dimension: 'order_date' },
      entities: [{ name: 'order', type: 'primary', expr: 'order_id' }],
      dimensions: [{ name: 'order_date', type: 'time', type_params: { time_granularity: 'day' } }],
      measures: [{ name: 'order_count', agg: 'count', expr: 'order_id' }],
    },
  ],
  metrics: [{ name: 'orders', type: 'simple', type_params: { measure: { name: 'order_count' } } }],
  saved_queries: [
    {
      name: 'monthly_orders',
      query_params: {
        metrics: ['orders'],
        group_by: ["TimeDimension('metric_time', 'month')"],
        where: { where_filters: [{ where_sql_template: "{{ Dimension('order__order_date') }} >= '2024-01-01'" }] },
        order_by: ['-orders'],
        limit: 10,
      },
    },
  ],
  project_configuration: {},
};
const graph = new SemanticGraph(MANIFEST);
const normalize = (input: MetricQueryInput) => normalizeMetricQuery(input, graph);

const rejects = (input: MetricQueryInput, code: SemanticErrorCode, message: RegExp): SemanticError =>
  expectSemanticError(() => normalize(input), code, message);

describe('normalizeMetricQuery', () => {
  it('normalizes names, group-bys, filters and order-bys', () => {
    const q = normalize({
      metrics: [' Orders ', { name: 'orders', alias: 'n' }],
      groupBy: ['metric_time__day', { name: 'metric_time', grain: 'month', datePart: null }],
      where: ["{{ Dimension('order__order_date') }} > '2024-01-01'", { sql: 'TRUE' }],
      orderBy: ['-orders', 'metric_time__day', { metric: { name: 'N' }, descending: true }],
      limit: 0,
    });
    assert.deepEqual(q.metrics, [{ name: 'orders', alias: undefined }, { name: 'orders', alias: 'n' }]);
    assert.deepEqual(q.groupBy, [
      { name: 'metric_time__day', grain: undefined, datePart: undefined },
      { name: 'metric_time', grain: 'month', datePart: undefined },
    ]);
    assert.deepEqual(q.where, ["{{ Dimension('order__order_date') }} > '2024-01-01'", 'TRUE']);
    assert.deepEqual(q.orderBy, [
      { name: 'orders', descending: true },
      { name: 'metric_time__day', descending: false },
      { name: 'n', descending: true },
    ]);
    assert.equal(q.limit, 0);
  });

  it('checks the limit', () => {
    for (const limit of [-1, 1.5, MAX_LIMIT + 1, Number.NaN]) rejects({ metrics: ['orders'], limit }, 'INVALID_LIMIT', /limit must be a whole number/);
    assert.equal(normalize({ metrics: ['orders'], limit: MAX_LIMIT }).limit, MAX_LIMIT);
  });

  it('checks startTime and endTime', () => {
    rejects({ metrics: ['orders'], startTime: 'last week' }, 'INVALID_TIME_CONSTRAINT', /startTime 'last week' is not a date/);
    rejects({ metrics: ['orders'], endTime: '2024-02-30' }, 'INVALID_TIME_CONSTRAINT', /endTime '2024-02-30'/);
    rejects({ metrics: ['orders'], startTime: '2024-03-01', endTime: '2024-02-01' }, 'INVALID_TIME_CONSTRAINT', /is after endTime/);
    const q = normalize({ metrics: ['orders'], startTime: '2024-02-01', endTime: '2024-02-01T10:00:00+01:00' });
    assert.equal(q.startTime?.toISOString(), '2024-02-01T00:00:00.000Z');
    assert.equal(q.endTime?.toISOString(), '2024-02-01T09:00:00.000Z');
  });

  it('needs a metric, named group-bys and non-empty filters', () => {
    rejects({}, 'INVALID_QUERY', /at least one metric/);
    rejects({ metrics: [' '] }, 'INVALID_QUERY', /needs a name/);
    rejects({ metrics: ['orders'], groupBy: [{ name: '' }] }, 'INVALID_GROUP_BY', /needs a name/);
    rejects({ metrics: ['orders'], where: ['  '] }, 'INVALID_FILTER', /non-empty string/);
    rejects({ metrics: ['orders'], orderBy: [{ descending: true }] }, 'INVALID_ORDER_BY', /needs a metric, a groupBy or a name/);
    rejects({ metrics: 'orders' as unknown as string[] }, 'INVALID_QUERY', /must be a list/);
    rejects({ metrics: Array.from({ length: 101 }, () => 'orders') }, 'INVALID_QUERY', /at most 100/);
  });

  it('expands a saved query, adding the caller’s filters after its own', () => {
    const q = normalize({ savedQuery: 'monthly_orders', where: ['TRUE'] });
    assert.deepEqual(q.metrics, [{ name: 'orders', alias: undefined }]);
    assert.deepEqual(q.groupBy, [{ name: 'metric_time', grain: 'month', datePart: undefined }]);
    assert.deepEqual(q.where, ["{{ Dimension('order__order_date') }} >= '2024-01-01'", 'TRUE']);
    assert.deepEqual(q.orderBy, [{ name: 'orders', descending: true }]);
    assert.equal(q.limit, 10);
    assert.equal(normalize({ savedQuery: 'monthly_orders', limit: 3 }).limit, 3, 'the caller’s limit wins');
  });

  it('names an unknown saved query with a did-you-mean, and refuses metrics next to one', () => {
    const e = rejects({ savedQuery: 'monthly_order' }, 'UNKNOWN_SAVED_QUERY', /Unknown saved query 'monthly_order'/);
    assert.deepEqual(e.suggestions, ['monthly_orders']);
    assert.match(e.message, /Did you mean 'monthly_orders'\?/);
    rejects({ savedQuery: 'monthly_orders', metrics: ['orders'] }, 'INVALID_QUERY', /takes no metrics or groupBy/);
    rejects({ savedQuery: 'monthly_orders', groupBy: ['metric_time'] }, 'INVALID_QUERY', /takes no metrics or groupBy/);
  });
});

describe('parseSavedQueryGroupBy', () => {
  it('reads MetricFlow’s group-by forms', () => {
    assert.deepEqual(parseSavedQueryGroupBy("TimeDimension('metric_time', 'day')"), { name: 'metric_time', grain: 'day', datePart: undefined });
    assert.deepEqual(parseSavedQueryGroupBy("{{ Dimension('customer__country') }}"), { name: 'customer__country', grain: undefined, datePart: undefined });
    assert.deepEqual(parseSavedQueryGroupBy("Dimension('order__order_date').grain('week')"), { name: 'order__order_date', grain: 'week', datePart: undefined });
    assert.deepEqual(parseSavedQueryGroupBy("TimeDimension('metric_time').date_part('dow')"), { name: 'metric_time', grain: undefined, datePart: 'dow' });
    assert.deepEqual(parseSavedQueryGroupBy('Entity("order")'), { name: 'order', grain: undefined, datePart: undefined });
    assert.deepEqual(parseSavedQueryGroupBy(' metric_time__week '), { name: 'metric_time__week' });
  });
});
