import { Global, Module, type DynamicModule } from '@nestjs/common';
import { SemanticEngine } from '../semantic';

/**
 * Provides the SemanticEngine built by main.ts before Nest starts: definitions are validated (every
 * problem listed) before the warehouse is opened or the demo marts are generated.
 */
@Global()
@Module({})
export class SemanticLayerModule {
  static forRoot(engine: SemanticEngine): DynamicModule {
    return { module: SemanticLayerModule, providers: [{ provide: SemanticEngine, useValue: engine }], exports: [SemanticEngine] };
  }
}
