import { Field, Int, ObjectType } from '@nestjs/graphql';
import { Dimension } from './dimension.model';
import { Entity } from './entity.model';
import { MetricType, TimeGranularity } from './graphql-enums';
import { Measure } from './measure.model';

@ObjectType()
export class WhereFilter {
  @Field({ description: "A MetricFlow filter, e.g. {{ Dimension('order__status') }} = 'paid'." })
  whereSqlTemplate!: string;
}

@ObjectType()
export class WhereFilterIntersection {
  @Field(() => [WhereFilter])
  whereFilters!: WhereFilter[];
}

@ObjectType()
export class MetricTimeWindow {
  @Field(() => Int)
  count!: number;

  @Field()
  granularity!: string;
}

@ObjectType({ description: 'A measure or metric used as an input, with its own filter and alias.' })
export class MetricInputRef {
  @Field()
  name!: string;

  @Field(() => String, { nullable: true })
  alias?: string;

  @Field(() => WhereFilterIntersection, { nullable: true })
  filter?: WhereFilterIntersection;

  @Field(() => MetricTimeWindow, { nullable: true })
  offsetWindow?: MetricTimeWindow;

  @Field(() => String, { nullable: true })
  offsetToGrain?: string;
}

@ObjectType()
export class MetricTypeParams {
  @Field(() => MetricInputRef, { nullable: true })
  measure?: MetricInputRef;

  @Field(() => MetricInputRef, { nullable: true })
  numerator?: MetricInputRef;

  @Field(() => MetricInputRef, { nullable: true })
  denominator?: MetricInputRef;

  @Field(() => String, { nullable: true })
  expr?: string;

  @Field(() => [MetricInputRef], { nullable: true })
  metrics?: MetricInputRef[];

  @Field(() => MetricTimeWindow, { nullable: true })
  window?: MetricTimeWindow;

  @Field(() => String, { nullable: true })
  grainToDate?: string;
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

  @Field(() => WhereFilterIntersection, { nullable: true })
  filter?: WhereFilterIntersection;

  @Field(() => String, { nullable: true, description: 'config.meta.owner' })
  owner?: string;

  @Field(() => TimeGranularity, { nullable: true, description: 'Default grain of metric_time for this metric.' })
  timeGranularity?: TimeGranularity;

  @Field()
  requiresMetricTime!: boolean;

  @Field(() => [TimeGranularity])
  queryableGranularities!: TimeGranularity[];

  @Field(() => [String], { description: 'Metrics this one is computed from (ratio and derived inputs).' })
  inputMetrics!: string[];

  @Field(() => [Measure], { description: 'Lineage: every measure behind the metric, each with its semantic model and table.' })
  measures!: Measure[];

  @Field(() => [Dimension])
  dimensions!: Dimension[];

  @Field(() => [Entity])
  entities!: Entity[];
}
