import { Field, Int, ObjectType } from '@nestjs/graphql';
import { DatePart, ExportDestinationType, TimeGranularity } from './graphql-enums';
import { WhereFilter } from './where-filter.model';

@ObjectType()
export class SavedQueryMetricParam {
  @Field()
  name!: string;
}

@ObjectType()
export class SavedQueryGroupByParam {
  @Field()
  name!: string;

  @Field(() => TimeGranularity, { nullable: true, description: 'A standard grain; see timeGranularity for custom ones.' })
  grain?: TimeGranularity;

  @Field(() => String, { nullable: true, description: 'The grain by name, custom granularities included.' })
  timeGranularity?: string;

  @Field(() => DatePart, { nullable: true })
  datePart?: DatePart;
}

@ObjectType()
export class SavedQueryParams {
  @Field(() => [SavedQueryMetricParam])
  metrics!: SavedQueryMetricParam[];

  @Field(() => [SavedQueryGroupByParam])
  groupBy!: SavedQueryGroupByParam[];

  @Field(() => WhereFilter, { nullable: true, description: 'Filters applied whenever the saved query runs.' })
  where?: WhereFilter;

  @Field(() => [String], { description: 'Output names, as written (e.g. metric_time__month).' })
  orderBy!: string[];

  @Field(() => Int, { nullable: true })
  limit?: number;
}

@ObjectType()
export class ExportConfig {
  @Field(() => ExportDestinationType)
  exportAs!: ExportDestinationType;

  @Field(() => String, { nullable: true, description: 'Schema the export writes to (the deployment schema when unset).' })
  schema?: string;

  @Field(() => String, { nullable: true, description: 'Table or view name (the export name when unset).' })
  alias?: string;
}

@ObjectType({ description: 'A table or view a saved query is written to on a schedule (dbt exports).' })
export class SavedQueryExport {
  @Field()
  name!: string;

  @Field(() => ExportConfig)
  config!: ExportConfig;
}

@ObjectType({ description: 'A named query defined with the metrics (dbt saved_queries); run it with query(savedQuery: name).' })
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
