/**
 * A local stand-in for the BigQuery REST API (v2), just the endpoints @google-cloud/bigquery calls to run a
 * query job: jobs.insert, jobs.getQueryResults, jobs.get, jobs.cancel. It records every request and answers
 * with what the test configured, in BigQuery's wire format (rows as `{ f: [{ v }] }`, errors in Google's
 * `{ error: { code, message, errors: [{ reason }] } }` shape). jobs.query answers 501 so an unexpected
 * switch of the SDK to that path fails loudly.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  /** Path without the query string, e.g. /bigquery/v2/projects/p/jobs. */
  path: string;
  query: Record<string, string>;
  /** Parsed JSON body, or undefined when there was none. */
  body: any;
}

export interface FakeField {
  name: string;
  type: string;
  mode?: 'NULLABLE' | 'REQUIRED' | 'REPEATED';
  fields?: FakeField[];
}

/** A cell as BigQuery sends it: scalars as strings, repeated as [{ v }], records as { f: [...] }. */
export type FakeCell = string | null | { v: FakeCell }[] | { f: { v: FakeCell }[] };

export interface FakeQueryResult {
  fields: FakeField[];
  /** Rows per page; page i > 0 is served for pageToken `page-i`. */
  pages: FakeCell[][][];
  totalBytesProcessed?: string;
}

export interface FakeError {
  status: number;
  reason: string;
  message: string;
}

export interface FakeBehaviour {
  /** What getQueryResults returns once the job is complete. */
  result: FakeQueryResult;
  /** jobs.insert fails with this (an invalid query is rejected at insert time). */
  insertError?: FakeError;
  /** getQueryResults fails with this (a job that failed while running, e.g. the bytes limit). */
  resultsError?: FakeError;
  /** getQueryResults answers jobComplete: false this many times first (Infinity: never completes). */
  incompletePolls: number;
  /** How long an incomplete getQueryResults holds the request, like BigQuery's long poll. */
  pollDelayMs: number;
  /** How long jobs.insert takes to answer. */
  insertDelayMs: number;
  /** statistics.totalBytesProcessed of a dry-run job. */
  dryRunBytes: string;
  /** tables.get answers: `dataset.table` → its schema fields (any other table: 404). */
  tables?: Record<string, FakeField[]>;
}

const BASE = '/bigquery/v2/projects/';

export class BigQueryFakeServer {
  readonly requests: RecordedRequest[] = [];
  behaviour: FakeBehaviour = BigQueryFakeServer.defaults();
  private polls = 0;
  /** Requests still being answered; close() waits for them so the SDK never sees a reset and retries. */
  private readonly inFlight = new Set<Promise<void>>();

  private constructor(private readonly server: Server) {}

  static async start(): Promise<BigQueryFakeServer> {
    let fake: BigQueryFakeServer | undefined;
    const server = createServer((req, res) => {
      const handling = fake!.handle(req, res).finally(() => fake!.inFlight.delete(handling));
      fake!.inFlight.add(handling);
    });
    fake = new BigQueryFakeServer(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  /**
   * The SDK authenticates even against a custom endpoint; with no credentials to find it goes on unauthenticated.
   * This makes sure none are found (no metadata server, no gcloud config, no key file) instead of whatever the
   * developer's machine has.
   */
  static isolateFromGoogleAuth(): void {
    process.env.METADATA_SERVER_DETECTION = 'none';
    process.env.CLOUDSDK_CONFIG = mkdtempSync(join(tmpdir(), 'stratum-no-gcloud-'));
    delete process.env.GOOGLE_APPLICATION_CREDENTIALS;
    delete process.env.BIGQUERY_EMULATOR_HOST;
  }

  static defaults(): FakeBehaviour {
    return {
      result: { fields: [], pages: [[]], totalBytesProcessed: '0' },
      incompletePolls: 0,
      pollDelayMs: 0,
      insertDelayMs: 0,
      dryRunBytes: '0',
    };
  }

  get endpoint(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Configure the next scenario and forget earlier requests. */
  reset(behaviour: Partial<FakeBehaviour> = {}): void {
    this.behaviour = { ...BigQueryFakeServer.defaults(), ...behaviour };
    this.requests.length = 0;
    this.polls = 0;
  }

  requestsTo(kind: Route['kind']): RecordedRequest[] {
    return this.requests.filter((r) => routeOf(r.method, r.path)?.kind === kind);
  }

  /** Resolves once `count` requests of that kind arrived: for calls the client makes after it returned. */
  async waitFor(kind: Route['kind'], count = 1, withinMs = 5_000): Promise<RecordedRequest[]> {
    const until = Date.now() + withinMs;
    while (this.requestsTo(kind).length < count) {
      if (Date.now() > until) throw new Error(`expected ${count} ${kind} request(s) within ${withinMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return this.requestsTo(kind);
  }

  async close(): Promise<void> {
    await Promise.all(this.inFlight);
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const text = await readBody(req);
    const recorded: RecordedRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      body: text ? JSON.parse(text) : undefined,
    };
    this.requests.push(recorded);
    const route = routeOf(recorded.method, recorded.path);
    if (!route) return send(res, 404, googleError({ status: 404, reason: 'notFound', message: `No route ${url.pathname}` }));
    switch (route.kind) {
      case 'insert':
        return this.insert(res, route.projectId, recorded.body);
      case 'getQueryResults':
        return this.getQueryResults(res, route.projectId, route.jobId!, recorded.query);
      case 'get':
        return send(res, 200, this.job(route.projectId, route.jobId!, recorded.query.location, 'DONE'));
      case 'cancel':
        return send(res, 200, {
          kind: 'bigquery#jobCancelResponse',
          job: this.job(route.projectId, route.jobId!, recorded.query.location, 'DONE'),
        });
      case 'query':
        return send(res, 501, googleError({ status: 501, reason: 'notImplemented', message: 'jobs.query is not faked' }));
      case 'table': {
        const fields = this.behaviour.tables?.[route.table!];
        if (!fields) return send(res, 404, googleError({ status: 404, reason: 'notFound', message: `Not found: Table ${route.projectId}:${route.table}` }));
        const [datasetId, tableId] = route.table!.split('.');
        return send(res, 200, { kind: 'bigquery#table', tableReference: { projectId: route.projectId, datasetId, tableId }, schema: { fields } });
      }
    }
  }

  private async insert(res: ServerResponse, projectId: string, body: any): Promise<void> {
    const { insertError, dryRunBytes, insertDelayMs } = this.behaviour;
    if (insertDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, insertDelayMs));
    if (insertError) return send(res, insertError.status, googleError(insertError));
    const reference = body?.jobReference ?? {};
    const dryRun = body?.configuration?.dryRun === true;
    const job = this.job(projectId, reference.jobId, reference.location, dryRun ? 'DONE' : 'RUNNING');
    send(res, 200, {
      ...job,
      configuration: body?.configuration,
      statistics: dryRun
        ? { totalBytesProcessed: dryRunBytes, query: { totalBytesProcessed: dryRunBytes } }
        : { creationTime: String(Date.now()) },
    });
  }

  private async getQueryResults(
    res: ServerResponse,
    projectId: string,
    jobId: string,
    query: Record<string, string>,
  ): Promise<void> {
    const { result, resultsError, incompletePolls, pollDelayMs } = this.behaviour;
    const jobReference = { projectId, jobId, location: query.location };
    if (this.polls < incompletePolls) {
      this.polls++;
      await new Promise((resolve) => setTimeout(resolve, pollDelayMs));
      return send(res, 200, { kind: 'bigquery#getQueryResultsResponse', jobReference, jobComplete: false });
    }
    if (resultsError) return send(res, resultsError.status, googleError(resultsError));
    const page = query.pageToken ? Number(query.pageToken.replace('page-', '')) : 0;
    const rows = result.pages[page];
    if (!rows) return send(res, 400, googleError({ status: 400, reason: 'invalid', message: `bad pageToken ${query.pageToken}` }));
    send(res, 200, {
      kind: 'bigquery#getQueryResultsResponse',
      jobReference,
      schema: { fields: result.fields },
      totalRows: String(result.pages.reduce((n, p) => n + p.length, 0)),
      ...(rows.length > 0 ? { rows: rows.map((cells) => ({ f: cells.map((v) => ({ v })) })) } : {}),
      ...(page + 1 < result.pages.length ? { pageToken: `page-${page + 1}` } : {}),
      totalBytesProcessed: result.totalBytesProcessed,
      jobComplete: true,
      cacheHit: false,
    });
  }

  private job(projectId: string, jobId: string, location: string | undefined, state: string): object {
    return {
      kind: 'bigquery#job',
      id: `${projectId}:${location ?? 'US'}.${jobId}`,
      jobReference: { projectId, jobId, location: location ?? 'US' },
      status: { state },
    };
  }
}

export interface Route {
  kind: 'insert' | 'getQueryResults' | 'get' | 'cancel' | 'query' | 'table';
  projectId: string;
  jobId?: string;
  table?: string;
}

function routeOf(method: string, path: string): Route | undefined {
  if (!path.startsWith(BASE)) return undefined;
  const [projectId, collection, id, action, ...rest] = path.slice(BASE.length).split('/').map(decodeURIComponent);
  if (collection === 'datasets' && id && action === 'tables' && rest.length === 1 && method === 'GET') {
    return { kind: 'table', projectId: projectId!, table: `${id}.${rest[0]}` };
  }
  if (rest.length > 0 || !projectId) return undefined;
  if (collection === 'jobs' && id === undefined && method === 'POST') return { kind: 'insert', projectId };
  if (collection === 'jobs' && id && action === 'cancel' && method === 'POST') return { kind: 'cancel', projectId, jobId: id };
  if (collection === 'jobs' && id && action === undefined && method === 'GET') return { kind: 'get', projectId, jobId: id };
  if (collection === 'queries' && id && action === undefined && method === 'GET') {
    return { kind: 'getQueryResults', projectId, jobId: id };
  }
  if (collection === 'queries' && id === undefined && method === 'POST') return { kind: 'query', projectId };
  return undefined;
}

function googleError({ status, reason, message }: FakeError): object {
  return { error: { code: status, message, errors: [{ message, domain: 'global', reason }], status: 'INVALID_ARGUMENT' } };
}

function send(res: ServerResponse, status: number, body: object): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8' });
  res.end(JSON.stringify(body));
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
