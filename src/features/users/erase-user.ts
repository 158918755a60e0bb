import type { FeatureServer } from '../serving/feature-server';
import type { RecommendationStore } from '../recommendations/recommendation-store';
import type { UserDataStore } from './user-data-store';

/** What one erase removed; the same call again reports nothing removed (it is idempotent). */
export interface EraseReport {
  userId: string;
  /** Feature views (keyed by the `user` entity) the user's rows were deleted from, cache included. */
  featureViews: string[];
  /** Whether UserPreferences / UserInteractions held anything. */
  userDataRemoved: boolean;
  /** Recommendation lists are always deleted (the store does not say whether any existed). */
  recommendationsDeleted: true;
  erasedAt: string;
}

export interface EraseTargets {
  features: FeatureServer;
  recommendations: RecommendationStore;
  userData: UserDataStore;
}

/**
 * GDPR erase: removes a user from every online store (every view keyed by `user`, and their
 * cached copies), the recommendation lists and the user data. Each step is idempotent, so a
 * failed erase is simply run again.
 */
export async function eraseUser(targets: EraseTargets, userId: string): Promise<EraseReport> {
  const views = await targets.features.eraseEntity('user', userId);
  await targets.recommendations.deleteUser(userId);
  const userDataRemoved = await targets.userData.eraseUser(userId);
  return { userId, featureViews: views.map((v) => v.name), userDataRemoved, recommendationsDeleted: true, erasedAt: new Date().toISOString() };
}
