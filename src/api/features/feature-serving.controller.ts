import { Body, Controller, HttpCode, Inject, Post, UseFilters } from '@nestjs/common';
import type { FeatureServing } from '../../features/serving/open-feature-serving';
import { FEATURE_SERVING } from './feature-serving.tokens';
import { ServingHttpErrorFilter } from './serving-http-error.filter';

/**
 * Feast's feature-server HTTP API (`feast serve`), so backends on Feast can switch by changing the
 * URL: the same request and response shapes. Thin: parsing, reads and errors live in FeatureServer.
 */
@Controller()
@UseFilters(ServingHttpErrorFilter)
export class FeatureServingController {
  constructor(@Inject(FEATURE_SERVING) private readonly serving: FeatureServing) {}

  @Post('get-online-features')
  @HttpCode(200)
  getOnlineFeatures(@Body() body: unknown) {
    return this.serving.server.getOnlineFeatures(body);
  }

  @Post('push')
  @HttpCode(200)
  push(@Body() body: unknown) {
    return this.serving.server.push(body);
  }
}
