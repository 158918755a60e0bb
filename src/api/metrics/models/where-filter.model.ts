import { Field, ObjectType } from '@nestjs/graphql';

@ObjectType({ description: 'A MetricFlow where filter (dbt Semantic Layer WhereFilter).' })
export class WhereFilter {
  @Field({
    description:
      "The filter, e.g. {{ Dimension('order__order_status') }} != 'canceled'. Several filters on one object are ANDed here, each in parentheses.",
  })
  whereSqlTemplate!: string;

  @Field(() => [String], { description: 'Each filter as written in the definitions.' })
  whereSqlTemplates!: string[];
}
