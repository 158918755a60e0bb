import { Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { GraphQLErrorFilter } from '../graphql-error.filter';
import { CatalogResolver } from './catalog.resolver';
import { MetricQueryService } from './metric-query.service';
import { QueryJobsService } from './query-jobs.service';
import { QueryResolver } from './query.resolver';

/** Metrics over GraphQL: the catalog and metric queries, on the semantic engine. */
@Module({
  providers: [
    { provide: APP_FILTER, useClass: GraphQLErrorFilter },
    MetricQueryService,
    QueryJobsService,
    CatalogResolver,
    QueryResolver,
  ],
})
export class MetricsModule {}
