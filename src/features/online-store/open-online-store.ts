import type { OnlineStoreSettings } from '../../config/app-config';
import type { OnlineStore } from './online-store';

/**
 * Opens the configured online store. Cloud SDKs are imported only for the store chosen, so the
 * embedded default (and the CLI commands that need no store) never load gRPC.
 */
export async function openOnlineStore(settings: OnlineStoreSettings): Promise<OnlineStore> {
  switch (settings.kind) {
    case 'embedded': {
      const { EmbeddedOnlineStore } = await import('./embedded/embedded-online-store');
      return EmbeddedOnlineStore.open(settings.path);
    }
    default:
      throw new Error(`the ${settings.kind} online store is not wired yet`);
  }
}
