import { Args, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { SemanticEngine } from '../../semantic';
import { BigIntScalar } from '../graphql-scalars';
import { toDimension, toEntity, toLineage, toMeasure, toMetric, toSavedQuery } from './catalog-mapper';
import { GroupByInput, MetricInput } from './dto/metric-query.args';
import { Dimension } from './models/dimension.model';
import { Entity } from './models/entity.model';
import { TimeGranularity } from './models/graphql-enums';
import { Measure } from './models/measure.model';
import { MetricLineage } from './models/metric-lineage.model';
import { Metric } from './models/metric.model';
import { SavedQuery } from './models/saved-query.model';

const names = (metrics: MetricInput[]) => metrics.map((m) => m.name);

/** The metric catalog, named as the dbt Semantic Layer GraphQL API names it. */
@Resolver(() => Metric)
export class CatalogResolver {
  constructor(private readonly engine: SemanticEngine) {}

  @Query(() => [Metric], { description: 'Every metric, with its definition and lineage.' })
  metrics(@Args('environmentId', { type: () => BigIntScalar, nullable: true }) _environmentId?: string) {
    return this.engine.catalog.metrics().map(toMetric);
  }

  @Query(() => Metric, { description: 'One metric by name.' })
  metric(@Args('name') name: string, @Args('environmentId', { type: () => BigIntScalar, nullable: true }) _environmentId?: string) {
    return toMetric(this.engine.catalog.metric(name));
  }

  @Query(() => [Dimension], { description: 'Dimensions every one of the metrics can be grouped by.' })
  dimensions(
    @Args('metrics', { type: () => [MetricInput] }) metrics: MetricInput[],
    @Args('environmentId', { type: () => BigIntScalar, nullable: true }) _environmentId?: string,
  ) {
    return this.engine.catalog.dimensions(names(metrics)).map(toDimension);
  }

  @Query(() => [Entity], { description: 'Entities every one of the metrics can be grouped by.' })
  entities(
    @Args('metrics', { type: () => [MetricInput] }) metrics: MetricInput[],
    @Args('environmentId', { type: () => BigIntScalar, nullable: true }) _environmentId?: string,
  ) {
    return this.engine.catalog.entities(names(metrics)).map(toEntity);
  }

  @Query(() => [Measure], { description: 'The measures behind the metrics.' })
  measures(
    @Args('metrics', { type: () => [MetricInput] }) metrics: MetricInput[],
    @Args('environmentId', { type: () => BigIntScalar, nullable: true }) _environmentId?: string,
  ) {
    return this.engine.catalog.measures(names(metrics)).map(toMeasure);
  }

  @Query(() => [TimeGranularity], { description: 'Grains metric_time can be queried at for all of the metrics.' })
  queryableGranularities(
    @Args('metrics', { type: () => [MetricInput] }) metrics: MetricInput[],
    @Args('environmentId', { type: () => BigIntScalar, nullable: true }) _environmentId?: string,
  ) {
    return this.engine.catalog.queryableGranularities(names(metrics));
  }

  @Query(() => [Metric], { description: 'Metrics that can be grouped by every one of the dimensions.' })
  metricsForDimensions(
    @Args('dimensions', { type: () => [GroupByInput] }) dimensions: GroupByInput[],
    @Args('environmentId', { type: () => BigIntScalar, nullable: true }) _environmentId?: string,
  ) {
    return this.engine.catalog.metricsForDimensions(dimensions.map((d) => d.name)).map(toMetric);
  }

  @Query(() => [SavedQuery], { description: 'Saved queries, with their parameters, where filters and exports.' })
  savedQueries(@Args('environmentId', { type: () => BigIntScalar, nullable: true }) _environmentId?: string) {
    return this.engine.catalog.savedQueries().map(toSavedQuery);
  }

  @Query(() => SavedQuery, { description: 'One saved query by name; run it with query(savedQuery: name).' })
  savedQuery(@Args('name') name: string, @Args('environmentId', { type: () => BigIntScalar, nullable: true }) _environmentId?: string) {
    return toSavedQuery(this.engine.catalog.savedQuery(name));
  }

  @ResolveField('dimensions', () => [Dimension])
  metricDimensions(@Parent() metric: Metric) {
    return this.engine.catalog.dimensions([metric.name]).map(toDimension);
  }

  @ResolveField('entities', () => [Entity])
  metricEntities(@Parent() metric: Metric) {
    return this.engine.catalog.entities([metric.name]).map(toEntity);
  }

  @ResolveField('lineage', () => MetricLineage)
  metricLineage(@Parent() metric: Metric) {
    return toLineage(this.engine.catalog.lineage(metric.name));
  }
}
