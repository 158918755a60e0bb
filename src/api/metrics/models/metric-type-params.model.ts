import { Field, Float, Int, ObjectType } from '@nestjs/graphql';
import { ConversionCalculationType, PeriodAggregation } from './graphql-enums';
import { WhereFilter } from './where-filter.model';

@ObjectType({ description: 'A time window, e.g. 7 days (granularity as written: a standard or custom granularity name).' })
export class MetricTimeWindow {
  @Field(() => Int)
  count!: number;

  @Field()
  granularity!: string;
}

@ObjectType({ description: "A measure used as a metric's input, with its own filter and alias (dbt MetricInputMeasure)." })
export class MetricInputMeasure {
  @Field()
  name!: string;

  @Field(() => WhereFilter, { nullable: true })
  filter?: WhereFilter;

  @Field(() => String, { nullable: true })
  alias?: string;

  @Field({ description: 'Whether periods without rows are filled from the time spine.' })
  joinToTimespine!: boolean;

  @Field(() => Float, { nullable: true, description: 'The value that replaces NULL results.' })
  fillNullsWith?: number;
}

@ObjectType({ description: "A metric used as an input of a ratio or derived metric, with its own filter, alias and offset (dbt MetricInput)." })
export class MetricInputRef {
  @Field()
  name!: string;

  @Field(() => WhereFilter, { nullable: true })
  filter?: WhereFilter;

  @Field(() => String, { nullable: true })
  alias?: string;

  @Field(() => MetricTimeWindow, { nullable: true, description: 'The input as of this long ago, e.g. 1 week.' })
  offsetWindow?: MetricTimeWindow;

  @Field(() => String, { nullable: true, description: 'The input as of the start of this grain, e.g. month.' })
  offsetToGrain?: string;
}

@ObjectType()
export class CumulativeTypeParams {
  @Field(() => MetricTimeWindow, { nullable: true, description: 'A trailing window; neither this nor grainToDate means all time.' })
  window?: MetricTimeWindow;

  @Field(() => String, { nullable: true, description: 'Accumulate from the start of this grain (e.g. month: month-to-date).' })
  grainToDate?: string;

  @Field(() => PeriodAggregation, { description: 'Which value stands for a coarser period when queried above the data grain (default FIRST).' })
  periodAgg!: PeriodAggregation;
}

@ObjectType()
export class ConstantProperty {
  @Field()
  baseProperty!: string;

  @Field()
  conversionProperty!: string;
}

@ObjectType()
export class ConversionTypeParams {
  @Field(() => MetricInputMeasure)
  baseMeasure!: MetricInputMeasure;

  @Field(() => MetricInputMeasure)
  conversionMeasure!: MetricInputMeasure;

  @Field({ description: 'The entity whose base event must be followed by a conversion event.' })
  entity!: string;

  @Field(() => ConversionCalculationType, { description: 'CONVERSION_RATE unless the definition says otherwise.' })
  calculation!: ConversionCalculationType;

  @Field(() => MetricTimeWindow, { nullable: true, description: 'How long after the base event a conversion counts.' })
  window?: MetricTimeWindow;

  @Field(() => [ConstantProperty])
  constantProperties!: ConstantProperty[];
}

@ObjectType({ description: "A metric's type parameters: which fields are set depends on its type." })
export class MetricTypeParams {
  @Field(() => MetricInputMeasure, { nullable: true, description: 'simple and cumulative metrics.' })
  measure?: MetricInputMeasure;

  @Field(() => [MetricInputMeasure], { description: 'Every measure the metric aggregates, through its inputs.' })
  inputMeasures!: MetricInputMeasure[];

  @Field(() => MetricInputRef, { nullable: true, description: 'ratio metrics.' })
  numerator?: MetricInputRef;

  @Field(() => MetricInputRef, { nullable: true, description: 'ratio metrics.' })
  denominator?: MetricInputRef;

  @Field(() => String, { nullable: true, description: 'derived metrics: the expression over the input metrics (by alias or name).' })
  expr?: string;

  @Field(() => MetricTimeWindow, { nullable: true, description: 'cumulative metrics (also in cumulativeTypeParams).' })
  window?: MetricTimeWindow;

  @Field(() => String, { nullable: true, description: 'cumulative metrics (also in cumulativeTypeParams).' })
  grainToDate?: string;

  @Field(() => [MetricInputRef], { nullable: true, description: 'derived metrics.' })
  metrics?: MetricInputRef[];

  @Field(() => CumulativeTypeParams, { nullable: true })
  cumulativeTypeParams?: CumulativeTypeParams;

  @Field(() => ConversionTypeParams, { nullable: true })
  conversionTypeParams?: ConversionTypeParams;
}
