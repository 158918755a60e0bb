import { Global, Logger, Module, type DynamicModule } from '@nestjs/common';
import { SemanticEngine } from '../semantic';
import { typeEngineFromWarehouse } from '../warehouse/typed-engine';
import type { Warehouse } from '../warehouse/warehouse';
import { WAREHOUSE } from '../warehouse/warehouse.module';

/**
 * Provides the SemanticEngine: built by main.ts before Nest starts (definitions are validated, every
 * problem listed, before the warehouse is opened or the demo marts generated), then given the
 * warehouse's column types once the warehouse is open.
 */
@Global()
@Module({})
export class SemanticLayerModule {
  static forRoot(definitions: SemanticEngine): DynamicModule {
    return {
      module: SemanticLayerModule,
      providers: [
        {
          provide: SemanticEngine,
          inject: [WAREHOUSE],
          useFactory: async (warehouse: Warehouse) => {
            const { engine, missingTables } = await typeEngineFromWarehouse(definitions, warehouse);
            if (missingTables.length > 0) {
              new Logger('SemanticLayer').warn(
                `The warehouse has no table ${missingTables.join(', ')}: metrics reading them will fail until it exists.`,
              );
            }
            return engine;
          },
        },
      ],
      exports: [SemanticEngine],
    };
  }
}
