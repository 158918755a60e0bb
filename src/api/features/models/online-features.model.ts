import { Field, InputType, ObjectType, registerEnumType } from '@nestjs/graphql';
import { JSONScalar } from '../../graphql-scalars';

export enum FeatureStatus {
  PRESENT = 'PRESENT',
  NOT_FOUND = 'NOT_FOUND',
  NULL_VALUE = 'NULL_VALUE',
  OUTSIDE_MAX_AGE = 'OUTSIDE_MAX_AGE',
}
registerEnumType(FeatureStatus, { name: 'FeatureStatus', description: "Feast's field status of a served value." });

@ObjectType()
export class OnlineFeatureValue {
  @Field({ description: 'The feature name (view__feature with fullFeatureNames).' })
  name!: string;

  @Field(() => JSONScalar, { nullable: true, description: 'The value; Bytes as base64; null unless PRESENT.' })
  value!: unknown;

  @Field(() => FeatureStatus)
  status!: FeatureStatus;

  @Field(() => String, { nullable: true, description: 'Event time of the value (RFC 3339); null when not found.' })
  eventTimestamp!: string | null;
}

@ObjectType({ description: 'One entity row of an online read.' })
export class OnlineFeatureRow {
  @Field(() => JSONScalar, { description: 'Join key → the key value, for every entity of the row.' })
  entities!: Record<string, unknown>;

  @Field(() => [OnlineFeatureValue])
  features!: OnlineFeatureValue[];
}

@InputType({ description: 'The values of one join key (one per entity row), as in Feast\'s entities object.' })
export class EntityKeysInput {
  @Field()
  joinKey!: string;

  @Field(() => [String])
  values!: string[];
}
