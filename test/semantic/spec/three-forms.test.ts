import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadSemanticLayer } from '../../../src/semantic/spec/semantic-layer-loader';
import type { SemanticManifest } from '../../../src/semantic/spec/manifest';
import { fixturePath } from './spec-fixtures';

/**
 * Drops what legitimately differs between the forms: `location` (files and lines differ) and
 * `relation_name` (only dbt's compiled JSON has it, rendered by the adapter). Lists are sorted by
 * name because file order is not meaningful.
 */
function comparable(manifest: SemanticManifest): unknown {
  const strip = (v: unknown): unknown => {
    if (Array.isArray(v)) {
      const items = v.map(strip);
      const named = items.every((i) => typeof i === 'object' && i !== null && typeof (i as { name?: unknown }).name === 'string');
      return named ? [...items].sort((a, b) => String((a as { name: string }).name).localeCompare((b as { name: string }).name)) : items;
    }
    if (typeof v === 'object' && v !== null) {
      return Object.fromEntries(Object.entries(v).filter(([k]) => k !== 'location' && k !== 'relation_name').map(([k, x]) => [k, strip(x)]));
    }
    return v;
  };
  return strip(manifest);
}

describe('the three input forms', () => {
  const options = { schema: 'marts', database: 'analytics' };
  const project = loadSemanticLayer(fixturePath('dbt-project'), options);
  const documents = loadSemanticLayer(fixturePath('dsi-documents'));
  const compiled = loadSemanticLayer(fixturePath('manifest-json', 'semantic_manifest.json'));

  it('load to the same manifest', () => {
    assert.deepEqual(comparable(documents), comparable(project));
    assert.deepEqual(comparable(compiled), comparable(project));
  });

  it('hold the objects written in the fixtures', () => {
    assert.deepEqual(project.semantic_models.map((m) => m.name).sort(), ['customers', 'order_items', 'orders']);
    assert.deepEqual(project.metrics.map((m) => m.name).sort(), ['average_order_value', 'items', 'order_count', 'revenue', 'revenue_wow_change']);
    assert.deepEqual(project.saved_queries.map((q) => q.name), ['revenue_by_state']);
  });

  it('resolves ref() in every spelling to a node relation in the configured schema', () => {
    const relations = Object.fromEntries(project.semantic_models.map((m) => [m.name, m.node_relation]));
    assert.deepEqual(relations['orders'], { alias: 'fact_orders', schema_name: 'marts', database: 'analytics' });
    assert.deepEqual(relations['customers'], { alias: 'dim_customer_current', schema_name: 'marts', database: 'analytics' });
    assert.deepEqual(relations['order_items'], { alias: 'fact_order_items', schema_name: 'marts', database: 'analytics' });
  });

  it('normalizes the shorthands', () => {
    const byName = Object.fromEntries(project.metrics.map((m) => [m.name, m]));
    assert.deepEqual(byName['revenue']!.type_params.measure, { name: 'order_total' });
    assert.deepEqual(byName['revenue']!.filter, { where_filters: [{ where_sql_template: "{{ Dimension('order__order_status') }} != 'canceled'" }] });
    assert.deepEqual(byName['revenue']!.config, { meta: { owner: 'finance' } });
    assert.deepEqual(byName['average_order_value']!.type_params.numerator, { name: 'revenue' });
    assert.deepEqual(byName['revenue_wow_change']!.type_params.metrics![1], { name: 'revenue', alias: 'revenue_last_week', offset_window: { count: 1, granularity: 'week' } });
    assert.deepEqual(byName['order_count'], {
      name: 'order_count',
      type: 'simple',
      label: 'Order count',
      type_params: { measure: { name: 'order_count' } },
      location: byName['order_count']!.location,
    });
    const query = project.saved_queries[0]!;
    assert.deepEqual(query.query_params.where, { where_filters: [{ where_sql_template: "{{ TimeDimension('metric_time', 'day') }} >= '2024-01-01'" }] });
    assert.deepEqual(query.exports, [{ name: 'revenue_by_state', config: { export_as: 'table', schema_name: 'exports' } }]);
  });

  it('records where each object was defined', () => {
    const orders = project.semantic_models.find((m) => m.name === 'orders')!;
    assert.deepEqual(orders.location, { file: 'models/orders.yml', line: 8 });
    const aov = documents.metrics.find((m) => m.name === 'average_order_value')!;
    // The line of the object's first key (`name:`), under `metric:` on line 13.
    assert.deepEqual(aov.location, { file: 'metrics.yaml', line: 14 });
    assert.equal(compiled.metrics[0]!.location?.file, 'semantic_manifest.json');
  });

  it('uses the marts schema and no database when none is configured', () => {
    const plain = loadSemanticLayer(fixturePath('dbt-project'));
    assert.deepEqual(plain.semantic_models.find((m) => m.name === 'orders')!.node_relation, { alias: 'fact_orders', schema_name: 'marts' });
  });
});
