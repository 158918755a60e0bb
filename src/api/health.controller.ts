import { Controller, Get, Inject } from '@nestjs/common';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import type { FeatureServing } from '../features/serving/open-feature-serving';
import { SemanticEngine } from '../semantic';
import type { Warehouse } from '../warehouse/warehouse';
import { WAREHOUSE } from '../warehouse/warehouse.module';
import { FEATURE_SERVING } from './features/feature-serving.tokens';

/** `GET /health`: liveness, and what this process serves from (no secrets). */
@Controller()
export class HealthController {
  constructor(
    private readonly engine: SemanticEngine,
    @Inject(WAREHOUSE) private readonly warehouse: Warehouse,
    @Inject(FEATURE_SERVING) private readonly serving: FeatureServing,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get('health')
  health() {
    return {
      status: 'ok',
      warehouse: this.warehouse.dialect,
      metrics: this.engine.graph.metrics.size,
      featureViews: this.serving.registry.views.length,
      onlineStore: this.config.serving.onlineStore.kind,
      cache: this.config.serving.cache.kind,
    };
  }
}
