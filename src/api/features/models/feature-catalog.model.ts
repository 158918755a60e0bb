import { Field, Int, ObjectType } from '@nestjs/graphql';

@ObjectType({ description: 'What feature rows are keyed by (Feast\'s Entity).' })
export class FeatureEntity {
  @Field()
  name!: string;

  @Field({ description: 'The column that carries the key, e.g. user_id.' })
  joinKey!: string;

  @Field({ description: "Feast's ValueType of the key: STRING, INT64, …" })
  valueType!: string;

  @Field(() => String, { nullable: true })
  description?: string;
}

@ObjectType()
export class FeatureField {
  @Field()
  name!: string;

  @Field({ description: 'Feast dtype: Int64, Float64, String, Bool, UnixTimestamp, Bytes, Array(…).' })
  valueType!: string;

  @Field(() => String, { nullable: true })
  description?: string;

  @Field(() => String, { nullable: true, description: 'The semantic-layer metric the value comes from (metric-backed views).' })
  metric?: string;
}

@ObjectType({ description: 'Typed features read from one source, served online with a TTL (Feast\'s FeatureView).' })
export class FeatureView {
  @Field()
  name!: string;

  @Field(() => [FeatureEntity])
  entities!: FeatureEntity[];

  @Field(() => [FeatureField])
  features!: FeatureField[];

  @Field({ description: 'The source column holding each row\'s event time.' })
  timestampField!: string;

  @Field(() => Int, { description: 'Values older than this are served as OUTSIDE_MAX_AGE (0: no limit).' })
  ttlSeconds!: number;

  @Field({ description: 'embedded, bigtable or spanner.' })
  onlineStore!: string;

  @Field(() => Int, { description: 'Bumped when the shape changes; cached values of other versions are never served.' })
  version!: number;

  @Field({ description: 'table, query or metric.' })
  sourceKind!: string;

  @Field(() => String, { nullable: true })
  description?: string;

  @Field(() => String, { nullable: true })
  owner?: string;
}

@ObjectType()
export class FeatureViewProjection {
  @Field()
  featureView!: string;

  @Field(() => [String])
  features!: string[];
}

@ObjectType({ description: 'A named group of features one model reads (Feast\'s FeatureService).' })
export class FeatureService {
  @Field()
  name!: string;

  @Field(() => [FeatureViewProjection])
  projections!: FeatureViewProjection[];

  @Field(() => String, { nullable: true })
  description?: string;

  @Field(() => String, { nullable: true })
  owner?: string;
}
