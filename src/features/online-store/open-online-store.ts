import type { BigtableStoreSettings, EmbeddedStoreSettings, OnlineStoreSettings, SpannerStoreSettings } from '../../config/serving-config';
import type { RecommendationStore } from '../recommendations/recommendation-store';
import type { UserDataStore } from '../users/user-data-store';
import type { OnlineStore } from './online-store';

/*
 * Opening the configured stores. Cloud SDKs are imported only for the store chosen, so the embedded
 * default (and CLI commands that need no store) never load gRPC. Clients are created once here and
 * reused for the life of the process; schemas are created by `stratum online-store init` /
 * `stratum spanner migrate`, never on this path.
 */

export async function openOnlineStore(settings: OnlineStoreSettings): Promise<OnlineStore> {
  switch (settings.kind) {
    case 'embedded': {
      const { EmbeddedOnlineStore } = await import('./embedded/embedded-online-store');
      return EmbeddedOnlineStore.open(settings.path);
    }
    case 'bigtable': {
      const { BigtableOnlineStore } = await import('./bigtable/bigtable-online-store');
      return BigtableOnlineStore.open(settings);
    }
    case 'spanner': {
      const { SpannerOnlineStore } = await import('./spanner/spanner-online-store');
      return SpannerOnlineStore.open(settings);
    }
  }
}

export async function openRecommendationStore(settings: EmbeddedStoreSettings | BigtableStoreSettings): Promise<RecommendationStore> {
  if (settings.kind === 'bigtable') {
    const { BigtableRecommendationStore } = await import('../recommendations/bigtable/bigtable-recommendation-store');
    return BigtableRecommendationStore.open(settings);
  }
  const { EmbeddedRecommendationStore } = await import('../recommendations/embedded/embedded-recommendation-store');
  return EmbeddedRecommendationStore.open(settings.path);
}

export async function openUserDataStore(settings: EmbeddedStoreSettings | SpannerStoreSettings): Promise<UserDataStore> {
  if (settings.kind === 'spanner') {
    const { SpannerUserDataStore } = await import('../users/spanner/spanner-user-data-store');
    return SpannerUserDataStore.open(settings);
  }
  const { EmbeddedUserDataStore } = await import('../users/embedded/embedded-user-data-store');
  return EmbeddedUserDataStore.open(settings.path);
}
