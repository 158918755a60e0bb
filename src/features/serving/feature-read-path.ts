import type { CachedReader } from '../cache/cached-feature-reader';
import type { EncodedRow } from '../online-store/embedded/feature-value-codec';
import { FeatureValueCodec } from '../online-store/embedded/feature-value-codec';
import { onlineNamespace, type OnlineStore, type StoredRow } from '../online-store/online-store';
import type { FeatureView } from '../spec/feature-manifest';
import { withDeadline } from './serving-errors';

/** Where a row came from: the cache, the store, or a stale cached copy served while the store was down or refreshing. */
export type RowSource = 'cache' | 'store' | 'stale-cache';

export interface RowRead {
  row: StoredRow | undefined;
  source: RowSource;
}

export interface FeatureReadPathOptions {
  /** Name of the store in errors and metrics (embedded, bigtable, spanner). */
  storeName: string;
  /** A store call slower than this fails with StoreUnavailableError (503), never a hang. */
  timeoutMs: number;
}

/**
 * The read path of one process: cache-aside in front of the online store. Rows are cached in the
 * codec's JSON-safe form under `features:<view>@v<version>`, so a view whose shape changed
 * (version bumped) never reads an old shape. One cache round trip per batch, then one store
 * read for the misses, bounded by the request deadline.
 */
export class FeatureReadPath {
  private readonly codecs = new WeakMap<FeatureView, FeatureValueCodec>();

  constructor(
    private readonly store: OnlineStore,
    private readonly cached: CachedReader<EncodedRow>,
    private readonly options: FeatureReadPathOptions,
  ) {}

  static namespace(view: FeatureView): string {
    return `features:${onlineNamespace(view)}`;
  }

  async read(view: FeatureView, keys: readonly string[]): Promise<RowRead[]> {
    const codec = this.codecFor(view);
    const results = await this.cached.read(FeatureReadPath.namespace(view), keys, async (misses) => {
      const rows = await withDeadline(this.store.read(view, misses), this.options.timeoutMs, this.options.storeName);
      return rows.map((row) => (row === undefined ? undefined : codec.encodeRow(row)));
    });
    return results.map((r) => ({
      row: r.value === undefined ? undefined : { entityKey: r.value.entityKey, values: codec.decodeValues(r.value.values), eventTimestamp: new Date(r.value.eventTimeMs) },
      source: r.source,
    }));
  }

  /** Drops cached copies (after a push or an erase) so the next read goes to the store. */
  async invalidate(view: FeatureView, keys: readonly string[]): Promise<void> {
    await this.cached.invalidate(FeatureReadPath.namespace(view), keys);
  }

  private codecFor(view: FeatureView): FeatureValueCodec {
    let codec = this.codecs.get(view);
    if (codec === undefined) {
      codec = new FeatureValueCodec(view);
      this.codecs.set(view, codec);
    }
    return codec;
  }
}
