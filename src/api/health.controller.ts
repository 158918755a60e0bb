import { Controller, Get, Inject } from '@nestjs/common';
import { SemanticEngine } from '../semantic';
import type { Warehouse } from '../warehouse/warehouse';
import { WAREHOUSE } from '../warehouse/warehouse.module';

@Controller()
export class HealthController {
  constructor(
    private readonly engine: SemanticEngine,
    @Inject(WAREHOUSE) private readonly warehouse: Warehouse,
  ) {}

  @Get('health')
  health() {
    return { status: 'ok', warehouse: this.warehouse.dialect, metrics: this.engine.graph.metrics.size };
  }
}
