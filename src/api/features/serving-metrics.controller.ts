import { Controller, Get, Header } from '@nestjs/common';
import { ServingMetrics } from './serving-metrics';

/** `GET /metrics` for Prometheus to scrape. */
@Controller()
export class ServingMetricsController {
  constructor(private readonly metrics: ServingMetrics) {}

  @Get('metrics')
  @Header('content-type', 'text/plain; version=0.0.4; charset=utf-8')
  render(): string {
    return this.metrics.render();
  }
}
