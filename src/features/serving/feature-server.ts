import type { OnlineStore } from '../online-store/online-store';
import type { FeatureView } from '../spec/feature-manifest';
import { FeatureLoaders } from './feature-loaders';
import type { FeatureReadPath, RowRead } from './feature-read-path';
import type { FeatureRegistry } from './feature-registry';
import { parseOnlineFeaturesRequest, type OnlineFeaturesRequest, type RequestLimits } from './online-features-request';
import { buildOnlineFeaturesResponse, writeOnlineFeaturesJsonParts, type OnlineFeaturesResponse } from './online-features-response';
import { parsePushRequest } from './push-request';
import { CacheUnavailableError, ServingRequestError } from './serving-errors';
import { FeatureValueError } from '../online-store/feature-value-error';

export interface FeatureServerLimits extends RequestLimits {
  /** Rows accepted in one push. */
  maxPushRows: number;
}

/**
 * Feature serving without a framework: Feast's `get-online-features` and `push` over the read
 * path. The REST controller and the GraphQL resolvers are thin layers over this.
 */
export class FeatureServer {
  constructor(
    readonly registry: FeatureRegistry,
    private readonly readPath: FeatureReadPath,
    private readonly store: OnlineStore,
    private readonly limits: FeatureServerLimits,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /** Loaders for one request; pass the same instance to every read of that request. */
  loaders(): FeatureLoaders {
    return new FeatureLoaders(this.readPath);
  }

  /**
   * Feast's get-online-features. GraphQL passes its request's loaders, so every field of a query
   * shares one batch per view; a REST call is one batch already and reads the path directly
   * (a DataLoader per call would only add its scheduling).
   */
  async getOnlineFeatures(body: unknown, loaders?: FeatureLoaders): Promise<OnlineFeaturesResponse> {
    const { request, reads } = await this.readRequest(body, loaders);
    return buildOnlineFeaturesResponse(request, reads, this.clock());
  }

  /**
   * The same response as JSON text in pieces, for REST: rows from the caches carry their cells'
   * JSON, so a cache hit skips most serialising (writeOnlineFeaturesJsonParts).
   */
  async getOnlineFeaturesJsonParts(body: unknown): Promise<string[]> {
    const { request, reads } = await this.readRequest(body);
    return writeOnlineFeaturesJsonParts(request, reads, this.clock());
  }

  private async readRequest(body: unknown, loaders?: FeatureLoaders): Promise<{ request: OnlineFeaturesRequest; reads: Map<string, (RowRead | undefined)[]> }> {
    const request = parseOnlineFeaturesRequest(body, this.registry, this.limits);
    const reads = new Map<string, (RowRead | undefined)[]>();
    await Promise.all(
      request.selections.map(async ({ view }) => {
        const keys = request.entityColumns.find((c) => c.joinKey === view.joinKeys[0])!.values.map(String);
        reads.set(view.name, loaders !== undefined ? await loaders.readMany(view, keys) : await this.readPath.read(view, keys));
      }),
    );
    return { request, reads };
  }

  /** Writes fresh values online (all-or-nothing), then drops their cached copies. */
  async push(body: unknown): Promise<{ featureView: string; rows: number }> {
    const { view, rows } = parsePushRequest(body, this.registry, this.limits.maxPushRows);
    try {
      await this.store.write(view, rows);
    } catch (e) {
      if (e instanceof FeatureValueError) {
        const index = rows.findIndex((r) => r.entityKey === e.entityKey);
        throw new ServingRequestError([{ path: `df.${e.feature}${index >= 0 ? `[${index}]` : ''}`, message: e.message, fix: 'Send values of the feature\'s dtype; nothing of this push was written.' }]);
      }
      throw e;
    }
    await this.invalidate(view, rows.map((r) => r.entityKey), 'The push was written to the online store');
    return { featureView: view.name, rows: rows.length };
  }

  /**
   * Drops cached copies after a store write. If the cache cannot be reached, a cache that comes back
   * could still serve the old value, so the caller gets a 503 and retries (the write is idempotent).
   */
  private async invalidate(view: FeatureView, keys: string[], done: string): Promise<void> {
    try {
      await this.readPath.invalidate(view, keys);
    } catch (e) {
      throw new CacheUnavailableError(`${done}, but its cached copies could not be dropped (${e instanceof Error ? e.message : String(e)}); retry the call, it is idempotent`);
    }
  }

  /** Removes an entity's rows from every view keyed by `entity` and from the cache (GDPR erase). */
  async eraseEntity(entity: string, key: string): Promise<FeatureView[]> {
    const views = this.registry.viewsOfEntity(entity);
    for (const view of views) {
      await this.store.delete(view, [key]);
      await this.invalidate(view, [key], 'The rows were deleted from the online store');
    }
    return views;
  }
}
