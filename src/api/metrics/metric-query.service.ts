import { Inject, Injectable } from '@nestjs/common';
import type { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { SemanticEngine, SemanticError, type CompiledQuery, type MetricQueryInput } from '../../semantic';
import type { DryRunResult, Warehouse, WarehouseResult } from '../../warehouse/warehouse';
import { WAREHOUSE } from '../../warehouse/warehouse.module';
import { ApiError } from '../api-error';
import type { MetricQueryArgs } from './dto/metric-query.args';
import { QueryStatus } from './models/graphql-enums';
import type { QueryResult } from './models/query-result.model';

/** Rows per page of a result (`pageNum`, `totalPages`, as in the dbt Semantic Layer API). */
export const PAGE_SIZE = 10_000;

export interface ExecutedQuery {
  compiled: CompiledQuery;
  result: WarehouseResult;
}

/** Maps the GraphQL arguments to the engine's input (the engine validates names and values). */
export function toQueryInput(args: MetricQueryArgs): MetricQueryInput {
  return {
    metrics: args.metrics,
    groupBy: args.groupBy,
    where: args.where,
    orderBy: args.orderBy,
    limit: args.limit,
    startTime: args.startTime,
    endTime: args.endTime,
    savedQuery: args.savedQuery,
  };
}

/** One page of an executed query, as the GraphQL QueryResult. */
export function toQueryResult(queryId: string, { compiled, result }: ExecutedQuery, pageNum = 1): QueryResult {
  const totalPages = Math.max(1, Math.ceil(result.rows.length / PAGE_SIZE));
  if (!Number.isInteger(pageNum) || pageNum < 1 || pageNum > totalPages) {
    throw new ApiError('INVALID_PAGE', `pageNum ${pageNum} is out of range: this result has ${totalPages} page(s) of up to ${PAGE_SIZE} rows.`);
  }
  const kinds = new Map(compiled.columns.map((c) => [c.name, c.kind]));
  return {
    queryId,
    status: QueryStatus.SUCCESSFUL,
    sql: compiled.sql,
    parameters: compiled.parameters,
    columns: result.columns.map((c) => ({ ...c, kind: kinds.get(c.name) ?? 'metric' })),
    rows: result.rows.slice((pageNum - 1) * PAGE_SIZE, pageNum * PAGE_SIZE),
    totalPages,
    bytesProcessed: result.bytesProcessed,
  };
}

/** Compiles metric queries for the configured warehouse and runs them there. */
@Injectable()
export class MetricQueryService {
  constructor(
    private readonly engine: SemanticEngine,
    @Inject(WAREHOUSE) private readonly warehouse: Warehouse,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  compile(input: MetricQueryInput, dialect = this.warehouse.dialect): CompiledQuery {
    return this.engine.compile(input, dialect);
  }

  /** Compiled to fetch at most one row more than the service returns, so an oversized result is detected, not loaded. */
  compileForRun(input: MetricQueryInput): CompiledQuery {
    const cap = this.config.maxResultRows + 1;
    return this.compile({ ...input, limit: Math.min(input.limit ?? cap, cap) });
  }

  async execute(compiled: CompiledQuery): Promise<WarehouseResult> {
    const result = await this.warehouse.execute(compiled.sql, compiled.parameters, { timeoutMs: this.config.queryTimeoutMs });
    if (result.rows.length > this.config.maxResultRows) {
      throw new ApiError(
        'RESULT_TOO_LARGE',
        `The query returns more than ${this.config.maxResultRows} rows. Add a limit or filters, or group by fewer or coarser dimensions (STRATUM_MAX_RESULT_ROWS sets the cap).`,
      );
    }
    return result;
  }

  /** What the compiled query would scan, asked of the warehouse without running it. */
  async dryRun(compiled: CompiledQuery): Promise<DryRunResult> {
    if (compiled.dialect !== this.warehouse.dialect) {
      throw new SemanticError(
        'INVALID_QUERY',
        `A dry run asks the warehouse, which speaks ${this.warehouse.dialect}: drop dialect: ${compiled.dialect.toUpperCase()} or dryRun.`,
      );
    }
    return this.warehouse.dryRun(compiled.sql, compiled.parameters);
  }

  async run(input: MetricQueryInput): Promise<ExecutedQuery> {
    const compiled = this.compileForRun(input);
    return { compiled, result: await this.execute(compiled) };
  }
}
