import { Global, Inject, Logger, Module, type OnApplicationShutdown } from '@nestjs/common';
import { ProgressBar } from '../common/progress-bar';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { openWarehouse } from './open-warehouse';
import type { Warehouse } from './warehouse';

/** Injection token of the configured Warehouse (DuckDB or BigQuery: two real implementations). */
export const WAREHOUSE = Symbol('WAREHOUSE');

@Global()
@Module({
  providers: [
    {
      provide: WAREHOUSE,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => {
        const logger = new Logger('Warehouse');
        // A bar on a terminal; one note per run in logs.
        const bar = new ProgressBar(process.stderr, 'Generating the demo marts (first start only)');
        return openWarehouse(config, {
          onDemoProgress: (p) => bar.update(p),
          onDemoReady: (d) => {
            bar.finish(`Demo marts generated in ${d.seconds.toFixed(1)} s`);
            logger.log(`Serving the demo marts from ${d.path}`);
          },
        });
      },
    },
  ],
  exports: [WAREHOUSE],
})
export class WarehouseModule implements OnApplicationShutdown {
  constructor(@Inject(WAREHOUSE) private readonly warehouse: Warehouse) {}

  async onApplicationShutdown(): Promise<void> {
    await this.warehouse.close();
  }
}
