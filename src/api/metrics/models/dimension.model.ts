import { Field, ObjectType } from '@nestjs/graphql';
import { DimensionType, TimeGranularity } from './graphql-enums';

@ObjectType({ description: 'A dimension a set of metrics can be grouped by, named in MetricFlow form (entity__dimension).' })
export class Dimension {
  @Field({ description: 'Name to group by, e.g. customer__country or metric_time.' })
  name!: string;

  @Field()
  qualifiedName!: string;

  @Field(() => String, { nullable: true })
  description?: string;

  @Field(() => String, { nullable: true })
  label?: string;

  @Field(() => DimensionType)
  type!: DimensionType;

  @Field(() => [TimeGranularity], { description: 'Grains a time dimension can be queried at.' })
  queryableGranularities!: TimeGranularity[];

  @Field(() => String, { nullable: true })
  expr?: string;

  @Field()
  isPartition!: boolean;

  @Field(() => String, { nullable: true, description: 'The semantic model defining it.' })
  semanticModel?: string;
}
