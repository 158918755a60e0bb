import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SemanticError } from '../errors';
import type { SemanticManifest, SemanticModel } from '../spec/manifest';
import { JoinResolver, type ResolvedLinkable } from './join-resolver';
import { parseLinkableName } from './linkable-name';
import { SemanticGraph } from './semantic-graph';
import { expectSemanticError } from '../../../test/support/semantic-assert';

function model(name: string, def: Partial<SemanticModel>): SemanticModel {
  return { name, node_relation: { alias: name, schema_name: 'marts' }, entities: [], measures: [], dimensions: [], ...def };
}

/**
 * orders -(customer)-> customers -(region)-> regions; orders -(store)-> stores AND store_details
 * (both unique on store, both with a `city`: ambiguous); countries is unreachable from orders.
 */
const MANIFEST: SemanticManifest = {
  semantic_models: [
    model('orders', {
      defaults: { agg_time_dimension: 'order_date' },
      entities: [
        { name: 'order', type: 'primary', expr: 'order_id' },
        { name: 'customer', type: 'foreign', expr: 'customer_id' },
        { name: 'store', type: 'foreign', expr: 'store_id' },
      ],
      dimensions: [
        { name: 'order_date', type: 'time', type_params: { time_granularity: 'day' } },
        { name: 'status', type: 'categorical' },
      ],
      measures: [{ name: 'revenue', agg: 'sum', expr: 'amount' }],
    }),
    model('customers', {
      entities: [
        { name: 'customer', type: 'primary', expr: 'customer_id' },
        { name: 'region', type: 'foreign', expr: 'region_id' },
      ],
      dimensions: [
        { name: 'country', type: 'categorical' },
        { name: 'signed_up_at', type: 'time', type_params: { time_granularity: 'second' } },
      ],
    }),
    model('regions', {
      entities: [{ name: 'region', type: 'primary', expr: 'region_id' }],
      dimensions: [{ name: 'region_name', type: 'categorical' }],
    }),
    model('stores', {
      entities: [{ name: 'store', type: 'primary', expr: 'store_id' }],
      dimensions: [{ name: 'city', type: 'categorical' }],
    }),
    model('store_details', {
      entities: [{ name: 'store', type: 'unique', expr: 'store_id' }],
      dimensions: [{ name: 'city', type: 'categorical' }, { name: 'floor_area', type: 'categorical' }],
    }),
    model('countries', {
      entities: [{ name: 'country_code', type: 'primary' }],
      dimensions: [{ name: 'continent', type: 'categorical' }],
    }),
  ],
  metrics: [{ name: 'revenue', type: 'simple', type_params: { measure: { name: 'revenue' } } }],
  saved_queries: [],
  project_configuration: {},
};

const graph = new SemanticGraph(MANIFEST);
const resolver = new JoinResolver(graph);
const revenue = graph.models.get('orders')!.measures.get('revenue')!;
const timeNames = new Set(['metric_time', 'order_date', 'signed_up_at']);

function resolve(name: string, grain?: string): ResolvedLinkable {
  return resolver.resolve(parseLinkableName({ name, grain }, (n) => timeNames.has(n)), revenue, 'revenue', 'INVALID_GROUP_BY');
}

const pathOf = (r: ResolvedLinkable) => r.path.map((s) => `${s.from.name}-${s.entity}->${s.to.name}`);

const rejects = (name: string, code: string, message: RegExp): SemanticError => expectSemanticError(() => resolve(name), code, message);

describe('JoinResolver', () => {
  it('resolves the model’s own dimensions with no join', () => {
    const status = resolve('order__status');
    assert.equal(status.kind, 'categorical');
    assert.equal(status.model.name, 'orders');
    assert.deepEqual(pathOf(status), []);
    assert.equal(status.outputName, 'order__status');
  });

  it('resolves metric_time to the agg time dimension at the asked grain', () => {
    const t = resolve('metric_time__month');
    assert.ok(t.kind === 'time');
    assert.equal(t.dimension.name, 'order_date');
    assert.equal(t.grain, 'month');
    assert.equal(t.isMetricTime, true);
    assert.equal(t.outputName, 'metric_time__month');
    assert.equal(t.valueType, 'DATE');
  });

  it('rejects a grain finer than the data', () => {
    rejects('metric_time__hour', 'INVALID_GROUP_BY', /finer than the data's grain 'day'/);
  });

  it('resolves entities: the model’s own and one hop away', () => {
    const own = resolve('customer');
    assert.equal(own.kind, 'entity');
    assert.deepEqual(pathOf(own), []);
    const far = resolve('customer__region');
    assert.equal(far.kind, 'entity');
    assert.deepEqual(pathOf(far), ['orders-customer->customers']);
  });

  it('joins one hop for a dimension of another model', () => {
    const country = resolve('customer__country');
    assert.equal(country.kind, 'categorical');
    assert.equal(country.model.name, 'customers');
    assert.deepEqual(pathOf(country), ['orders-customer->customers']);
  });

  it('joins two hops, and reads a time dimension there with its own value type', () => {
    const name = resolve('customer__region__region_name');
    assert.deepEqual(pathOf(name), ['orders-customer->customers', 'customers-region->regions']);
    assert.equal(name.outputName, 'customer__region__region_name');
    const signup = resolve('customer__signed_up_at', 'hour');
    assert.ok(signup.kind === 'time');
    assert.equal(signup.valueType, 'TIMESTAMP');
    assert.equal(signup.isMetricTime, false);
    assert.equal(signup.outputName, 'customer__signed_up_at__hour');
  });

  it('refuses more than two hops', () => {
    rejects('customer__region__x__y', 'INVALID_GROUP_BY', /needs 3 joins; MetricFlow allows at most 2/);
  });

  it('reports an ambiguous join naming both paths', () => {
    const e = rejects('store__city', 'AMBIGUOUS_JOIN', /2 join paths/);
    assert.match(e.message, /orders -\(store\)-> stores/);
    assert.match(e.message, /orders -\(store\)-> store_details/);
    // A dimension only one of the two has is not ambiguous.
    assert.deepEqual(pathOf(resolve('store__floor_area')), ['orders-store->store_details']);
  });

  it('says what is unreachable, with a did-you-mean', () => {
    const typo = rejects('customer__countyr', 'INVALID_GROUP_BY', /'customer__countyr' is not a dimension or entity of metric 'revenue'/);
    assert.deepEqual(typo.suggestions.slice(0, 1), ['customer__country']);
    rejects('country_code__continent', 'INVALID_GROUP_BY', /not a dimension or entity/);
    rejects('status', 'INVALID_GROUP_BY', /not a dimension or entity/);
  });

  it('matches an entity path as a suffix, as MetricFlow does: the shortest full path wins', () => {
    // region__region_name is customer__region__region_name from orders.
    const regionName = resolve('region__region_name');
    assert.deepEqual(pathOf(regionName), ['orders-customer->customers', 'customers-region->regions']);
    assert.equal(regionName.outputName, 'region__region_name', 'the output keeps the name asked for');
    // An entity of a joined model, by its bare name.
    const region = resolve('region');
    assert.equal(region.kind, 'entity');
    assert.deepEqual(pathOf(region), ['orders-customer->customers']);
    // Still at most two hops in all.
    rejects('region__x', 'INVALID_GROUP_BY', /not a dimension or entity/);
  });

  it('rejects a grain on a categorical dimension and an entity prefix on metric_time', () => {
    assert.throws(
      () => resolver.resolve({ entityPath: ['customer'], element: 'country', grain: 'month' }, revenue, 'revenue', 'INVALID_FILTER'),
      (e: unknown) => e instanceof SemanticError && e.code === 'INVALID_FILTER' && /categorical dimension/.test(e.message),
    );
    assert.throws(
      () => resolver.resolve({ entityPath: ['order'], element: 'metric_time' }, revenue, 'revenue', 'INVALID_GROUP_BY'),
      (e: unknown) => e instanceof SemanticError && /metric_time takes no entity prefix/.test(e.message),
    );
  });

  it('lists what a metric can be grouped by, within two hops only', () => {
    const names = resolver.candidateNames('revenue');
    for (const n of ['metric_time', 'order', 'customer', 'order__status', 'customer__country', 'customer__region__region_name', 'store__floor_area']) {
      assert.ok(names.includes(n), `${n} missing from ${names.join(', ')}`);
    }
    // Names that resolve to two join paths are errors to query, so they are not offered.
    assert.ok(!names.includes('store__city'), 'ambiguous store__city is not listed');
    assert.ok(!names.includes('store__store__floor_area'), 'no hop back through the same entity');
    assert.ok(!names.some((n) => n.includes('continent')), 'countries is not reachable');
  });
});
