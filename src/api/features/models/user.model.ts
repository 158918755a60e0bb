import { Field, Float, ID, Int, ObjectType } from '@nestjs/graphql';
import { JSONScalar } from '../../graphql-scalars';

@ObjectType({ description: 'A user as product backends see it: online features, recommendations, preferences.' })
export class User {
  @Field(() => ID)
  id!: string;
}

@ObjectType()
export class RecommendedItem {
  @Field()
  itemId!: string;

  @Field(() => Float)
  score!: number;

  @Field({ description: 'personalized (the user\'s list) or popular (the top-up).' })
  source!: string;
}

@ObjectType()
export class UserRecommendations {
  @Field({ description: 'personalized, personalized+popular or popular: which source answered.' })
  source!: string;

  @Field(() => String, { nullable: true, description: 'When the personalized list was produced (RFC 3339).' })
  generatedAt!: string | null;

  @Field(() => String, { nullable: true })
  model!: string | null;

  @Field(() => [RecommendedItem])
  items!: RecommendedItem[];
}

@ObjectType({ description: 'Seed 001\'s UserPreferences row.' })
export class UserPreferencesModel {
  @Field(() => [Float], { nullable: true })
  preferenceVector!: number[] | null;

  @Field(() => String, { nullable: true })
  lastInteractionAt!: string | null;

  @Field(() => JSONScalar, { nullable: true })
  recommendationSettings!: unknown;

  @Field(() => Int, { nullable: true })
  versionId!: number | null;
}

@ObjectType({ description: 'What a GDPR erase removed; running it again removes nothing more.' })
export class EraseUserResult {
  @Field()
  userId!: string;

  @Field(() => [String])
  featureViews!: string[];

  @Field()
  userDataRemoved!: boolean;

  @Field()
  erasedAt!: string;
}
