import { Field, Int, ObjectType } from '@nestjs/graphql';
import { DatePart, TimeGranularity } from './graphql-enums';
import { WhereFilterIntersection } from './metric.model';

@ObjectType()
export class SavedQueryMetricParam {
  @Field()
  name!: string;
}

@ObjectType()
export class SavedQueryGroupByParam {
  @Field()
  name!: string;

  @Field(() => TimeGranularity, { nullable: true })
  grain?: TimeGranularity;

  @Field(() => DatePart, { nullable: true })
  datePart?: DatePart;
}

@ObjectType()
export class SavedQueryParams {
  @Field(() => [SavedQueryMetricParam])
  metrics!: SavedQueryMetricParam[];

  @Field(() => [SavedQueryGroupByParam])
  groupBy!: SavedQueryGroupByParam[];

  @Field(() => WhereFilterIntersection, { nullable: true })
  where?: WhereFilterIntersection;

  @Field(() => [String])
  orderBy!: string[];

  @Field(() => Int, { nullable: true })
  limit?: number;
}

@ObjectType()
export class ExportConfig {
  @Field()
  exportAs!: string;

  @Field(() => String, { nullable: true })
  schemaName?: string;

  @Field(() => String, { nullable: true })
  alias?: string;
}

@ObjectType()
export class SavedQueryExport {
  @Field()
  name!: string;

  @Field(() => ExportConfig)
  config!: ExportConfig;
}

@ObjectType({ description: 'A named query defined with the metrics (dbt saved_queries).' })
export class SavedQuery {
  @Field()
  name!: string;

  @Field(() => String, { nullable: true })
  description?: string;

  @Field(() => String, { nullable: true })
  label?: string;

  @Field(() => SavedQueryParams)
  queryParams!: SavedQueryParams;

  @Field(() => [SavedQueryExport])
  exports!: SavedQueryExport[];

  @Field(() => [String])
  tags!: string[];
}
