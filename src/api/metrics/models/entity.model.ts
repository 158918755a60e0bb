import { Field, ObjectType } from '@nestjs/graphql';
import { EntityType } from './graphql-enums';

@ObjectType({ description: 'A join key: metrics can be grouped by it and dimensions are reached through it.' })
export class Entity {
  @Field()
  name!: string;

  @Field(() => String, { nullable: true })
  description?: string;

  @Field(() => String, { nullable: true })
  label?: string;

  @Field(() => EntityType)
  type!: EntityType;

  @Field(() => String, { nullable: true })
  role?: string;

  @Field()
  semanticModel!: string;
}
