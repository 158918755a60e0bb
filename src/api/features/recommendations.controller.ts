import { Body, Controller, Get, HttpCode, Inject, Param, Put, Query, UseFilters } from '@nestjs/common';
import type { FeatureServing } from '../../features/serving/open-feature-serving';
import { parseRecommendationLists, parseRecommendQuery, recommendationsJson } from '../../features/recommendations/recommendations-request';
import { FEATURE_SERVING } from './feature-serving.tokens';
import { ServingHttpErrorFilter } from './serving-http-error.filter';

/** Recommendations for product backends: read the served list, write precomputed lists. */
@Controller('v1')
@UseFilters(ServingHttpErrorFilter)
export class RecommendationsController {
  constructor(@Inject(FEATURE_SERVING) private readonly serving: FeatureServing) {}

  @Get('users/:id/recommendations')
  async recommendations(@Param('id') id: string, @Query() query: Record<string, unknown>) {
    return recommendationsJson(await this.serving.recommendations.recommend(id, parseRecommendQuery(query)));
  }

  @Put('recommendations')
  @HttpCode(200)
  async write(@Body() body: unknown) {
    const lists = parseRecommendationLists(body, this.serving.limits.maxPushRows);
    await this.serving.recommendationStore.writeLists(lists);
    return { written: lists.length };
  }
}
