import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG } from '../../config/config.module';
import type { AppConfig } from '../../config/app-config';
import { SemanticEngine, SemanticError, type CompiledQuery, type MetricQueryInput } from '../../semantic';
import type { DryRunResult, Warehouse, WarehouseResult } from '../../warehouse/warehouse';
import { WAREHOUSE } from '../../warehouse/warehouse.module';
import type { MetricQueryArgs } from './dto/metric-query.args';

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

  async execute(compiled: CompiledQuery): Promise<WarehouseResult> {
    return this.warehouse.execute(compiled.sql, compiled.parameters, { timeoutMs: this.config.queryTimeoutMs });
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
    const compiled = this.compile(input);
    return { compiled, result: await this.execute(compiled) };
  }
}
