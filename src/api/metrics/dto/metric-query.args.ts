import { ArgsType, Field, InputType, Int } from '@nestjs/graphql';
import { BigIntScalar } from '../../graphql-scalars';
import { DatePart, TimeGranularity } from '../models/graphql-enums';

@InputType({ description: 'A metric to query, by name.' })
export class MetricInput {
  @Field()
  name!: string;

  @Field(() => String, { nullable: true, description: 'Output column name instead of the metric name.' })
  alias?: string;
}

@InputType({ description: 'A group-by: a dimension or entity (customer__country), or a time dimension with a grain or date part.' })
export class GroupByInput {
  @Field({ description: 'MetricFlow name, e.g. metric_time, metric_time__month, customer__country.' })
  name!: string;

  @Field(() => TimeGranularity, { nullable: true })
  grain?: TimeGranularity;

  @Field(() => DatePart, { nullable: true })
  datePart?: DatePart;
}

@InputType({ description: "A MetricFlow where filter, e.g. {{ Dimension('customer__country') }} = 'FR'." })
export class WhereInput {
  @Field()
  sql!: string;
}

@InputType({ description: 'Order by a metric or a group-by of the query.' })
export class OrderByInput {
  @Field(() => MetricInput, { nullable: true })
  metric?: MetricInput;

  @Field(() => GroupByInput, { nullable: true })
  groupBy?: GroupByInput;

  @Field({ defaultValue: false })
  descending!: boolean;
}

/** The arguments of query, compileSql and createQuery (the dbt Semantic Layer API's, plus time bounds). */
@ArgsType()
export class MetricQueryArgs {
  @Field(() => BigIntScalar, { nullable: true, description: 'Accepted for dbt Semantic Layer clients; Stratum serves one environment.' })
  environmentId?: string;

  @Field(() => [MetricInput], { nullable: true })
  metrics?: MetricInput[];

  @Field(() => [GroupByInput], { nullable: true })
  groupBy?: GroupByInput[];

  @Field(() => [WhereInput], { nullable: true })
  where?: WhereInput[];

  @Field(() => [OrderByInput], { nullable: true })
  orderBy?: OrderByInput[];

  @Field(() => Int, { nullable: true })
  limit?: number;

  @Field(() => String, { nullable: true, description: 'Inclusive lower bound of metric_time (ISO 8601), widened to the queried grain.' })
  startTime?: string;

  @Field(() => String, { nullable: true, description: 'Inclusive upper bound of metric_time (ISO 8601), widened to the queried grain.' })
  endTime?: string;

  @Field(() => String, { nullable: true, description: 'Run a saved query by name (with its own metrics, group-bys and filters).' })
  savedQuery?: string;
}
