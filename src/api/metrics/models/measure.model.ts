import { Field, ObjectType } from '@nestjs/graphql';
import { AggregationType } from './graphql-enums';

@ObjectType({ description: "A measure: an aggregation over a semantic model's table (a metric's lineage)." })
export class Measure {
  @Field()
  name!: string;

  @Field(() => String, { nullable: true })
  label?: string;

  @Field(() => String, { nullable: true })
  description?: string;

  @Field(() => AggregationType)
  agg!: AggregationType;

  @Field()
  expr!: string;

  @Field(() => String, { nullable: true })
  aggTimeDimension?: string;

  @Field({ description: 'The semantic model defining the measure.' })
  semanticModel!: string;

  @Field({ description: 'The table the semantic model reads: database.schema.table.' })
  relation!: string;
}
