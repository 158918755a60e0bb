/**
 * BigQueryWarehouse against a local fake of the BigQuery REST API: the real SDK runs, so these tests pin what
 * goes over the wire (job configuration, parameters, labels, cancel) and how BigQuery's answers are normalized.
 */
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BigQueryFakeServer, type FakeCell, type FakeField } from '../support/bigquery-fake-server';
import { BigQueryWarehouse, type BigQueryWarehouseOptions } from '../../src/warehouse/bigquery/bigquery-warehouse';
import { WarehouseError } from '../../src/warehouse/warehouse';

BigQueryFakeServer.isolateFromGoogleAuth();

const PROJECT = 'demo-project';

describe('BigQueryWarehouse (fake BigQuery REST server)', () => {
  let fake: BigQueryFakeServer;
  const warehouse = (options: Partial<BigQueryWarehouseOptions> = {}) =>
    new BigQueryWarehouse({ projectId: PROJECT, apiEndpoint: fake.endpoint, ...options });

  before(async () => {
    fake = await BigQueryFakeServer.start();
  });
  after(async () => {
    await fake.close();
  });
  beforeEach(() => fake.reset());

  it('inserts a standard-SQL query job with named, typed parameters and the job settings', async () => {
    fake.reset({
      result: { fields: [{ name: 'n', type: 'INT64' }], pages: [[['1']]], totalBytesProcessed: '2048' },
    });
    const bq = warehouse({
      location: 'EU',
      maximumBytesBilled: '1000000000',
      labels: { app: 'stratum', Team: 'Data Eng' },
      timeoutMs: 30_000,
      defaultDataset: { datasetId: 'marts' },
    });
    const sql = 'SELECT COUNT(*) AS n FROM orders WHERE country = @country AND qty > @qty AND ratio < @ratio AND paid = @paid';
    const result = await bq.execute(
      sql,
      { country: 'FR', qty: 10, ratio: 0.25, paid: true, whole: 3.0, huge: 2 ** 60 },
      { labels: { metric: 'Revenue/Daily', app: 'override', ['x'.repeat(80)]: 'v' } },
    );

    const [insert] = fake.requestsTo('insert');
    assert.equal(insert.path, `/bigquery/v2/projects/${PROJECT}/jobs`);
    const configuration = insert.body.configuration;
    assert.equal(configuration.query.query, sql);
    assert.equal(configuration.query.useLegacySql, false);
    assert.equal(String(configuration.query.parameterMode).toUpperCase(), 'NAMED');
    assert.deepEqual(
      configuration.query.queryParameters.map((p: any) => [p.name, p.parameterType.type, p.parameterValue.value]),
      [
        ['country', 'STRING', 'FR'],
        ['qty', 'INT64', 10],
        ['ratio', 'FLOAT64', 0.25],
        ['paid', 'BOOL', true],
        ['whole', 'INT64', 3],
        ['huge', 'FLOAT64', 1152921504606846976],
      ],
    );
    assert.equal(configuration.query.maximumBytesBilled, '1000000000');
    assert.deepEqual(configuration.query.defaultDataset, { datasetId: 'marts', projectId: PROJECT });
    assert.equal(configuration.jobTimeoutMs, '30000');
    assert.deepEqual(configuration.labels, {
      app: 'override',
      team: 'data_eng',
      metric: 'revenue_daily',
      ['x'.repeat(63)]: 'v',
    });
    assert.equal(configuration.dryRun, undefined);
    assert.equal(insert.body.jobReference.projectId, PROJECT);
    assert.equal(insert.body.jobReference.location, 'EU');
    assert.match(insert.body.jobReference.jobId, /^stratum_/);

    const [results] = fake.requestsTo('getQueryResults');
    assert.equal(results.path, `/bigquery/v2/projects/${PROJECT}/queries/${insert.body.jobReference.jobId}`);
    assert.equal(results.query.location, 'EU');
    // Only documented jobs.getQueryResults parameters: Google rejects unknown ones.
    const documented = ['location', 'pageToken', 'timeoutMs', 'formatOptions.useInt64Timestamp', 'prettyPrint'];
    assert.deepEqual(Object.keys(results.query).filter((key) => !documented.includes(key)), []);
    const longPoll = Number(results.query.timeoutMs);
    assert.ok(longPoll > 0 && longPoll <= 10_000, `long poll bounded by the deadline, got ${results.query.timeoutMs}`);

    assert.equal(result.jobId, insert.body.jobReference.jobId);
    assert.equal(result.bytesProcessed, 2048);
    assert.deepEqual(result.columns, [{ name: 'n', type: 'INTEGER' }]);
    assert.deepEqual(result.rows, [[1]]);
    assert.equal(fake.requestsTo('cancel').length, 0);
  });

  it('describes tables with tables.get: stored types (DATETIME kept apart from TIMESTAMP), missing tables left out', async () => {
    fake.reset({
      tables: {
        'marts.fact_orders': [
          { name: 'order_id', type: 'STRING' },
          { name: 'Order_Date', type: 'DATE' },
          { name: 'placed_at', type: 'TIMESTAMP' },
          { name: 'updated_at', type: 'DATETIME' },
          { name: 'total', type: 'NUMERIC' },
        ],
      },
    });
    const columns = await warehouse().describeTables([
      { schema: 'marts', table: 'fact_orders' },
      { schema: 'marts', table: 'ghosts' },
    ]);
    assert.deepEqual([...columns.keys()], ['marts.fact_orders']);
    assert.deepEqual(Object.fromEntries(columns.get('marts.fact_orders')!), {
      order_id: 'STRING',
      order_date: 'DATE',
      placed_at: 'TIMESTAMP',
      updated_at: 'DATETIME',
      total: 'NUMERIC',
    });
    const gets = fake.requests.filter((r) => r.method === 'GET' && r.path.includes('/tables/'));
    assert.deepEqual(gets.map((r) => r.path.split('/projects/')[1]).sort(), [`${PROJECT}/datasets/marts/tables/fact_orders`, `${PROJECT}/datasets/marts/tables/ghosts`]);
  });

  it('sends no parameters, labels of its own or timeout when none are given', async () => {
    await warehouse().execute('SELECT 1', {});
    const [insert] = fake.requestsTo('insert');
    assert.equal(insert.body.configuration.query.queryParameters, undefined);
    assert.equal(insert.body.configuration.query.parameterMode, undefined);
    assert.equal(insert.body.configuration.query.maximumBytesBilled, undefined);
    assert.equal(insert.body.configuration.jobTimeoutMs, undefined);
    assert.deepEqual(insert.body.configuration.labels ?? {}, {});
  });

  it('maps every column type and normalizes values, NULLs and INT64 beyond 2^53', async () => {
    const micros = (iso: string, extraMicros: number) => String(BigInt(Date.parse(iso)) * 1000n + BigInt(extraMicros));
    const fields: FakeField[] = [
      { name: 's', type: 'STRING' },
      { name: 'i', type: 'INT64' },
      { name: 'i_legacy', type: 'INTEGER' },
      { name: 'f', type: 'FLOAT64' },
      { name: 'f_legacy', type: 'FLOAT' },
      { name: 'num', type: 'NUMERIC' },
      { name: 'bignum', type: 'BIGNUMERIC' },
      { name: 'b', type: 'BOOL' },
      { name: 'b_legacy', type: 'BOOLEAN' },
      { name: 'd', type: 'DATE' },
      { name: 'ts', type: 'TIMESTAMP' },
      { name: 'dt', type: 'DATETIME' },
      { name: 'j', type: 'JSON' },
      { name: 'rec', type: 'RECORD', fields: [{ name: 'k', type: 'STRING' }, { name: 'v', type: 'INT64' }] },
      { name: 'tags', type: 'STRING', mode: 'REPEATED' },
      { name: 'geo', type: 'GEOGRAPHY' },
    ];
    const full: FakeCell[] = [
      'Paris',
      '9007199254740993',
      '-42',
      '1.5',
      '-0.125',
      '12345.67',
      '0.000001',
      'true',
      'false',
      '2024-02-29',
      micros('2024-03-05T06:07:08.123Z', 456),
      '2024-03-05T06:07:08.5',
      '{"a":[1,2]}',
      { f: [{ v: 'x' }, { v: '7' }] },
      [{ v: 'red' }, { v: 'blue' }],
      'POINT(2.35 48.85)',
    ];
    const nulls: FakeCell[] = fields.map(() => null);
    fake.reset({ result: { fields, pages: [[full, nulls]] } });

    const result = await warehouse().execute('SELECT *', {});

    assert.deepEqual(result.columns, [
      { name: 's', type: 'STRING' },
      { name: 'i', type: 'INTEGER' },
      { name: 'i_legacy', type: 'INTEGER' },
      { name: 'f', type: 'FLOAT' },
      { name: 'f_legacy', type: 'FLOAT' },
      { name: 'num', type: 'NUMERIC' },
      { name: 'bignum', type: 'NUMERIC' },
      { name: 'b', type: 'BOOLEAN' },
      { name: 'b_legacy', type: 'BOOLEAN' },
      { name: 'd', type: 'DATE' },
      { name: 'ts', type: 'TIMESTAMP' },
      { name: 'dt', type: 'TIMESTAMP' },
      { name: 'j', type: 'JSON' },
      { name: 'rec', type: 'JSON' },
      { name: 'tags', type: 'JSON' },
      { name: 'geo', type: 'JSON' },
    ]);
    assert.deepEqual(result.rows[0], [
      'Paris',
      '9007199254740993',
      -42,
      1.5,
      -0.125,
      12345.67,
      0.000001,
      true,
      false,
      '2024-02-29',
      '2024-03-05T06:07:08.123Z',
      '2024-03-05T06:07:08.500Z',
      '{"a":[1,2]}',
      '{"k":"x","v":7}',
      '["red","blue"]',
      'POINT(2.35 48.85)',
    ]);
    assert.deepEqual(result.rows[1], fields.map(() => null));
  });

  it('asks for INT64 timestamps and also reads float-seconds timestamps', async () => {
    fake.reset({ result: { fields: [{ name: 'ts', type: 'TIMESTAMP' }], pages: [[['1.709618828123E9']]] } });
    const result = await warehouse().execute('SELECT ts', {});
    assert.deepEqual(result.rows, [['2024-03-05T06:07:08.123Z']]);
    assert.equal(fake.requestsTo('getQueryResults')[0].query['formatOptions.useInt64Timestamp'], 'true');
  });

  it('reads every page when getQueryResults returns a pageToken', async () => {
    fake.reset({
      result: {
        fields: [{ name: 'day', type: 'DATE' }, { name: 'orders', type: 'INT64' }],
        pages: [[['2024-01-01', '3'], ['2024-01-02', '4']], [['2024-01-03', '5']], [['2024-01-04', '6']]],
        totalBytesProcessed: '100',
      },
    });
    const result = await warehouse().execute('SELECT day, orders FROM t', {});
    assert.deepEqual(result.rows, [
      ['2024-01-01', 3],
      ['2024-01-02', 4],
      ['2024-01-03', 5],
      ['2024-01-04', 6],
    ]);
    assert.deepEqual(
      fake.requestsTo('getQueryResults').map((r) => r.query.pageToken),
      [undefined, 'page-1', 'page-2'],
    );
  });

  it('polls again while the job is not complete', async () => {
    fake.reset({
      incompletePolls: 2,
      result: { fields: [{ name: 'n', type: 'INT64' }], pages: [[['5']]] },
    });
    const result = await warehouse().execute('SELECT 5 AS n', {});
    assert.deepEqual(result.rows, [[5]]);
    assert.equal(fake.requestsTo('getQueryResults').length, 3);
  });

  it('dry-runs: one dry-run job insert, bytes from its statistics', async () => {
    fake.reset({ dryRunBytes: '123456789' });
    const bq = warehouse({ location: 'EU', maximumBytesBilled: '500' });
    const dry = await bq.dryRun('SELECT * FROM orders WHERE day >= @start', { start: '2024-01-01' });
    assert.equal(dry.bytesProcessed, 123456789);
    const [insert] = fake.requestsTo('insert');
    assert.equal(insert.body.configuration.dryRun, true);
    assert.equal(insert.body.configuration.query.useLegacySql, false);
    assert.deepEqual(
      insert.body.configuration.query.queryParameters.map((p: any) => [p.name, p.parameterType.type, p.parameterValue.value]),
      [['start', 'STRING', '2024-01-01']],
    );
    assert.equal(insert.body.jobReference.location, 'EU');
    assert.equal(fake.requestsTo('getQueryResults').length, 0);
  });

  it('turns bytesBilledLimitExceeded into BYTES_LIMIT_EXCEEDED naming the env var', async () => {
    const bigQueryMessage = 'Query exceeded limit for bytes billed: 1000. 10485760 or higher required.';
    fake.reset({ resultsError: { status: 400, reason: 'bytesBilledLimitExceeded', message: bigQueryMessage } });
    await assert.rejects(warehouse({ maximumBytesBilled: '1000' }).execute('SELECT * FROM big', {}), (error: unknown) => {
      assert.ok(error instanceof WarehouseError);
      assert.equal(error.code, 'BYTES_LIMIT_EXCEEDED');
      assert.match(error.message, /BIGQUERY_MAXIMUM_BYTES_BILLED/);
      assert.ok(error.message.includes(bigQueryMessage));
      return true;
    });
  });

  it('keeps BigQuery’s message for an invalid query (400 at insert), in execute and dryRun', async () => {
    const bigQueryMessage = 'Unrecognized name: revnue at [1:8]';
    fake.reset({ insertError: { status: 400, reason: 'invalidQuery', message: bigQueryMessage } });
    for (const run of [
      (bq: BigQueryWarehouse) => bq.execute('SELECT revnue FROM t', {}),
      (bq: BigQueryWarehouse) => bq.dryRun('SELECT revnue FROM t', {}),
    ]) {
      await assert.rejects(run(warehouse()), (error: unknown) => {
        assert.ok(error instanceof WarehouseError);
        assert.equal(error.code, 'WAREHOUSE_ERROR');
        assert.ok(error.message.includes(bigQueryMessage));
        return true;
      });
    }
  });

  it('cancels the job and fails with WAREHOUSE_TIMEOUT when the deadline passes while polling', async () => {
    const bq = warehouse({ location: 'EU', timeoutMs: 60_000 });
    // Warm-up: the client's first request also looks for credentials, which must not eat the deadline below.
    fake.reset({ result: { fields: [], pages: [[]] } });
    await bq.execute('SELECT 1', {});
    fake.reset({ incompletePolls: Infinity, pollDelayMs: 40 });

    await assert.rejects(bq.execute('SELECT slow()', {}, { timeoutMs: 1000 }), (error: unknown) => {
      assert.ok(error instanceof WarehouseError);
      assert.equal(error.code, 'WAREHOUSE_TIMEOUT');
      return true;
    });
    const [insert] = fake.requestsTo('insert');
    assert.equal(insert.body.configuration.jobTimeoutMs, '1000');
    assert.ok(fake.requestsTo('getQueryResults').length > 0);
    const cancels = await fake.waitFor('cancel');
    assert.equal(cancels.length, 1);
    assert.equal(cancels[0].path, `/bigquery/v2/projects/${PROJECT}/jobs/${insert.body.jobReference.jobId}/cancel`);
    assert.equal(cancels[0].query.location, 'EU');
  });

  it('cancels the job once its insert returns when the deadline passed during the insert', async () => {
    fake.reset({ insertDelayMs: 300 });
    await assert.rejects(warehouse().execute('SELECT slow()', {}, { timeoutMs: 50 }), (error: unknown) => {
      assert.ok(error instanceof WarehouseError);
      assert.equal(error.code, 'WAREHOUSE_TIMEOUT');
      return true;
    });
    const [cancel] = await fake.waitFor('cancel');
    const [insert] = fake.requestsTo('insert');
    assert.equal(cancel.path, `/bigquery/v2/projects/${PROJECT}/jobs/${insert.body.jobReference.jobId}/cancel`);
    assert.equal(fake.requestsTo('getQueryResults').length, 0);
  });

  it('maps BigQuery’s own job timeout (reason "timeout") to WAREHOUSE_TIMEOUT', async () => {
    fake.reset({ resultsError: { status: 400, reason: 'timeout', message: 'Job timed out after 1 sec' } });
    await assert.rejects(warehouse().execute('SELECT 1', {}), (error: unknown) => {
      assert.ok(error instanceof WarehouseError);
      assert.equal(error.code, 'WAREHOUSE_TIMEOUT');
      assert.match(error.message, /Job timed out after 1 sec/);
      return true;
    });
  });
});
