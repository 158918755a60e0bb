import { Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import type { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { SemanticEngine } from '../../semantic';
import { GraphQLErrorFilter } from '../graphql-error.filter';
import { CatalogResolver } from './catalog.resolver';
import { MetricQueryService } from './metric-query.service';
import { QueryJobsService } from './query-jobs.service';
import { QueryResolver } from './query.resolver';

/** Metrics over GraphQL: the catalog and metric queries, on the semantic engine. */
@Module({
  providers: [
    {
      provide: SemanticEngine,
      inject: [APP_CONFIG],
      // Loading validates every definition: a bad semantic layer stops the start with every problem listed.
      useFactory: (config: AppConfig) => SemanticEngine.load(config.semanticLayerPath, { schema: config.dbtSchema, database: config.dbtDatabase }),
    },
    { provide: APP_FILTER, useClass: GraphQLErrorFilter },
    MetricQueryService,
    QueryJobsService,
    CatalogResolver,
    QueryResolver,
  ],
  exports: [SemanticEngine],
})
export class MetricsModule {}
