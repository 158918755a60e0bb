import { Global, Inject, Logger, Module, type OnApplicationShutdown } from '@nestjs/common';
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
        let lastStep = '';
        return openWarehouse(config, {
          onDemoProgress: (p) => {
            if (p.step !== lastStep) logger.log(`Generating demo marts: ${p.step} (${p.done}/${p.total})`);
            lastStep = p.step;
          },
          onDemoReady: (d) =>
            logger.log(d.created ? `Demo marts generated in ${d.seconds.toFixed(1)} s at ${d.path}` : `Demo marts: ${d.path}`),
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
