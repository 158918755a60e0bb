import { Inject, Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import type { CompiledQuery, MetricQueryInput } from '../../semantic';
import { ApiError } from '../api-error';
import { toGraphQLError } from '../graphql-error.filter';
import { MetricQueryService, toQueryResult, type ExecutedQuery } from './metric-query.service';
import { QueryStatus } from './models/graphql-enums';
import type { QueryResult } from './models/query-result.model';

const KEEP_MS = 60 * 60 * 1000;
const MAX_KEPT = 1000;
const MAX_WAITING = 100;

interface Job {
  queryId: string;
  createdAt: number;
  compiled: CompiledQuery;
  status: QueryStatus;
  executed?: ExecutedQuery;
  error?: { message: string; code?: string };
}

/**
 * Queries started with createQuery and polled with query(queryId), as in the dbt Semantic Layer
 * API: compiled at once (bad input fails the mutation itself), then run in the background, at most
 * `maxConcurrentQueries` at a time; the rest wait as PENDING in a bounded queue.
 */
@Injectable()
export class QueryJobsService {
  private readonly logger = new Logger('QueryJobs');
  private readonly jobs = new Map<string, Job>();
  private readonly waiting: Job[] = [];
  private running = 0;

  constructor(
    private readonly queries: MetricQueryService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  create(input: MetricQueryInput): string {
    const compiled = this.queries.compileForRun(input);
    if (this.waiting.length >= MAX_WAITING) {
      throw new ApiError('RESOURCE_EXHAUSTED', `${MAX_WAITING} queries are already waiting to run: poll those first, then retry.`);
    }
    this.evictOld();
    const job: Job = { queryId: randomUUID(), createdAt: Date.now(), compiled, status: QueryStatus.PENDING };
    this.jobs.set(job.queryId, job);
    this.waiting.push(job);
    this.startWaiting();
    return job.queryId;
  }

  get(queryId: string, pageNum = 1): QueryResult {
    const job = this.jobs.get(queryId);
    if (!job) {
      throw new ApiError('QUERY_NOT_FOUND', `No query with id '${queryId}': it never existed or expired (results are kept for one hour).`);
    }
    if (job.executed) return toQueryResult(job.queryId, job.executed, pageNum);
    return {
      queryId: job.queryId,
      status: job.status,
      sql: job.compiled.sql,
      parameters: job.compiled.parameters,
      error: job.error?.message,
      errorCode: job.error?.code,
    };
  }

  private startWaiting(): void {
    while (this.running < this.config.maxConcurrentQueries && this.waiting.length > 0) {
      const job = this.waiting.shift()!;
      job.status = QueryStatus.RUNNING;
      this.running++;
      this.queries
        .execute(job.compiled)
        .then(
          (result) => {
            job.executed = { compiled: job.compiled, result };
            job.status = QueryStatus.SUCCESSFUL;
          },
          (error: unknown) => {
            const gqlError = toGraphQLError(error, this.logger);
            job.error = { message: gqlError.message, code: (gqlError.extensions as { code?: string }).code };
            job.status = QueryStatus.FAILED;
          },
        )
        .finally(() => {
          this.running--;
          this.startWaiting();
        });
    }
  }

  /** The map is in creation order: drop finished jobs that expired, or the oldest past the cap. */
  private evictOld(): void {
    const cutoff = Date.now() - KEEP_MS;
    for (const [id, job] of this.jobs) {
      if (this.jobs.size < MAX_KEPT && job.createdAt >= cutoff) break;
      if (job.status === QueryStatus.SUCCESSFUL || job.status === QueryStatus.FAILED) this.jobs.delete(id);
    }
  }
}
