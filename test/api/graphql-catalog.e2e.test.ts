import 'reflect-metadata';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { loadConfig } from '../../src/config/app-config';
import { createApp } from '../../src/main';
import { loadSemanticLayer, type Metric as SpecMetric, type WhereFilterIntersection } from '../../src/semantic';
import { DuckDbWarehouse } from '../../src/warehouse/duckdb/duckdb-warehouse';
import { demoDbPath, repoPath } from '../support/demo-db';
import { scratchDir } from '../support/scratch-dir';

interface GraphQLResponse {
  data?: Record<string, any> | null;
  errors?: { message: string; extensions?: { code?: string; suggestions?: string[] } }[];
}

const SAVED = 'catalog_test_paid_revenue_sp';
const IN_SP = "{{ Dimension('customer__customer_state') }} = 'SP'";
const NOT_CANCELED = "{{ Dimension('order__order_status') }} != 'canceled'";

/** The demo definitions plus one saved query with where filters and exports (the demo's have neither). */
const EXTRA_SAVED_QUERY = `saved_queries:
  - name: ${SAVED}
    label: Paid revenue in SP
    description: Monthly revenue and orders of non-canceled orders from customers in SP.
    query_params:
      metrics: [revenue, orders]
      group_by:
        - TimeDimension('metric_time', 'month')
        - Dimension('order__order_status')
      where:
        - "${IN_SP}"
        - "${NOT_CANCELED}"
      order_by: [metric_time__month, order__order_status]
    exports:
      - name: paid_revenue_sp
        config:
          export_as: table
          schema: exports
          alias: paid_revenue_sp_monthly
      - name: paid_revenue_sp_view
        config:
          export_as: view
`;

const templates = (f: WhereFilterIntersection | undefined) => f?.where_filters.map((w) => w.where_sql_template) ?? [];
const windowOf = (w: { count: number; granularity: string } | undefined) => (w ? { count: w.count, granularity: w.granularity } : null);

const TYPE_PARAMS = `typeParams {
  measure { name alias joinToTimespine fillNullsWith filter { whereSqlTemplates } }
  inputMeasures { name }
  numerator { name alias filter { whereSqlTemplate whereSqlTemplates } offsetWindow { count granularity } offsetToGrain }
  denominator { name alias filter { whereSqlTemplate whereSqlTemplates } offsetWindow { count granularity } offsetToGrain }
  expr window { count granularity } grainToDate
  metrics { name alias filter { whereSqlTemplates } offsetWindow { count granularity } offsetToGrain }
  cumulativeTypeParams { window { count granularity } grainToDate periodAgg }
  conversionTypeParams { baseMeasure { name } conversionMeasure { name } entity calculation window { count granularity }
    constantProperties { baseProperty conversionProperty } }
}`;

describe('GraphQL metric catalog (demo definitions on DuckDB)', () => {
  let app: NestFastifyApplication;
  let url: string;
  let direct: DuckDbWarehouse;
  let layer: string;
  let definitions: Map<string, SpecMetric>;

  const gql = async (query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse> => {
    const res = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query, variables }),
    });
    return (await res.json()) as GraphQLResponse;
  };
  const data = async (query: string, variables?: Record<string, unknown>) => {
    const body = await gql(query, variables);
    assert.equal(body.errors, undefined, JSON.stringify(body.errors));
    return body.data!;
  };

  before(async () => {
    layer = mkdtempSync(join(tmpdir(), 'stratum-catalog-layer-'));
    cpSync(repoPath('semantic-layer'), layer, { recursive: true });
    writeFileSync(join(layer, 'catalog_test_saved_queries.yml'), EXTRA_SAVED_QUERY);
    // The reference the catalog is checked against: the definitions as the loader reads them.
    definitions = new Map(loadSemanticLayer(layer).metrics.map((m) => [m.name, m]));
    const dbPath = await demoDbPath();
    const config = loadConfig({ STRATUM_DUCKDB_PATH: dbPath, STRATUM_SEMANTIC_LAYER: layer, STRATUM_ONLINE_STORE_PATH: scratchDir('stratum-store-'), LOG_LEVEL: 'silent', STRATUM_MAX_RESULT_ROWS: '500' });
    app = await createApp(config, { logger: false });
    await app.listen(0, '127.0.0.1');
    url = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
    direct = await DuckDbWarehouse.open(dbPath, { readOnly: true });
  });

  after(async () => {
    await app?.close();
    await direct?.close();
    if (layer) rmSync(layer, { recursive: true, force: true });
  });

  it('shows every metric’s type params as its definition states them, for every type', async () => {
    const { metrics } = await data(`{ metrics { name type label owner config { meta } filter { whereSqlTemplate whereSqlTemplates } ${TYPE_PARAMS} } }`);
    assert.equal(metrics.length, definitions.size);
    const types = new Set<string>();
    for (const m of metrics as any[]) {
      const def = definitions.get(m.name)!;
      const p = def.type_params;
      const tp = m.typeParams;
      types.add(m.type);
      assert.equal(m.type, def.type.toUpperCase(), m.name);
      assert.deepEqual(m.config.meta, def.config?.meta ?? null, m.name);
      assert.equal(m.owner, def.config?.meta?.owner, m.name);
      assert.deepEqual(m.filter?.whereSqlTemplates ?? [], templates(def.filter), m.name);
      assert.ok(tp.inputMeasures.length > 0, `${m.name} aggregates at least one measure`);
      switch (def.type) {
        case 'simple':
          assert.equal(tp.measure.name, p.measure!.name, m.name);
          assert.deepEqual(tp.inputMeasures.map((x: any) => x.name), [p.measure!.name]);
          break;
        case 'ratio':
          for (const side of ['numerator', 'denominator'] as const) {
            assert.equal(tp[side].name, p[side]!.name, `${m.name} ${side}`);
            assert.deepEqual(tp[side].filter?.whereSqlTemplates ?? [], templates(p[side]!.filter), `${m.name} ${side} filter`);
          }
          break;
        case 'derived':
          assert.equal(tp.expr, p.expr, m.name);
          assert.deepEqual(
            tp.metrics.map((i: any) => [i.name, i.alias, i.offsetWindow, i.offsetToGrain]),
            p.metrics!.map((i) => [i.name, i.alias ?? null, windowOf(i.offset_window), i.offset_to_grain ?? null]),
            m.name,
          );
          break;
        case 'cumulative':
          assert.equal(tp.measure.name, p.measure!.name, m.name);
          assert.deepEqual(tp.cumulativeTypeParams.window, windowOf(p.window ?? p.cumulative_type_params?.window), m.name);
          assert.equal(tp.cumulativeTypeParams.grainToDate, p.grain_to_date ?? p.cumulative_type_params?.grain_to_date ?? null, m.name);
          assert.equal(tp.cumulativeTypeParams.periodAgg, (p.cumulative_type_params?.period_agg ?? 'first').toUpperCase(), m.name);
          break;
        case 'conversion': {
          const c = p.conversion_type_params!;
          const got = tp.conversionTypeParams;
          assert.deepEqual([got.baseMeasure.name, got.conversionMeasure.name, got.entity], [c.base_measure.name, c.conversion_measure.name, c.entity], m.name);
          assert.equal(got.calculation, (c.calculation ?? 'conversion_rate').toUpperCase(), m.name);
          assert.deepEqual(got.window, windowOf(c.window), m.name);
          assert.deepEqual(
            got.constantProperties,
            (c.constant_properties ?? []).map((x) => ({ baseProperty: x.base_property, conversionProperty: x.conversion_property })),
          );
          break;
        }
      }
      if (def.type !== 'cumulative') assert.equal(tp.cumulativeTypeParams, null, m.name);
      if (def.type !== 'conversion') assert.equal(tp.conversionTypeParams, null, m.name);
    }
    for (const type of ['SIMPLE', 'RATIO', 'DERIVED']) assert.ok(types.has(type), `the demo has a ${type} metric`);
  });

  it('answers a single metric with hand-checked type params (ratio input filter, derived alias)', async () => {
    const { aov, rpc } = await data(`{ aov: metric(name: "average_order_value", environmentId: 1) { ${TYPE_PARAMS} }
      rpc: metric(name: "revenue_per_customer") { ${TYPE_PARAMS} } }`);
    assert.equal(aov.typeParams.numerator.name, 'revenue');
    assert.equal(aov.typeParams.denominator.name, 'orders');
    assert.equal(aov.typeParams.denominator.filter.whereSqlTemplate, NOT_CANCELED);
    assert.equal(rpc.typeParams.expr, 'revenue / nullif(customers, 0)');
    assert.deepEqual(rpc.typeParams.metrics.map((i: any) => [i.name, i.alias]), [['revenue', null], ['ordering_customers', 'customers']]);
  });

  it('traces a metric’s lineage through its inputs to measures, semantic models and real tables', async () => {
    const { metric } = await data(`{ metric(name: "revenue_per_customer") { lineage {
      metrics { name type depth inputMetrics filterMetrics measures }
      measures { name agg semanticModel metrics }
      semanticModels { name relation measures nodeRelation { database schemaName alias } } } } }`);
    const l = metric.lineage;
    assert.deepEqual(l.metrics.map((m: any) => [m.name, m.type, m.depth]), [
      ['revenue_per_customer', 'DERIVED', 0],
      ['revenue', 'SIMPLE', 1],
      ['ordering_customers', 'SIMPLE', 1],
    ]);
    assert.deepEqual(l.metrics[0].inputMetrics, ['revenue', 'ordering_customers']);
    assert.deepEqual(l.measures.map((m: any) => [m.name, m.agg, m.semanticModel, m.metrics]), [
      ['order_value', 'SUM', 'orders', ['revenue']],
      ['ordering_customers', 'COUNT_DISTINCT', 'orders', ['ordering_customers']],
    ]);
    assert.equal(l.semanticModels.length, 1);
    assert.deepEqual(l.semanticModels[0].nodeRelation, { database: null, schemaName: 'marts', alias: 'fact_orders' });
    assert.equal(l.semanticModels[0].relation, 'marts.fact_orders');
  });

  it('gives every metric a lineage whose tables exist in the warehouse and whose measures are its own', async () => {
    const { metrics } = await data(`{ metrics { name measures { name } lineage { metrics { name depth }
      measures { name semanticModel } semanticModels { name nodeRelation { schemaName alias } } } } }`);
    const tables = new Set<string>();
    for (const m of metrics as any[]) {
      assert.deepEqual([m.lineage.metrics[0].name, m.lineage.metrics[0].depth], [m.name, 0]);
      const models = new Set(m.lineage.semanticModels.map((s: any) => s.name));
      for (const measure of m.lineage.measures) assert.ok(models.has(measure.semanticModel), `${m.name}: ${measure.name}'s model is listed`);
      // Without metric references in filters the lineage's measures are the metric's measures.
      assert.ok(m.measures.every((x: any) => m.lineage.measures.some((y: any) => y.name === x.name)), m.name);
      for (const s of m.lineage.semanticModels) tables.add(`"${s.nodeRelation.schemaName}"."${s.nodeRelation.alias}"`);
    }
    for (const table of tables) {
      const result = await direct.execute(`SELECT COUNT(*) FROM ${table}`, {});
      assert.ok(Number(result.rows[0]![0]) > 0, `${table} has rows`);
    }
  });

  it('lists saved queries with their group-bys, where filters and exports, and one by name', async () => {
    const fields = `name label description queryParams { metrics { name } groupBy { name grain timeGranularity datePart }
      where { whereSqlTemplate whereSqlTemplates } orderBy limit } exports { name config { exportAs schema alias } } tags`;
    const { savedQueries, savedQuery } = await data(`query($env: BigInt!) { savedQueries(environmentId: $env) { ${fields} }
      savedQuery(name: "${SAVED}", environmentId: $env) { ${fields} } }`, { env: 1 });
    const listed = (savedQueries as any[]).find((q) => q.name === SAVED);
    assert.deepEqual(listed, savedQuery);
    assert.equal(savedQuery.label, 'Paid revenue in SP');
    assert.deepEqual(savedQuery.queryParams.metrics, [{ name: 'revenue' }, { name: 'orders' }]);
    assert.deepEqual(savedQuery.queryParams.groupBy, [
      { name: 'metric_time', grain: 'MONTH', timeGranularity: 'month', datePart: null },
      { name: 'order__order_status', grain: null, timeGranularity: null, datePart: null },
    ]);
    assert.deepEqual(savedQuery.queryParams.where.whereSqlTemplates, [IN_SP, NOT_CANCELED]);
    assert.equal(savedQuery.queryParams.where.whereSqlTemplate, `(${IN_SP}) AND (${NOT_CANCELED})`);
    assert.deepEqual(savedQuery.queryParams.orderBy, ['metric_time__month', 'order__order_status']);
    assert.deepEqual(savedQuery.exports, [
      { name: 'paid_revenue_sp', config: { exportAs: 'TABLE', schema: 'exports', alias: 'paid_revenue_sp_monthly' } },
      { name: 'paid_revenue_sp_view', config: { exportAs: 'VIEW', schema: null, alias: null } },
    ]);
    const demo = (savedQueries as any[]).find((q) => q.name === 'daily_engagement');
    assert.equal(demo.queryParams.where, null, 'a saved query without filters has no where');

    const unknown = await gql(`{ savedQuery(name: "catalog_test_paid_revenue_s") { name } }`);
    assert.equal(unknown.errors![0]!.extensions!.code, 'UNKNOWN_SAVED_QUERY');
    assert.deepEqual(unknown.errors![0]!.extensions!.suggestions, [SAVED]);
  });

  it('runs a saved query by name with its where filters applied, as the same explicit query would', async () => {
    const byName = await data(`{ query(savedQuery: "${SAVED}") { status columns { name } rows } }`);
    const explicit = await data(
      `query($where: [WhereInput!]) { query(metrics: [{name: "revenue"}, {name: "orders"}],
        groupBy: [{name: "metric_time", grain: MONTH}, {name: "order__order_status"}], where: $where,
        orderBy: [{groupBy: {name: "metric_time", grain: MONTH}}, {groupBy: {name: "order__order_status"}}]) { columns { name } rows } }`,
      { where: [{ sql: IN_SP }, { sql: NOT_CANCELED }] },
    );
    const unfiltered = await data(`{ query(metrics: [{name: "orders"}], groupBy: [{name: "order__order_status"}]) { rows } }`);
    const q = byName.query;
    assert.equal(q.status, 'SUCCESSFUL');
    assert.deepEqual(q.columns.map((c: any) => c.name), ['metric_time__month', 'order__order_status', 'revenue', 'orders']);
    assert.ok(q.rows.length > 0);
    assert.deepEqual(q.rows, explicit.query.rows);
    assert.ok(q.rows.every((r: any[]) => r[1] !== 'canceled'), 'the status filter applied');
    assert.ok((unfiltered.query.rows as any[][]).some((r) => r[0] === 'canceled'), 'the demo has canceled orders to filter out');
    // Hand-written: the saved query's orders are SP customers' non-canceled orders.
    const hand = await direct.execute(
      `SELECT COUNT(*) FROM marts.fact_orders o JOIN marts.dim_customer_current c USING (customer_id)
       WHERE c.customer_state = 'SP' AND o.order_status != 'canceled'`,
      {},
    );
    assert.equal(q.rows.reduce((s: number, r: any[]) => s + Number(r[3]), 0), Number(hand.rows[0]![0]));
  });
});
