import { Field, ObjectType } from '@nestjs/graphql';
import { JSONScalar } from '../../graphql-scalars';
import { Dimension } from './dimension.model';
import { Entity } from './entity.model';
import { MetricType, TimeGranularity } from './graphql-enums';
import { Measure } from './measure.model';
import { MetricLineage } from './metric-lineage.model';
import { MetricTypeParams } from './metric-type-params.model';
import { WhereFilter } from './where-filter.model';

@ObjectType()
export class MetricConfig {
  @Field(() => JSONScalar, { nullable: true, description: 'config.meta as written (owner, tiers, …).' })
  meta?: Record<string, unknown>;
}

@ObjectType({ description: 'A metric of the semantic layer, with its definition and lineage.' })
export class Metric {
  @Field()
  name!: string;

  @Field(() => String, { nullable: true })
  label?: string;

  @Field(() => String, { nullable: true })
  description?: string;

  @Field(() => MetricType)
  type!: MetricType;

  @Field(() => MetricTypeParams)
  typeParams!: MetricTypeParams;

  @Field(() => WhereFilter, { nullable: true, description: "The metric's own filter." })
  filter?: WhereFilter;

  @Field(() => String, { nullable: true, description: 'config.meta.owner' })
  owner?: string;

  @Field(() => MetricConfig)
  config!: MetricConfig;

  @Field(() => TimeGranularity, { nullable: true, description: 'Default grain of metric_time for this metric.' })
  timeGranularity?: TimeGranularity;

  @Field({ description: 'Whether the metric can only be queried grouped by metric_time (windowed cumulative, offset inputs).' })
  requiresMetricTime!: boolean;

  @Field(() => [TimeGranularity])
  queryableGranularities!: TimeGranularity[];

  @Field(() => [String], { description: 'Grains metric_time can be queried at, by name (custom granularities included).' })
  queryableTimeGranularities!: string[];

  @Field(() => [String], { description: 'Metrics this one is computed from (ratio and derived inputs), direct only.' })
  inputMetrics!: string[];

  @Field(() => [Measure], { description: 'Every measure behind the metric, each with its semantic model and table.' })
  measures!: Measure[];

  @Field(() => [Dimension])
  dimensions!: Dimension[];

  @Field(() => [Entity])
  entities!: Entity[];

  @Field(() => MetricLineage, { description: 'Input metrics at every depth, their measures, semantic models and tables.' })
  lineage!: MetricLineage;
}
