import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadSemanticLayer } from '../../../src/semantic/spec/semantic-layer-loader';
import { repoRoot } from './spec-fixtures';

describe('the demo semantic layer (semantic-layer/)', () => {
  const manifest = loadSemanticLayer(join(repoRoot(), 'semantic-layer'));
  const metrics = new Map(manifest.metrics.map((m) => [m.name, m]));

  it('loads with zero problems and has the demo metrics and saved queries', () => {
    for (const name of [
      'dau',
      'sessions',
      'avg_session_duration',
      'engagement_seconds_per_user',
      'posts',
      'posts_per_dau',
      'revenue',
      'orders',
      'average_order_value',
      'late_delivery_rate',
      'items_sold',
      'gross_merchandise_value',
      'revenue_per_customer',
      'posts_per_session',
    ]) {
      assert.ok(metrics.has(name), `metric ${name}`);
    }
    assert.deepEqual(manifest.saved_queries.map((q) => q.name).sort(), ['daily_engagement', 'month_end_stock_by_category', 'revenue_by_state_monthly', 'weekly_growth']);
  });

  it('documents every metric with a label, a description and an owner', () => {
    for (const metric of manifest.metrics) {
      assert.ok(metric.label && metric.description, metric.name);
      assert.equal(typeof metric.config?.meta?.['owner'], 'string', metric.name);
    }
  });

  it('reads the marts tables, with partition columns as agg time dimensions', () => {
    const models = new Map(manifest.semantic_models.map((m) => [m.name, m]));
    assert.deepEqual(models.get('users')!.node_relation, { alias: 'dim_users_current', schema_name: 'marts' });
    assert.equal(models.get('customers')!.node_relation.alias, 'dim_customer_current');
    for (const [model, column] of [['engagement', 'event_date'], ['sessions', 'session_date'], ['orders', 'order_date'], ['order_items', 'order_date']]) {
      const m = models.get(model)!;
      assert.equal(m.defaults?.agg_time_dimension, column, model);
      const dim = m.dimensions.find((d) => d.name === column)!;
      assert.equal(dim.is_partition, true, model);
      assert.equal(dim.type_params?.time_granularity, 'day', model);
    }
  });

  it('filters revenue to non-canceled orders', () => {
    assert.deepEqual(metrics.get('revenue')!.filter, { where_filters: [{ where_sql_template: "{{ Dimension('order__order_status') }} != 'canceled'" }] });
  });
});
