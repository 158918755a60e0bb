/**
 * The BigQuery adapter of the Warehouse port; the only code that touches @google-cloud/bigquery.
 *
 * REST calls per `execute`: jobs.insert (POST /projects/{p}/jobs), then jobs.getQueryResults
 * (GET /projects/{p}/queries/{jobId}) until the job is complete and every page is read, and jobs.cancel
 * (POST /projects/{p}/jobs/{jobId}/cancel) when the deadline passes. `dryRun` is one jobs.insert.
 * The job-based path (not jobs.query) is used on purpose: it carries jobTimeoutMs and gives a job id to cancel.
 */
import { BigQuery, type Job, type Query, type QueryRowsResponse, type TableField } from '@google-cloud/bigquery';
import {
  WarehouseError,
  type Dialect,
  type DryRunResult,
  type ExecuteOptions,
  type ParameterValue,
  type ResultColumn,
  type TableColumns,
  type TableRef,
  tableKey,
  type Warehouse,
  type WarehouseResult,
} from '../warehouse';
import { storedColumnTypeOf, parameterTypes, sanitizeLabels, toColumns, toRow } from './bigquery-values';

export interface BigQueryWarehouseOptions {
  projectId: string;
  /** Where jobs run, e.g. 'EU' or 'europe-west1'; must match the datasets' location. */
  location?: string;
  /** Per-query cap on billed bytes (a decimal string, as BigQuery takes it). */
  maximumBytesBilled?: string;
  /** Labels put on every job; per-call labels are merged over them. */
  labels?: Record<string, string>;
  /** Default deadline for `execute`, overridden per call. */
  timeoutMs?: number;
  /** Another endpoint than https://bigquery.googleapis.com (an emulator, a test server). */
  apiEndpoint?: string;
  /** A service-account key file; otherwise Application Default Credentials. */
  keyFilename?: string;
  /** Dataset for unqualified table names in the SQL. */
  defaultDataset?: { datasetId: string; projectId?: string };
}

/** The env var the config module reads into `maximumBytesBilled`; named in errors so users know what to change. */
const BYTES_LIMIT_ENV = 'BIGQUERY_MAXIMUM_BYTES_BILLED';
const JOB_PREFIX = 'stratum_';
const LONG_POLL_MS = 10_000;

/** The parts of a jobs.getQueryResults response read here (rows in the REST f/v format). */
type QueryResultsPage = Pick<
  NonNullable<QueryRowsResponse[2]>,
  'jobComplete' | 'schema' | 'rows' | 'pageToken' | 'totalBytesProcessed'
>;

/** Raised internally when the caller's deadline passes before BigQuery answers. */
class DeadlineExceeded extends Error {}

interface GoogleErrorLike {
  message?: string;
  code?: number;
  errors?: { reason?: string; message?: string }[];
}

export class BigQueryWarehouse implements Warehouse {
  readonly dialect: Dialect = 'bigquery';
  private readonly client: BigQuery;

  constructor(private readonly options: BigQueryWarehouseOptions) {
    this.client = new BigQuery({
      projectId: options.projectId,
      location: options.location,
      apiEndpoint: options.apiEndpoint,
      keyFilename: options.keyFilename,
    });
  }

  async execute(
    sql: string,
    parameters: Record<string, ParameterValue>,
    options: ExecuteOptions = {},
  ): Promise<WarehouseResult> {
    const timeoutMs = options.timeoutMs ?? this.options.timeoutMs;
    const deadline = timeoutMs === undefined ? undefined : Date.now() + timeoutMs;
    const inserting = this.client.createQueryJob({
      ...this.queryConfig(sql, parameters),
      labels: sanitizeLabels({ ...this.options.labels, ...options.labels }),
      jobPrefix: JOB_PREFIX,
      // The server-side twin of the client deadline: BigQuery stops the job even if this process dies.
      ...(timeoutMs === undefined ? {} : { jobTimeoutMs: timeoutMs }),
    });
    let job: Job | undefined;
    try {
      [job] = await beforeDeadline(inserting, deadline);
      return await this.readResults(job, deadline);
    } catch (error) {
      if (error instanceof DeadlineExceeded) {
        await this.cancel(job, inserting);
        throw new WarehouseError(
          `BigQuery query did not finish within ${timeoutMs} ms${job ? ` (job ${job.id})` : ''}; cancelling the job. ` +
            'Narrow the query (shorter date range, fewer dimensions) or raise the timeout.',
          'WAREHOUSE_TIMEOUT',
        );
      }
      throw this.toWarehouseError(error);
    }
  }

  /** One tables.get per table (in parallel); a table that does not exist (404) is left out. */
  async describeTables(tables: TableRef[]): Promise<TableColumns> {
    const out: TableColumns = new Map();
    await Promise.all(
      tables.map(async (t) => {
        try {
          const [metadata] = await this.client
            .dataset(t.schema, { projectId: t.database ?? this.options.projectId })
            .table(t.table)
            .getMetadata();
          const fields = (metadata as { schema?: { fields?: TableField[] } }).schema?.fields ?? [];
          out.set(tableKey(t), new Map(fields.map((f) => [String(f.name).toLowerCase(), storedColumnTypeOf(f)])));
        } catch (error) {
          if ((error as GoogleErrorLike).code !== 404) throw this.toWarehouseError(error);
        }
      }),
    );
    return out;
  }

  async dryRun(sql: string, parameters: Record<string, ParameterValue>): Promise<DryRunResult> {
    try {
      const [, response] = await this.client.createQueryJob({ ...this.queryConfig(sql, parameters), dryRun: true });
      const statistics = response.statistics;
      return { bytesProcessed: Number(statistics?.totalBytesProcessed ?? statistics?.query?.totalBytesProcessed ?? 0) };
    } catch (error) {
      throw this.toWarehouseError(error);
    }
  }

  /** The SDK keeps no connection to close; its HTTP agent sockets time out by themselves. */
  async close(): Promise<void> {}

  /** Settings shared by real and dry runs; the query text never has values spliced in. */
  private queryConfig(sql: string, parameters: Record<string, ParameterValue>): Query {
    const hasParameters = Object.keys(parameters).length > 0;
    return {
      query: sql,
      useLegacySql: false,
      ...(hasParameters ? { params: parameters, types: parameterTypes(parameters) } : {}),
      ...(this.options.location ? { location: this.options.location } : {}),
      ...(this.options.maximumBytesBilled ? { maximumBytesBilled: this.options.maximumBytesBilled } : {}),
      ...(this.options.defaultDataset
        ? {
            defaultDataset: {
              datasetId: this.options.defaultDataset.datasetId,
              projectId: this.options.defaultDataset.projectId ?? this.options.projectId,
            },
          }
        : {}),
    };
  }

  /** Polls until the job is done, then reads every page. */
  private async readResults(job: Job, deadline: number | undefined): Promise<WarehouseResult> {
    let fields: TableField[] = [];
    let columns: ResultColumn[] | undefined;
    let bytesProcessed: number | undefined;
    const rows: WarehouseResult['rows'] = [];
    let pageToken: string | undefined;
    for (;;) {
      const page = await beforeDeadline(this.getQueryResults(job, pageToken, deadline), deadline);
      // Not done yet: the server already long-polled, so ask again at once.
      if (page.jobComplete === false) continue;
      if (!columns) {
        fields = page.schema?.fields ?? [];
        columns = toColumns(fields);
      }
      if (page.totalBytesProcessed !== undefined && page.totalBytesProcessed !== null) {
        bytesProcessed = Number(page.totalBytesProcessed);
      }
      for (const row of page.rows ?? []) rows.push(toRow(fields, row));
      if (!page.pageToken) break;
      pageToken = page.pageToken;
    }
    return { columns: columns ?? [], rows, bytesProcessed, jobId: job.id };
  }

  /**
   * jobs.getQueryResults through the client's authenticated `request`, not `Job#getQueryResults`: that one
   * parses rows into objects (INT64 beyond 2^53 fails there) and its `skipParsing` escape hatch leaks into the
   * query string as an unknown parameter. Here the query string holds only documented parameters.
   */
  private getQueryResults(job: Job, pageToken: string | undefined, deadline: number | undefined): Promise<QueryResultsPage> {
    const qs: Record<string, string | number | boolean> = { 'formatOptions.useInt64Timestamp': true };
    if (job.location) qs.location = job.location;
    if (pageToken) qs.pageToken = pageToken;
    // Long-poll no longer than the caller will wait (BigQuery's default is 10 s).
    if (deadline !== undefined) qs.timeoutMs = Math.max(1, Math.min(LONG_POLL_MS, deadline - Date.now()));
    return new Promise((resolve, reject) => {
      this.client.request({ uri: `/queries/${job.id}`, qs }, (error, body) => {
        if (error) reject(error);
        else resolve(body as QueryResultsPage);
      });
    });
  }

  /** Best effort: the job may already be done, or its insert may still be in flight. */
  private async cancel(job: Job | undefined, inserting: Promise<[Job, unknown]>): Promise<void> {
    if (job) {
      await job.cancel().catch(() => undefined);
      return;
    }
    void inserting.then(([late]) => late.cancel()).catch(() => undefined);
  }

  private toWarehouseError(error: unknown): WarehouseError {
    if (error instanceof WarehouseError) return error;
    const google = error as GoogleErrorLike;
    const reasons = (google.errors ?? []).map((e) => e.reason);
    const message = google.message ?? String(error);
    if (reasons.includes('bytesBilledLimitExceeded')) {
      return new WarehouseError(
        `BigQuery refused the query: it would bill more than the limit of ${this.options.maximumBytesBilled ?? '?'} bytes. ` +
          `${message} Raise the limit with ${BYTES_LIMIT_ENV} (in bytes) or narrow the query (shorter date range, fewer dimensions).`,
        'BYTES_LIMIT_EXCEEDED',
      );
    }
    // BigQuery's own jobTimeoutMs ending the job.
    if (reasons.includes('timeout')) return new WarehouseError(`BigQuery query timed out: ${message}`, 'WAREHOUSE_TIMEOUT');
    return new WarehouseError(`BigQuery query failed: ${message}`, 'WAREHOUSE_ERROR');
  }
}

/** Races a request against the deadline; the request itself is left to finish in the background. */
async function beforeDeadline<T>(work: Promise<T>, deadline: number | undefined): Promise<T> {
  if (deadline === undefined) return work;
  const remaining = deadline - Date.now();
  if (remaining <= 0) {
    work.catch(() => undefined);
    throw new DeadlineExceeded();
  }
  let timer: NodeJS.Timeout | undefined;
  const expiry = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlineExceeded()), remaining);
  });
  try {
    return await Promise.race([work, expiry]);
  } finally {
    clearTimeout(timer);
  }
}
