import { CachedReader, type CachedReaderOptions } from '../cache/cached-feature-reader';
import type { FeatureCache } from '../cache/feature-cache';
import { NearCache } from '../cache/near-cache';
import { FeatureValueCodec } from '../online-store/embedded/feature-value-codec';
import { onlineNamespace, type OnlineStore, type StoredRow } from '../online-store/online-store';
import { encodedRowText, rowFromText, TextRow } from '../online-store/row-text';
import type { FeatureView } from '../spec/feature-manifest';
import { perView } from '../spec/per-view';
import { withDeadline } from './serving-errors';

/** Where a row came from: the cache, the store, or a stale cached copy served while the store was down or refreshing. */
export type RowSource = 'cache' | 'store' | 'stale-cache';

export interface RowRead {
  row: StoredRow | undefined;
  source: RowSource;
  /** The row object is kept in process (near cache) and handed out again: work derived from it may be memoised on it. */
  shared?: boolean;
}

export interface FeatureReadPathOptions extends Pick<CachedReaderOptions<StoredRow>, 'ttlMs' | 'staleTtlMs' | 'negativeTtlMs' | 'onBypass' | 'onError'> {
  /** Name of the store in errors and metrics (embedded, bigtable, spanner). */
  storeName: string;
  /** A store call slower than this fails with StoreUnavailableError (503), never a hang. */
  timeoutMs: number;
  /** Lifetime of decoded rows kept in process in front of the cache (0: none); capped by the view's cache TTL. */
  nearTtlMs?: number;
  /** Entries of that near cache. */
  nearMaxEntries?: number;
}

/** Share of a near-cache entry's lifetime after which a read refreshes it in the background. */
const NEAR_REFRESH_AFTER = 0.75;

/**
 * The read path of one process: cache-aside in front of the online store. Rows are cached in the
 * codec's JSON-safe form under `features:<view>@v<version>`, so a view whose shape changed
 * (version bumped) never reads an old shape. One cache round trip per batch, then one store
 * read for the misses, bounded by the request deadline.
 */
export class FeatureReadPath {
  /** Namespace → view, filled as views are read, for encoding and decoding cached rows. */
  private readonly views = new Map<string, FeatureView>();
  /** Near-cache keys due for a background refresh, per namespace, read together at the next turn of the event loop. */
  private readonly pendingRefresh = new Map<string, { view: FeatureView; keys: string[] }>();

  /** The cache-aside reader (its stats feed /metrics). */
  readonly cached: CachedReader<StoredRow>;
  /** Decoded rows (or "not in the store") of hot keys, for nearTtlMs; undefined when turned off. */
  readonly near?: NearCache<StoredRow | undefined>;

  constructor(
    private readonly store: OnlineStore,
    cache: FeatureCache,
    private readonly options: FeatureReadPathOptions,
  ) {
    const { ttlMs, staleTtlMs, negativeTtlMs, onBypass, onError } = options;
    this.cached = new CachedReader<StoredRow>({
      cache, ttlMs, staleTtlMs, negativeTtlMs, onBypass, onError,
      encode: (row, namespace) => this.encode(row, namespace),
      decode: (text, namespace) => this.decode(text, namespace),
    });
    if ((options.nearTtlMs ?? 0) > 0) this.near = new NearCache(options.nearMaxEntries ?? 10_000);
  }

  /** `features:<view>@v<version>`, built once per view (it is looked up on every read). */
  static readonly namespace = perView((view) => `features:${onlineNamespace(view)}`);

  async read(view: FeatureView, keys: readonly string[]): Promise<RowRead[]> {
    const namespace = FeatureReadPath.namespace(view);
    if (!this.views.has(namespace)) this.views.set(namespace, view);
    const near = this.near;
    if (near === undefined) return this.readThrough(view, namespace, keys);
    const now = Date.now();
    const epoch = near.epoch;
    const out: RowRead[] = new Array<RowRead>(keys.length);
    const missing: number[] = [];
    let refresh: string[] | undefined;
    for (let i = 0; i < keys.length; i++) {
      const hit = near.get(`${namespace}:${keys[i]}`, now);
      if (hit === undefined) {
        missing.push(i);
        continue;
      }
      out[i] = { row: hit.value, source: 'cache', shared: true };
      if (now >= hit.refreshAt && !hit.refreshing) {
        hit.refreshing = true;
        (refresh ??= []).push(keys[i]!);
      }
    }
    if (refresh !== undefined) this.scheduleRefresh(view, namespace, refresh);
    if (missing.length === 0) return out;
    const missKeys = missing.map((i) => keys[i]!);
    const reads = await this.readThrough(view, namespace, missKeys);
    reads.forEach((read, j) => (out[missing[j]!] = read));
    this.keepNear(namespace, missKeys, reads, epoch, now);
    return out;
  }

  /**
   * Refresh-ahead: hot keys past their refresh time are read again in the background while the
   * near copy keeps answering, so no request waits when they expire. Keys due in the same turn of
   * the event loop are read together, one batch per view (keys warmed together come due together).
   * A failed refresh leaves the copies to expire; the next read then goes through the cache and
   * the store, and reports.
   */
  private scheduleRefresh(view: FeatureView, namespace: string, keys: string[]): void {
    const pending = this.pendingRefresh.get(namespace);
    if (pending !== undefined) {
      pending.keys.push(...keys);
      return;
    }
    this.pendingRefresh.set(namespace, { view, keys });
    if (this.pendingRefresh.size > 1) return;
    setImmediate(() => {
      const due = [...this.pendingRefresh.entries()];
      this.pendingRefresh.clear();
      for (const [ns, batch] of due) void this.refreshNear(batch.view, ns, batch.keys);
    });
  }

  private async refreshNear(view: FeatureView, namespace: string, keys: string[]): Promise<void> {
    const epoch = this.near!.epoch;
    const startedAt = Date.now();
    try {
      this.keepNear(namespace, keys, await this.readThrough(view, namespace, keys), epoch, startedAt);
    } catch {
      // The copies expire as usual; the next read after that goes to the cache and the store, and reports the failure.
    }
  }

  /** Keeps what a read found, for the near cache's lifetime counted from when the read began, unless a delete came since (NearCache.epoch). */
  private keepNear(namespace: string, keys: readonly string[], reads: RowRead[], epoch: number, startedAt: number): void {
    const near = this.near!;
    if (near.epoch !== epoch) return;
    const lifetime = Math.min(this.options.nearTtlMs!, this.options.ttlMs(namespace));
    const expiresAt = startedAt + lifetime;
    const refreshAt = startedAt + lifetime * NEAR_REFRESH_AFTER;
    reads.forEach((read, j) => {
      // A stale copy is not kept: the next read should see the refresh.
      if (read.source === 'stale-cache') return;
      const key = `${namespace}:${keys[j]}`;
      // The same value again (a refresh of a hot key, mostly): the copy in process stays, with what it memoised, and
      // the row just read dies young rather than being kept long enough to be promoted (hot keys are refreshed every second).
      const kept = near.peek(key)?.value;
      const same = kept !== undefined && sameRow(kept, read.row);
      near.set(key, same ? kept : read.row, expiresAt, refreshAt);
      if (!same) read.shared = true;
    });
  }

  private async readThrough(view: FeatureView, namespace: string, keys: readonly string[]): Promise<RowRead[]> {
    // Rows the store returns go straight to the caller; only the cache's copy is encoded.
    const results = await this.cached.read(namespace, keys, (misses) =>
      withDeadline(this.store.read(view, misses), this.options.timeoutMs, this.options.storeName),
    );
    return results.map((r) => ({ row: r.value, source: r.source }));
  }

  /** The cache's form of a row: its text (row-text.ts), positional by feature, Bytes as base64; a row read as text is cached as it was read. */
  encode(row: StoredRow, namespace: string): string {
    if (row instanceof TextRow) return row.text;
    return encodedRowText(FeatureValueCodec.for(this.viewOf(namespace)).encodeRow(row));
  }

  /**
   * A cached row back: cut into cells rather than parsed (the REST body takes the cells' text as
   * it is, and the values are parsed only if something asks for them); anything not in that
   * layout is parsed whole, and throws when it is not a row.
   */
  decode(text: string, namespace: string): StoredRow {
    return rowFromText(text, FeatureValueCodec.for(this.viewOf(namespace)));
  }

  private viewOf(namespace: string): FeatureView {
    const view = this.views.get(namespace);
    // Only reachable for a namespace this process never read, which the cache cannot hold for us.
    if (view === undefined) throw new Error(`no feature view is known for the cache namespace '${namespace}'`);
    return view;
  }

  /** Drops cached copies (after a push or an erase) so the next read goes to the store. */
  async invalidate(view: FeatureView, keys: readonly string[]): Promise<void> {
    const namespace = FeatureReadPath.namespace(view);
    for (const key of keys) this.near?.delete(`${namespace}:${key}`);
    await this.cached.invalidate(namespace, keys);
  }
}

/** Whether two reads of a key found the same value: rows read as text, by their text (the cache's and the embedded store's rows). */
function sameRow(kept: StoredRow, read: StoredRow | undefined): boolean {
  return kept === read || (kept instanceof TextRow && read instanceof TextRow && kept.text === read.text);
}
