import { Field, Int, ObjectType } from '@nestjs/graphql';
import { AggregationType, MetricType } from './graphql-enums';

@ObjectType({ description: 'A metric in a lineage; its inputs are named, so the list describes the whole graph.' })
export class LineageMetric {
  @Field()
  name!: string;

  @Field(() => MetricType)
  type!: MetricType;

  @Field(() => String, { nullable: true })
  label?: string;

  @Field(() => Int, { description: '0 for the metric asked about, 1 for its inputs, and so on (the shortest path).' })
  depth!: number;

  @Field(() => [String], { description: 'Metrics it is computed from: ratio numerator and denominator, derived inputs.' })
  inputMetrics!: string[];

  @Field(() => [String], { description: "Metrics its filters reference as {{ Metric('…', group_by=[…]) }}." })
  filterMetrics!: string[];

  @Field(() => [String], { description: 'Measures it aggregates itself.' })
  measures!: string[];
}

@ObjectType()
export class LineageMeasure {
  @Field()
  name!: string;

  @Field(() => AggregationType)
  agg!: AggregationType;

  @Field()
  expr!: string;

  @Field()
  semanticModel!: string;

  @Field(() => [String], { description: 'The lineage metrics that aggregate it directly.' })
  metrics!: string[];
}

@ObjectType({ description: 'The warehouse table or view a semantic model reads (dbt node_relation).' })
export class NodeRelation {
  @Field(() => String, { nullable: true })
  database?: string;

  @Field()
  schemaName!: string;

  @Field({ description: 'The table or view name.' })
  alias!: string;

  @Field(() => String, { nullable: true, description: 'As dbt renders it, when the definitions carry it.' })
  relationName?: string;
}

@ObjectType()
export class LineageSemanticModel {
  @Field()
  name!: string;

  @Field(() => String, { nullable: true })
  label?: string;

  @Field(() => String, { nullable: true })
  description?: string;

  @Field(() => NodeRelation)
  nodeRelation!: NodeRelation;

  @Field({ description: 'database.schema.table (the parts that are set).' })
  relation!: string;

  @Field(() => [String], { description: 'The lineage measures it defines.' })
  measures!: string[];
}

@ObjectType({ description: 'Everything a metric is computed from, down to the warehouse tables.' })
export class MetricLineage {
  @Field(() => [LineageMetric], { description: 'The metric itself (depth 0), then its input metrics breadth-first, each once.' })
  metrics!: LineageMetric[];

  @Field(() => [LineageMeasure])
  measures!: LineageMeasure[];

  @Field(() => [LineageSemanticModel])
  semanticModels!: LineageSemanticModel[];
}
