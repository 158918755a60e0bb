import type { Bigtable } from '@google-cloud/bigtable';
import type { BigtableStoreSettings, EmbeddedStoreSettings, OnlineStoreSettings, ServingSettings, SpannerStoreSettings } from '../../config/serving-config';
import type { RecommendationStore } from '../recommendations/recommendation-store';
import type { UserDataStore } from '../users/user-data-store';
import type { OnlineStore } from './online-store';

/*
 * Opening the configured stores. Cloud SDKs are imported only for the store chosen, so the embedded
 * default (and CLI commands that need no store) never load gRPC. Schemas are created by
 * `stratum online-store init` / `stratum spanner migrate`, never on this path.
 */

/**
 * Clients shared by the stores opened together: the online store and the recommendation lists
 * share one Bigtable client when they point at the same instance. Closed after the stores.
 *
 * Spanner stores keep a connection each: sharing one session pool between the online store and
 * the user data made the emulator report "Unable to release unknown resource" under load (seen in
 * 2 of 4 benchmark runs, never with a pool each), so that is left until it is understood.
 */
export class SharedClients {
  private readonly bigtables = new Map<string, Bigtable>();

  async bigtable(settings: BigtableStoreSettings): Promise<Bigtable> {
    const key = `${settings.projectId}/${settings.instanceId}@${settings.emulatorHost ?? ''}`;
    let client = this.bigtables.get(key);
    if (client === undefined) {
      const { createBigtableClient } = await import('./bigtable/bigtable-client');
      client = createBigtableClient(settings);
      this.bigtables.set(key, client);
    }
    return client;
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.bigtables.values()].map((c) => c.close()));
  }
}

/** Opens the online store; with `clients`, a Bigtable client is shared and closed by their owner. */
export async function openOnlineStore(settings: OnlineStoreSettings, clients?: SharedClients): Promise<OnlineStore> {
  switch (settings.kind) {
    case 'embedded': {
      const { EmbeddedOnlineStore } = await import('./embedded/embedded-online-store');
      return EmbeddedOnlineStore.open(settings.path);
    }
    case 'bigtable': {
      const { BigtableOnlineStore } = await import('./bigtable/bigtable-online-store');
      return BigtableOnlineStore.open(settings, { client: await clients?.bigtable(settings) });
    }
    case 'spanner': {
      const { SpannerOnlineStore } = await import('./spanner/spanner-online-store');
      return SpannerOnlineStore.open(settings);
    }
  }
}

export async function openRecommendationStore(settings: EmbeddedStoreSettings | BigtableStoreSettings, clients?: SharedClients): Promise<RecommendationStore> {
  if (settings.kind === 'bigtable') {
    const { BigtableRecommendationStore } = await import('../recommendations/bigtable/bigtable-recommendation-store');
    return BigtableRecommendationStore.open(settings, { client: await clients?.bigtable(settings) });
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

/** The three stores of feature serving, the Bigtable ones over one client. */
export interface ServingStores {
  store: OnlineStore;
  recommendations: RecommendationStore;
  userData: UserDataStore;
  /** Closes the stores, then their shared clients. */
  close(): Promise<void>;
}

/** Opens all three stores; if one fails to open, those already open are closed before the error is rethrown. */
export async function openServingStores(settings: Pick<ServingSettings, 'onlineStore' | 'recommendationStore' | 'userDataStore'>): Promise<ServingStores> {
  const clients = new SharedClients();
  const opened: { close(): Promise<void> }[] = [];
  const close = async () => {
    await Promise.allSettled(opened.map((o) => o.close()));
    await clients.close();
  };
  const track = <T extends { close(): Promise<void> }>(store: T): T => {
    opened.push(store);
    return store;
  };
  try {
    const store = track(await openOnlineStore(settings.onlineStore, clients));
    const recommendations = track(await openRecommendationStore(settings.recommendationStore, clients));
    const userData = track(await openUserDataStore(settings.userDataStore));
    return { store, recommendations, userData, close };
  } catch (error) {
    await close();
    throw error;
  }
}
