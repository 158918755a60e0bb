import 'reflect-metadata';
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { loadConfig } from '../../src/config/app-config';
import { createApp } from '../../src/main';
import { SemanticEngine } from '../../src/semantic';
import { BigQueryFakeServer } from '../support/bigquery-fake-server';
import { repoPath } from '../support/demo-db';
import { scratchDir } from '../support/scratch-dir';

/**
 * The service configured for BigQuery, end to end: GraphQL in, a BigQuery job out (to a local server
 * standing in for BigQuery's REST API), typed rows back. Asserts on the REST requests BigQuery receives.
 */
describe('GraphQL API on BigQuery (REST API served locally)', () => {
  let fake: BigQueryFakeServer;
  let app: NestFastifyApplication;
  let url: string;
  let engine: SemanticEngine;

  const gql = async (query: string) => {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
    return (await res.json()) as { data?: any; errors?: { message: string; extensions?: { code?: string } }[] };
  };

  before(async () => {
    BigQueryFakeServer.isolateFromGoogleAuth();
    fake = await BigQueryFakeServer.start();
    const config = loadConfig({
      STRATUM_WAREHOUSE: 'bigquery',
      GOOGLE_CLOUD_PROJECT: 'stratum-test',
      BIGQUERY_LOCATION: 'EU',
      BIGQUERY_MAXIMUM_BYTES_BILLED: '5000000000',
      BIGQUERY_API_ENDPOINT: fake.endpoint,
      STRATUM_DBT_DATABASE: 'bereal-analytics',
      STRATUM_SEMANTIC_LAYER: repoPath('semantic-layer'),
      STRATUM_ONLINE_STORE_PATH: scratchDir('stratum-store-'),
      LOG_LEVEL: 'silent',
    });
    app = await createApp(config, { logger: false });
    await app.listen(0, '127.0.0.1');
    url = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}/graphql`;
    engine = app.get(SemanticEngine);
  });

  beforeEach(() => fake.reset());

  after(async () => {
    await app?.close();
    await fake?.close();
  });

  it('runs the compiled BigQuery SQL as a labelled, capped job with named parameters', async () => {
    fake.reset({
      result: {
        fields: [
          { name: 'metric_time__month', type: 'DATE' },
          { name: 'customer__customer_state', type: 'STRING' },
          { name: 'revenue', type: 'NUMERIC' },
        ],
        pages: [[['2024-01-01', 'SP', '1234.5']]],
        totalBytesProcessed: '104857600',
      },
    });
    const input = {
      metrics: ['revenue'],
      groupBy: [{ name: 'metric_time', grain: 'month' }, 'customer__customer_state'],
      where: ["{{ Dimension('customer__customer_state') }} = 'SP'"],
      startTime: '2024-01-01',
      endTime: '2024-03-31',
    };
    const body = await gql(`{ query(metrics: [{name: "revenue"}], groupBy: [{name: "metric_time", grain: MONTH}, {name: "customer__customer_state"}],
      where: [{sql: "{{ Dimension('customer__customer_state') }} = 'SP'"}], startTime: "2024-01-01", endTime: "2024-03-31") {
      status columns { name type } rows bytesProcessed sql } }`);
    assert.equal(body.errors, undefined, JSON.stringify(body.errors));
    assert.deepEqual(body.data.query.rows, [['2024-01-01', 'SP', 1234.5]]);
    assert.deepEqual(body.data.query.columns.map((c: any) => c.type), ['DATE', 'STRING', 'NUMERIC']);
    assert.equal(body.data.query.bytesProcessed, 104857600);

    const [insert] = fake.requestsTo('insert');
    // The service caps what it fetches at one row over STRATUM_MAX_RESULT_ROWS (default 100000).
    const expected = engine.compile({ ...input, limit: 100_001 }, 'bigquery');
    const q = insert!.body.configuration.query;
    assert.equal(q.query, expected.sql);
    assert.equal(body.data.query.sql, expected.sql);
    assert.equal(q.useLegacySql, false);
    assert.equal(String(q.parameterMode).toUpperCase(), 'NAMED');
    assert.deepEqual(
      Object.fromEntries(q.queryParameters.map((p: any) => [p.name, String(p.parameterValue.value)])),
      Object.fromEntries(Object.entries(expected.parameters).map(([k, v]) => [k, String(v)])),
    );
    assert.ok(q.queryParameters.some((p: any) => p.parameterValue.value === 'SP' && p.parameterType.type === 'STRING'));
    assert.equal(q.maximumBytesBilled, '5000000000');
    assert.equal(insert!.body.configuration.labels.app, 'stratum');
    assert.equal(insert!.body.jobReference.location, 'EU');
    // Fully qualified with the configured dbt database; the time range reaches the partition column.
    assert.match(q.query, /FROM `bereal-analytics`\.`marts`\.`fact_orders`/);
    assert.match(q.query, /WHERE order_date >= CAST\(@p\d+ AS DATE\) AND order_date < CAST\(@p\d+ AS DATE\)/);
  });

  it('answers a dry run with the bytes BigQuery would scan', async () => {
    fake.reset({ dryRunBytes: '73400320' });
    const body = await gql(`{ compileSql(metrics: [{name: "dau"}], groupBy: [{name: "metric_time", grain: DAY}], dryRun: true) { sql bytesProcessed dialect } }`);
    assert.equal(body.errors, undefined, JSON.stringify(body.errors));
    assert.equal(body.data.compileSql.bytesProcessed, 73400320);
    assert.equal(body.data.compileSql.dialect, 'bigquery');
    const [insert] = fake.requestsTo('insert');
    assert.equal(insert!.body.configuration.dryRun, true);
    assert.equal(insert!.body.configuration.query.query, body.data.compileSql.sql);
  });

  it('refuses a dry run in a dialect the warehouse does not speak, before calling it', async () => {
    const body = await gql(`{ compileSql(metrics: [{name: "dau"}], dialect: DUCKDB, dryRun: true) { bytesProcessed } }`);
    assert.equal(body.errors![0]!.extensions!.code, 'INVALID_QUERY');
    assert.equal(fake.requests.length, 0);
  });

  it('passes BigQuery failures on with their code', async () => {
    fake.reset({ resultsError: { status: 400, reason: 'bytesBilledLimitExceeded', message: 'Query exceeded limit for bytes billed: 5000000000.' } });
    const body = await gql(`{ query(metrics: [{name: "orders"}]) { rows } }`);
    assert.equal(body.errors![0]!.extensions!.code, 'BYTES_LIMIT_EXCEEDED');
    assert.match(body.errors![0]!.message, /BIGQUERY_MAXIMUM_BYTES_BILLED/);
  });
});
