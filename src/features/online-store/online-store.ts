import type { FeatureView } from '../spec/feature-manifest';

/**
 * The online store port: the latest feature values per entity, one row per (feature view, entity).
 * Semantics follow Feast's OnlineStore (`online_write_batch` / `online_read`) so that materialize,
 * push and the read path behave the same whichever adapter (embedded, Bigtable, Spanner) serves.
 *
 * Contract every adapter keeps:
 * - Rows are keyed by the view's name AND version: a view whose shape changed (version bumped)
 *   never reads rows written with the old shape; they are simply not found.
 * - `write` is all-or-nothing per call: every value is checked against its feature's dtype
 *   before anything is stored, and a bad value rejects the whole call (a materialize batch never
 *   reads as half done). The error names the view, the feature and the entity.
 * - Newest wins by event time: a row older than the stored one is skipped, so a late or
 *   re-run materialization never overwrites a fresher push (Feast's Redis store does the same).
 * - `read` answers in key order with the same length as the keys, `undefined` where nothing is
 *   stored, so DataLoader batch functions map results to keys by position.
 * - Features of the view missing from a written row are stored as `null` (NULL_VALUE when
 *   served); a value for a feature the view does not declare is rejected.
 *
 * An abstract class rather than an interface so it can serve as the Nest injection token.
 */
export abstract class OnlineStore {
  /** Upserts rows of one view atomically (see the contract above). */
  abstract write(view: FeatureView, rows: readonly OnlineRow[]): Promise<void>;

  /** Reads rows of one view; result[i] belongs to entityKeys[i], `undefined` when not stored. */
  abstract read(view: FeatureView, entityKeys: readonly string[]): Promise<(StoredRow | undefined)[]>;

  /** Removes rows of one view (this version); unknown keys are ignored, so it is idempotent. */
  abstract delete(view: FeatureView, entityKeys: readonly string[]): Promise<void>;

  /**
   * The materialization watermark of one view version: event time up to which the offline source
   * has been fully copied online (Feast's materialization interval end). Written only after every
   * batch of a run landed, so a crash mid-run leaves the previous watermark and a re-run redoes
   * the interval (writes are idempotent by newest-wins). `undefined` when never materialized.
   */
  abstract readWatermark(view: FeatureView): Promise<Date | undefined>;

  abstract writeWatermark(view: FeatureView, watermark: Date): Promise<void>;

  /** Releases the client or file handles; the store is unusable afterwards. */
  abstract close(): Promise<void>;
}

/**
 * A feature value as the serving layer sees it. Integers are JS numbers (Int64 must be a safe
 * integer), UnixTimestamp is epoch seconds, Bytes is a Uint8Array, `Array(T)` a plain array.
 */
export type FeatureScalar = string | number | boolean | Uint8Array;
export type FeatureValue = FeatureScalar | FeatureScalar[] | null;

/** One entity's values for one view, as written by materialize or push. */
export interface OnlineRow {
  /** The join key's value, as a string (numbers are stringified by the caller). */
  entityKey: string;
  /** Feature name → value. */
  values: Record<string, FeatureValue>;
  /** The source row's event time: drives newest-wins and the view's TTL at read. */
  eventTimestamp: Date;
}

/** What `read` returns: the row as stored, every feature of the view present (maybe null). */
export type StoredRow = OnlineRow;

/**
 * The name a view's rows live under in any store (sub-database, table suffix, key prefix).
 * Carries the version so a changed view never reads old shapes.
 */
export function onlineNamespace(view: Pick<FeatureView, 'name' | 'version'>): string {
  return `${view.name}@v${view.version}`;
}
