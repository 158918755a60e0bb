import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { SemanticError, type MetricQueryInput } from '../../semantic';
import { toGraphQLError } from '../graphql-error.filter';
import { MetricQueryService } from './metric-query.service';
import { QueryStatus } from './models/graphql-enums';
import type { QueryResult } from './models/query-result.model';

const KEEP_MS = 60 * 60 * 1000;
const MAX_JOBS = 1000;

/**
 * Queries started with createQuery and polled with query(queryId), as in the dbt Semantic Layer
 * API: compiled at once (bad input fails the mutation itself), run in the background.
 */
@Injectable()
export class QueryJobsService {
  private readonly logger = new Logger('QueryJobs');
  private readonly jobs = new Map<string, { result: QueryResult; createdAt: number }>();

  constructor(private readonly queries: MetricQueryService) {}

  create(input: MetricQueryInput): string {
    const compiled = this.queries.compile(input);
    this.evictOld();
    const queryId = randomUUID();
    const job = {
      result: { queryId, status: QueryStatus.RUNNING, sql: compiled.sql, parameters: compiled.parameters } as QueryResult,
      createdAt: Date.now(),
    };
    this.jobs.set(queryId, job);
    this.queries.execute(compiled).then(
      (result) => {
        const kinds = new Map(compiled.columns.map((c) => [c.name, c.kind]));
        job.result = {
          ...job.result,
          status: QueryStatus.SUCCESSFUL,
          columns: result.columns.map((c) => ({ ...c, kind: kinds.get(c.name) ?? 'metric' })),
          rows: result.rows,
          totalPages: 1,
          bytesProcessed: result.bytesProcessed,
        };
      },
      (error: unknown) => {
        const gqlError = toGraphQLError(error, this.logger);
        job.result = {
          ...job.result,
          status: QueryStatus.FAILED,
          error: gqlError.message,
          errorCode: (gqlError.extensions as { code?: string }).code,
        };
      },
    );
    return queryId;
  }

  get(queryId: string): QueryResult {
    const job = this.jobs.get(queryId);
    if (!job) {
      throw new SemanticError('INVALID_QUERY', `No query with id '${queryId}': it never existed or expired (queries are kept for one hour).`);
    }
    return job.result;
  }

  private evictOld(): void {
    const cutoff = Date.now() - KEEP_MS;
    for (const [id, job] of this.jobs) {
      if (job.createdAt < cutoff || this.jobs.size >= MAX_JOBS) this.jobs.delete(id);
      else break;
    }
  }
}
