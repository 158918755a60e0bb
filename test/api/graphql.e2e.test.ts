import 'reflect-metadata';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import { loadConfig } from '../../src/config/app-config';
import { createApp } from '../../src/main';
import { buildSchemaText, formatSchema } from '../../src/api/schema-printer';
import { DuckDbWarehouse } from '../../src/warehouse/duckdb/duckdb-warehouse';
import { demoDbPath, repoPath } from '../support/demo-db';
import { scratchDir } from '../support/scratch-dir';

interface GraphQLResponse {
  status: number;
  body: { data?: Record<string, any> | null; errors?: { message: string; extensions?: { code?: string; suggestions?: string[] } }[] };
}

describe('GraphQL API over HTTP (demo marts on DuckDB)', () => {
  let app: NestFastifyApplication;
  let url: string;
  let direct: DuckDbWarehouse;

  const gql = async (query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse> => {
    const res = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query, variables }),
    });
    return { status: res.status, body: (await res.json()) as GraphQLResponse['body'] };
  };

  before(async () => {
    const dbPath = await demoDbPath();
    const config = loadConfig({
      STRATUM_DUCKDB_PATH: dbPath,
      STRATUM_SEMANTIC_LAYER: repoPath('semantic-layer'),
      STRATUM_ONLINE_STORE_PATH: scratchDir('stratum-store-'),
      LOG_LEVEL: 'silent',
      STRATUM_MAX_RESULT_ROWS: '500',
      STRATUM_MAX_CONCURRENT_QUERIES: '1',
    });
    app = await createApp(config, { logger: false });
    await app.listen(0, '127.0.0.1');
    url = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
    direct = await DuckDbWarehouse.open(dbPath, { readOnly: true });
  });

  after(async () => {
    await app?.close();
    await direct?.close();
  });

  it('keeps schema.graphql in step with the code', async () => {
    const committed = readFileSync(repoPath('schema.graphql'), 'utf8');
    const runtime = formatSchema(app.get(GraphQLSchemaHost).schema);
    assert.equal(runtime, committed, 'schema.graphql is stale: run `npm run schema:write` and commit it');
    assert.equal(await buildSchemaText(), committed);
  });

  it('lists metrics with their type, owner and lineage down to the table', async () => {
    const { body } = await gql(`{ metrics { name label type owner inputMetrics typeParams { numerator { name } denominator { name } }
      measures { name agg semanticModel relation } } }`);
    const metrics = body.data!.metrics as any[];
    const aov = metrics.find((m) => m.name === 'average_order_value');
    assert.equal(aov.type, 'RATIO');
    assert.deepEqual(aov.inputMetrics, [aov.typeParams.numerator.name, aov.typeParams.denominator.name]);
    assert.ok(aov.measures.length >= 2);
    for (const m of aov.measures) assert.equal(m.relation, 'marts.fact_orders');
    const dau = metrics.find((m) => m.name === 'dau');
    assert.deepEqual(dau.measures.map((x: any) => [x.agg, x.relation]), [['COUNT_DISTINCT', 'marts.fct_user_engagement']]);
    for (const m of metrics) {
      assert.ok(m.label, `${m.name} has a label`);
      assert.ok(m.owner, `${m.name} has an owner`);
    }
  });

  it('answers the dbt Semantic Layer metadata calls, environmentId included', async () => {
    const { body } = await gql(
      `query($env: BigInt!, $m: [MetricInput!]!) {
        dimensions(environmentId: $env, metrics: $m) { name type queryableGranularities }
        entities(environmentId: $env, metrics: $m) { name type }
        queryableGranularities(environmentId: $env, metrics: $m)
        metricsForDimensions(environmentId: $env, dimensions: [{name: "customer__customer_state"}]) { name }
        savedQueries(environmentId: $env) { name queryParams { metrics { name } groupBy { name grain } } }
      }`,
      { env: 1, m: [{ name: 'revenue' }, { name: 'orders' }] },
    );
    assert.equal(body.errors, undefined);
    const dims = body.data!.dimensions as any[];
    const metricTime = dims.find((d) => d.name === 'metric_time');
    assert.equal(metricTime.type, 'TIME');
    assert.deepEqual(body.data!.queryableGranularities, metricTime.queryableGranularities);
    assert.ok(body.data!.queryableGranularities.includes('MONTH'));
    assert.ok(dims.some((d) => d.name === 'customer__customer_state' && d.type === 'CATEGORICAL'));
    assert.ok((body.data!.entities as any[]).some((e) => e.name === 'customer' && e.type === 'FOREIGN'));
    const forState = (body.data!.metricsForDimensions as any[]).map((m) => m.name);
    assert.ok(forState.includes('revenue') && !forState.includes('dau'));
    assert.ok((body.data!.savedQueries as any[]).length > 0);
  });

  it('runs a query and returns typed columns and the rows the compiled SQL returns', async () => {
    const args = `metrics: [{name: "revenue"}, {name: "orders"}], groupBy: [{name: "metric_time", grain: MONTH}, {name: "customer__customer_state"}],
      where: [{sql: "{{ Dimension('customer__customer_state') }} IN ('SP', 'RJ')"}], orderBy: [{groupBy: {name: "metric_time"}}, {metric: {name: "revenue"}, descending: true}]`;
    const { body } = await gql(`{ query(${args}) { status columns { name type kind } rows sql parameters }
      compileSql(${args}, dialect: DUCKDB) { sql parameters } }`);
    assert.equal(body.errors, undefined);
    const q = body.data!.query;
    assert.equal(q.status, 'SUCCESSFUL');
    assert.deepEqual(q.columns.map((c: any) => [c.name, c.type, c.kind]), [
      ['metric_time__month', 'DATE', 'time'],
      ['customer__customer_state', 'STRING', 'categorical'],
      ['revenue', 'NUMERIC', 'metric'],
      ['orders', 'INTEGER', 'metric'],
    ]);
    assert.ok(q.rows.length > 0);
    assert.ok(q.rows.every((r: any[]) => ['SP', 'RJ'].includes(r[1])));
    const expected = await direct.execute(body.data!.compileSql.sql, body.data!.compileSql.parameters);
    assert.deepEqual(q.rows, expected.rows);
    // Hand-written: revenue excludes canceled orders, orders counts all.
    const hand = await direct.execute(
      `SELECT COUNT(*) AS n FROM marts.fact_orders o JOIN marts.dim_customer_current c USING (customer_id)
       WHERE c.customer_state IN ('SP', 'RJ')`,
      {},
    );
    assert.equal(q.rows.reduce((s: number, r: any[]) => s + (r[3] as number), 0), hand.rows[0]![0]);
  });

  it('compiles BigQuery SQL with named parameters and no caller value inside', async () => {
    const { body } = await gql(`{ compileSql(metrics: [{name: "dau"}], groupBy: [{name: "metric_time", grain: WEEK}],
      where: [{sql: "{{ Dimension('user__country') }} = 'FR'"}], startTime: "2024-02-01", endTime: "2024-02-29", dialect: BIGQUERY) { sql parameters dialect } }`);
    const c = body.data!.compileSql;
    assert.equal(c.dialect, 'bigquery');
    assert.match(c.sql, /@p0/);
    assert.match(c.sql, /DATE_TRUNC\(`m`\.`event_date`, ISOWEEK\)/);
    assert.doesNotMatch(c.sql, /'FR'|2024-02/);
    assert.ok(Object.values(c.parameters).includes('FR'));
  });

  it('serves cumulative, conversion and offset metrics, and custom granularities, as the compiled SQL returns them', async () => {
    const args = `metrics: [{name: "wau"}, {name: "d7_retention"}, {name: "dau_wow_growth"}], groupBy: [{name: "metric_time__fiscal_quarter"}],
      startTime: "2024-02-01", endTime: "2024-04-30", orderBy: [{groupBy: {name: "metric_time__fiscal_quarter"}}]`;
    const { body } = await gql(`{ query(${args}) { status columns { name type kind } rows } compileSql(${args}, dialect: DUCKDB) { sql parameters } }`);
    assert.equal(body.errors, undefined, JSON.stringify(body.errors));
    const q = body.data!.query;
    assert.deepEqual(q.columns.map((c: any) => [c.name, c.kind]), [
      ['metric_time__fiscal_quarter', 'time'],
      ['wau', 'metric'],
      ['d7_retention', 'metric'],
      ['dau_wow_growth', 'metric'],
    ]);
    // February..April 2024 spans fiscal Q1 (from 2024-02-01); April is still in it.
    assert.deepEqual(q.rows.map((r: any[]) => r[0]), ['2024-02-01']);
    const expected = await direct.execute(body.data!.compileSql.sql, body.data!.compileSql.parameters);
    assert.deepEqual(q.rows, expected.rows);
    const [, wau, retention] = q.rows[0] as number[];
    assert.ok(wau! > 0 && retention! > 0 && retention! <= 1, JSON.stringify(q.rows));
  });

  it('lists group-by values without metrics (metric_time from the time spine)', async () => {
    const { body } = await gql(`{ query(groupBy: [{name: "metric_time", grain: MONTH}], startTime: "2024-01-15", endTime: "2024-03-02",
      orderBy: [{groupBy: {name: "metric_time"}}]) { columns { name kind } rows } }`);
    assert.equal(body.errors, undefined, JSON.stringify(body.errors));
    assert.deepEqual(body.data!.query.rows, [['2024-01-01'], ['2024-02-01'], ['2024-03-01']]);
    const bad = await gql(`{ query(groupBy: [{name: "metric_time"}], where: [{sql: "{{ Metric('orders', group_by=['customer']) }} > 1"}]) { rows } }`);
    assert.equal(bad.body.errors?.[0]?.extensions?.code, 'INVALID_FILTER');
  });

  it('runs saved queries by name', async () => {
    const { body } = await gql(`{ savedQueries { name } }`);
    const name = (body.data!.savedQueries as any[])[0].name;
    const run = await gql(`{ query(savedQuery: "${name}", limit: 3) { status columns { name } rows } }`);
    assert.equal(run.body.errors, undefined);
    assert.equal(run.body.data!.query.status, 'SUCCESSFUL');
    assert.ok(run.body.data!.query.rows.length <= 3);
  });

  it('creates a query and serves its result by queryId', async () => {
    const created = await gql(`mutation { createQuery(metrics: [{name: "sessions"}], groupBy: [{name: "metric_time", grain: QUARTER}]) { queryId } }`);
    const queryId = created.body.data!.createQuery.queryId as string;
    assert.match(queryId, /^[0-9a-f-]{36}$/);
    let result: any;
    for (let i = 0; i < 200; i++) {
      result = (await gql(`{ query(queryId: "${queryId}") { queryId status sql columns { name } rows jsonResult } }`)).body.data!.query;
      if (result.status === 'SUCCESSFUL' || result.status === 'FAILED') break;
      await new Promise((r) => setTimeout(r, 25));
    }
    assert.equal(result.status, 'SUCCESSFUL');
    assert.deepEqual(result.columns.map((c: any) => c.name), ['metric_time__quarter', 'sessions']);
    const decoded = JSON.parse(Buffer.from(result.jsonResult, 'base64').toString('utf8'));
    assert.equal(decoded.data.length, result.rows.length);
    assert.equal(decoded.data[0].sessions, result.rows[0][1]);
  });

  it('reports errors with a code and a "did you mean", never a 500', async () => {
    const unknown = await gql(`{ query(metrics: [{name: "revenu"}]) { rows } }`);
    assert.equal(unknown.status, 200);
    assert.equal(unknown.body.errors![0]!.extensions!.code, 'UNKNOWN_METRIC');
    assert.ok(unknown.body.errors![0]!.extensions!.suggestions!.includes('revenue'));

    const groupBy = await gql(`{ query(metrics: [{name: "revenue"}], groupBy: [{name: "customer__countri"}]) { rows } }`);
    assert.equal(groupBy.body.errors![0]!.extensions!.code, 'INVALID_GROUP_BY');

    const injected = await gql(`{ query(metrics: [{name: "revenue"}], where: [{sql: "1=1; DROP TABLE marts.fact_orders"}]) { rows } }`);
    assert.equal(injected.body.errors![0]!.extensions!.code, 'INVALID_FILTER');
    const still = await direct.execute('SELECT COUNT(*) FROM marts.fact_orders', {});
    assert.ok((still.rows[0]![0] as number) > 0);

    const badType = await gql(`{ query(metrics: [{name: "revenue"}], limit: "ten") { rows } }`);
    assert.equal(badType.status, 400);
    assert.match(badType.body.errors![0]!.message, /Int/);

    const missing = await gql(`{ query(queryId: "00000000-0000-0000-0000-000000000000") { status } }`);
    assert.equal(missing.body.errors![0]!.extensions!.code, 'QUERY_NOT_FOUND');

    const alias = await gql(`{ query(metrics: [{name: "dau", alias: "Active Users"}]) { rows } }`);
    assert.equal(alias.body.errors![0]!.extensions!.code, 'INVALID_QUERY');
    assert.match(alias.body.errors![0]!.message, /e\.g\. 'active_users'/);
  });

  it('refuses results over the row cap instead of loading them, and pages within it', async () => {
    const huge = await gql(`{ query(metrics: [{name: "dau"}], groupBy: [{name: "event"}]) { rows } }`);
    assert.equal(huge.body.errors![0]!.extensions!.code, 'RESULT_TOO_LARGE');
    assert.match(huge.body.errors![0]!.message, /more than 500 rows/);

    const small = await gql(`{ query(metrics: [{name: "orders"}], groupBy: [{name: "metric_time", grain: MONTH}]) { totalPages rows } }`);
    assert.equal(small.body.data!.query.totalPages, 1);
    assert.equal(small.body.data!.query.rows.length, 6);
    const beyond = await gql(`{ query(metrics: [{name: "orders"}], groupBy: [{name: "metric_time", grain: MONTH}], pageNum: 2) { rows } }`);
    assert.equal(beyond.body.errors![0]!.extensions!.code, 'INVALID_PAGE');
  });

  it('queues created queries beyond the concurrency limit and runs them all', async () => {
    const ids: string[] = [];
    for (const grain of ['DAY', 'WEEK', 'MONTH']) {
      const created = await gql(`mutation { createQuery(metrics: [{name: "revenue"}], groupBy: [{name: "metric_time", grain: ${grain}}]) { queryId } }`);
      ids.push(created.body.data!.createQuery.queryId);
    }
    for (const id of ids) {
      let status = '';
      for (let i = 0; i < 400 && status !== 'SUCCESSFUL' && status !== 'FAILED'; i++) {
        status = (await gql(`{ query(queryId: "${id}") { status } }`)).body.data!.query.status;
        if (status !== 'SUCCESSFUL') await new Promise((r) => setTimeout(r, 25));
      }
      assert.equal(status, 'SUCCESSFUL');
    }
  });

  it('answers /health', async () => {
    const res = await fetch(`${url}/health`);
    assert.equal(res.status, 200);
    const body = (await res.json()) as { status: string; warehouse: string; metrics: number; featureViews: number; onlineStore: string; cache: string };
    assert.equal(body.status, 'ok');
    assert.equal(body.warehouse, 'duckdb');
    assert.ok(body.metrics > 5);
    assert.equal(body.featureViews, 3);
    assert.equal(body.onlineStore, 'embedded');
    assert.equal(body.cache, 'memory');
  });
});
