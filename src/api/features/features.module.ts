import { Global, Inject, Logger, Module, type OnApplicationShutdown } from '@nestjs/common';
import type { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { openFeatureServing, type FeatureServing } from '../../features/serving/open-feature-serving';
import { SemanticEngine } from '../../semantic';
import type { Warehouse } from '../../warehouse/warehouse';
import { WAREHOUSE } from '../../warehouse/warehouse.module';
import { materializeDemo, shouldMaterializeDemo } from './demo-materialization';
import { ServingMetrics } from './serving-metrics';
import { FeatureCatalogResolver } from './feature-catalog.resolver';
import { FeastRoutes } from './feast-routes';
import { RecommendationsController } from './recommendations.controller';
import { UserResolver } from './user.resolver';
import { FEATURE_SERVING } from './feature-serving.tokens';
import { ServingMetricsController } from './serving-metrics.controller';

/** The background demo materialization of this process, awaited at shutdown (never closes the store under it). */
const demoRun: { promise?: Promise<void> } = {};

/** Feature serving: Feast's REST API, the online store and the cache in front of it. */
@Global()
@Module({
  providers: [
    ServingMetrics,
    FeastRoutes,
    FeatureCatalogResolver,
    UserResolver,
    {
      provide: FEATURE_SERVING,
      inject: [APP_CONFIG, SemanticEngine, WAREHOUSE, ServingMetrics],
      useFactory: (config: AppConfig, engine: SemanticEngine, warehouse: Warehouse, metrics: ServingMetrics) => {
        const logger = new Logger('FeatureServing');
        let lastLog = 0;
        // Redis down is logged at most every 10 s; every bypass is counted in /metrics.
        const throttled = (message: string) => {
          if (Date.now() - lastLog < 10_000) return;
          lastLog = Date.now();
          logger.warn(message);
        };
        return openFeatureServing(config.serving, { engine, warehouse, schema: config.dbtSchema }, {
          onCacheBypass: (e) => throttled(`cache unavailable, reading from the store: ${e instanceof Error ? e.message : String(e)}`),
          onCacheError: (e, during) => throttled(`cache ${during} failed: ${e instanceof Error ? e.message : String(e)}`),
        }).then((serving) => {
          if (shouldMaterializeDemo(config)) demoRun.promise = materializeDemo(serving, warehouse, engine);
          return metrics.attach(serving, config.serving.onlineStore.kind);
        });
      },
    },
  ],
  controllers: [RecommendationsController, ServingMetricsController],
  exports: [FEATURE_SERVING],
})
export class FeaturesModule implements OnApplicationShutdown {
  constructor(@Inject(FEATURE_SERVING) private readonly serving: FeatureServing) {}

  async onApplicationShutdown(): Promise<void> {
    await demoRun.promise;
    await this.serving.close();
  }
}
