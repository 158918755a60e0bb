import { Args, Int, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { MetricQueryArgs } from './dto/metric-query.args';
import { MetricQueryService, PAGE_SIZE, toQueryInput, toQueryResult } from './metric-query.service';
import { SqlDialectName } from './models/graphql-enums';
import { CompileSqlResult, CreateQueryResult, QueryResult } from './models/query-result.model';
import { QueryJobsService } from './query-jobs.service';
import { SemanticError } from '../../semantic';

/** Metric queries: run now (query with metrics), compile only (compileSql), or start and poll (createQuery + query(queryId)). */
@Resolver(() => QueryResult)
export class QueryResolver {
  constructor(
    private readonly queries: MetricQueryService,
    private readonly jobs: QueryJobsService,
  ) {}

  @Query(() => QueryResult, {
    description:
      'With queryId: the state of a query started by createQuery. Otherwise: runs the metric query now and returns its rows.',
  })
  async query(
    @Args() args: MetricQueryArgs,
    @Args('queryId', { type: () => String, nullable: true }) queryId?: string,
    @Args('pageNum', { type: () => Int, nullable: true, description: `Page of the rows (${PAGE_SIZE} a page), from 1.` }) pageNum?: number,
  ): Promise<QueryResult> {
    if (queryId) {
      if (args.metrics?.length || args.groupBy?.length || args.savedQuery) {
        throw new SemanticError('INVALID_QUERY', 'Pass either queryId (to poll a created query) or a query, not both.');
      }
      return this.jobs.get(queryId, pageNum ?? 1);
    }
    return toQueryResult('', await this.queries.run(toQueryInput(args)), pageNum ?? 1);
  }

  @Query(() => CompileSqlResult, { description: 'The SQL a metric query compiles to, for the warehouse or a given dialect.' })
  async compileSql(
    @Args() args: MetricQueryArgs,
    @Args('dialect', { type: () => SqlDialectName, nullable: true }) dialect?: SqlDialectName,
    @Args('dryRun', { nullable: true, description: "Also ask the warehouse what the query would scan (the warehouse's dialect only)." })
    dryRun?: boolean,
  ): Promise<CompileSqlResult> {
    const compiled = this.queries.compile(toQueryInput(args), dialect);
    const bytesProcessed = dryRun ? (await this.queries.dryRun(compiled)).bytesProcessed : undefined;
    return { sql: compiled.sql, parameters: compiled.parameters, dialect: compiled.dialect, bytesProcessed };
  }

  @Mutation(() => CreateQueryResult, { description: 'Starts a metric query; poll query(queryId) for its status and rows.' })
  createQuery(@Args() args: MetricQueryArgs): CreateQueryResult {
    return { queryId: this.jobs.create(toQueryInput(args)) };
  }

  /** dbt's jsonResult: base64 of the rows as pandas 'table'-orient JSON; built only when asked for. */
  @ResolveField('jsonResult', () => String, { nullable: true })
  jsonResult(@Parent() result: QueryResult): string | null {
    if (!result.columns || !result.rows) return null;
    const columns = result.columns;
    const json = {
      schema: { fields: columns.map((c) => ({ name: c.name, type: c.type.toLowerCase() })) },
      data: result.rows.map((row) => Object.fromEntries(columns.map((c, i) => [c.name, row[i]]))),
    };
    return Buffer.from(JSON.stringify(json)).toString('base64');
  }
}

