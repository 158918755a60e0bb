import { Inject, Logger } from '@nestjs/common';
import { Args, Context, ID, Int, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import type { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { requireUserId, type RecommendationLoaders } from '../../features/recommendations/recommendation-service';
import type { FeatureServing } from '../../features/serving/open-feature-serving';
import { buildOnlineFeaturesResponse } from '../../features/serving/online-features-response';
import { toOnlineFeatureRows } from './feature-mapper';
import { ServingRequestError } from '../../features/serving/serving-errors';
import { eraseUser } from '../../features/users/erase-user';
import { requestLoaders, requestScoped } from './feature-request-loaders';
import { FEATURE_SERVING } from './feature-serving.tokens';
import { OnlineFeatureValue } from './models/online-features.model';
import { EraseUserResult, User, UserPreferencesModel, UserRecommendations } from './models/user.model';
import { ApiError } from '../api-error';

/** `user(id)`: features, recommendations and preferences of one user, all through the request's DataLoaders. */
@Resolver(() => User)
export class UserResolver {
  private readonly logger = new Logger('Users');

  constructor(
    @Inject(FEATURE_SERVING) private readonly serving: FeatureServing,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Query(() => User, { description: 'A user by id (the `user` entity\'s key). Fields are batched across users of one request.' })
  user(@Args('id', { type: () => ID }) id: string): User {
    return { id: requireUserId(id) };
  }

  @ResolveField(() => [OnlineFeatureValue], { description: 'Online features of every view keyed by user (or of the views named), as view__feature.' })
  async features(
    @Parent() user: User,
    @Context() context: object,
    @Args('featureViews', { type: () => [String], nullable: true }) featureViews?: string[],
  ): Promise<OnlineFeatureValue[]> {
    const { registry, server } = this.serving;
    const problems: { path: string; message: string; fix?: string }[] = [];
    const views = featureViews === undefined ? registry.viewsOfEntity('user') : featureViews.flatMap((name, i) => registry.requireView(name, `featureViews[${i}]`, problems) ?? []);
    if (problems.length > 0) throw new ServingRequestError(problems);
    const loaders = requestLoaders(context, server);
    const reads = new Map(await Promise.all(views.map(async (v) => [v.name, await loaders.readMany(v, [user.id])] as const)));
    const response = buildOnlineFeaturesResponse(
      { selections: views.map((view) => ({ view, features: view.features })), entityColumns: [], rowCount: 1, fullFeatureNames: true },
      reads,
      new Date(),
    );
    return toOnlineFeatureRows(response, 0)[0]?.features ?? [];
  }

  @ResolveField(() => UserRecommendations)
  async recommendations(
    @Parent() user: User,
    @Context() context: object,
    @Args('limit', { type: () => Int, nullable: true }) limit?: number,
    @Args('excludeSeen', { type: () => Boolean, nullable: true }) excludeSeen?: boolean,
  ): Promise<UserRecommendations> {
    const r = await this.serving.recommendations.recommend(user.id, { limit, excludeSeen }, this.recLoaders(context));
    return { source: r.source, generatedAt: r.generatedAt?.toISOString() ?? null, model: r.model ?? null, items: r.items };
  }

  @ResolveField(() => UserPreferencesModel, { nullable: true, description: 'The UserPreferences row; null when the user has none.' })
  async preferences(@Parent() user: User, @Context() context: object): Promise<UserPreferencesModel | null> {
    const p = await this.recLoaders(context).preferences.load(user.id);
    if (p === null) return null;
    return { preferenceVector: p.preferenceVector, lastInteractionAt: p.lastInteractionAt?.toISOString() ?? null, recommendationSettings: p.recommendationSettings, versionId: p.versionId };
  }

  @Mutation(() => EraseUserResult, {
    description: 'GDPR erase: removes the user from every online store, the recommendation lists, the user data and the cache. Idempotent. Needs `authorization: Bearer <STRATUM_ADMIN_TOKEN>`.',
  })
  async eraseUser(@Args('id', { type: () => ID }) id: string, @Context() context: { reply?: { request?: { headers?: Record<string, string | undefined> } } }): Promise<EraseUserResult> {
    const token = this.config.adminToken;
    if (token === undefined) throw new ApiError('FORBIDDEN', 'Admin mutations are disabled: set STRATUM_ADMIN_TOKEN on the server to enable them.');
    if (context.reply?.request?.headers?.authorization !== `Bearer ${token}`) throw new ApiError('UNAUTHENTICATED', 'eraseUser needs the header authorization: Bearer <STRATUM_ADMIN_TOKEN>.');
    requireUserId(id);
    const report = await eraseUser({ features: this.serving.server, recommendations: this.serving.recommendationStore, userData: this.serving.userData }, id);
    this.logger.log(`GDPR erase of user ${id}: feature views ${report.featureViews.join(', ') || 'none'}, user data ${report.userDataRemoved ? 'removed' : 'none'}, recommendations deleted`);
    return report;
  }

  private recLoaders(context: object): RecommendationLoaders {
    const { recommendations } = this.serving;
    return requestScoped(context, recommendations, () => recommendations.loaders());
  }
}
