import { Field, Float, Int, ObjectType } from '@nestjs/graphql';
import { JSONScalar } from '../../graphql-scalars';
import { QueryStatus } from './graphql-enums';

@ObjectType({ description: 'A result column: its MetricFlow output name and value type.' })
export class ResultColumn {
  @Field()
  name!: string;

  @Field({ description: 'STRING, INTEGER, FLOAT, NUMERIC, BOOLEAN, DATE, TIMESTAMP or JSON.' })
  type!: string;

  @Field({ description: 'metric, categorical, time or entity.' })
  kind!: string;
}

@ObjectType({ description: 'A query: its status, compiled SQL, and once SUCCESSFUL its typed rows.' })
export class QueryResult {
  @Field()
  queryId!: string;

  @Field(() => QueryStatus)
  status!: QueryStatus;

  @Field(() => String, { nullable: true, description: 'The SQL sent to the warehouse (values are parameters).' })
  sql?: string;

  @Field(() => JSONScalar, { nullable: true, description: 'Named parameters of the SQL.' })
  parameters?: Record<string, unknown>;

  @Field(() => [ResultColumn], { nullable: true })
  columns?: ResultColumn[];

  @Field(() => [[JSONScalar]], { nullable: 'itemsAndList', description: 'Rows as arrays in column order; dates and times as ISO strings.' })
  rows?: unknown[][];

  @Field(() => String, {
    nullable: true,
    description: "Base64 of the rows as JSON in pandas' 'table' orientation, as dbt's jsonResult.",
  })
  jsonResult?: string;

  @Field(() => Int, { nullable: true })
  totalPages?: number;

  @Field(() => String, { nullable: true })
  error?: string;

  @Field(() => String, { nullable: true, description: 'Error code when FAILED, e.g. UNKNOWN_METRIC.' })
  errorCode?: string;

  @Field(() => Float, { nullable: true, description: 'Bytes the warehouse scanned (BigQuery).' })
  bytesProcessed?: number;
}

@ObjectType()
export class CreateQueryResult {
  @Field()
  queryId!: string;
}

@ObjectType()
export class CompileSqlResult {
  @Field()
  sql!: string;

  @Field(() => JSONScalar, { description: 'Named parameters: @name in BigQuery SQL, $name in DuckDB SQL.' })
  parameters!: Record<string, unknown>;

  @Field()
  dialect!: string;

  @Field(() => Float, { nullable: true, description: 'With dryRun: the bytes the warehouse would scan (BigQuery dry run; 0 on DuckDB).' })
  bytesProcessed?: number;
}
