import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { open, type RootDatabase } from 'lmdb';
import type { FeatureView } from '../../spec/feature-manifest';
import { OnlineStore, onlineNamespace, type OnlineRow, type StoredRow } from '../online-store';
import { FeatureValueCodec, type EncodedValue } from './feature-value-codec';

/** A row as stored: event time (epoch ms) and one value per feature in the view's order. */
interface StoredValue {
  t: number;
  v: EncodedValue[];
}

/** Keys: [namespace, entity key] for rows, [WATERMARKS, namespace] for watermarks. */
type Key = [string, string];
const WATERMARKS = '~watermark';

/**
 * The online store for `npm start` without any cloud: LMDB, a memory-mapped B+tree, through the
 * `lmdb` package. Chosen over better-sqlite3 by measurement on this machine (100k rows of 50
 * features, README "Embedded online store"): raw point reads 1.0 M/s against 0.19 M/s, 141 k/s
 * against 85 k/s with the row decoded, and an open that costs milliseconds at any size (nothing is
 * loaded into the heap). LMDB also lets several processes share the files: `stratum materialize`
 * or `stratum users erase` write while the server runs, and the server reads their rows at once.
 *
 * Writes are one LMDB transaction per call (all-or-nothing, durable when it resolves), with the
 * newest-wins check inside it, so concurrent writers from any process cannot undo each other.
 */
export class EmbeddedOnlineStore extends OnlineStore {
  private closed = false;

  private constructor(private readonly db: RootDatabase<StoredValue | number, Key>) {
    super();
  }

  /** Opens (creating) the store in `dir`. */
  static async open(dir: string): Promise<EmbeddedOnlineStore> {
    mkdirSync(dir, { recursive: true });
    // No compression: rows are small and reads are the hot path. msgpack values, ordered-binary keys.
    const db = open<StoredValue | number, Key>({ path: join(dir, 'features.lmdb'), compression: false });
    return new EmbeddedOnlineStore(db);
  }

  override async write(view: FeatureView, rows: readonly OnlineRow[]): Promise<void> {
    this.assertOpen();
    // Every row is checked before anything is stored: one bad value rejects the whole call.
    const codec = FeatureValueCodec.for(view);
    const encoded = rows.map((row) => codec.encodeRow(row));
    if (encoded.length === 0) return;
    const ns = onlineNamespace(view);
    await this.db.transaction(() => {
      for (const row of encoded) {
        const key: Key = [ns, row.entityKey];
        const current = this.db.get(key) as StoredValue | undefined;
        // Newest wins: an older event never overwrites a fresher one (late materialize vs push).
        if (current === undefined || row.eventTimeMs >= current.t) this.db.put(key, { t: row.eventTimeMs, v: row.values });
      }
    });
  }

  override async read(view: FeatureView, entityKeys: readonly string[]): Promise<(StoredRow | undefined)[]> {
    this.assertOpen();
    const ns = onlineNamespace(view);
    const codec = FeatureValueCodec.for(view);
    // LMDB keeps a read snapshot between calls; renewing it (about a microsecond) shows rows other
    // processes committed since (the CLI's materialize, an erase).
    this.db.resetReadTxn();
    // Synchronous gets from the memory map: microseconds each, no I/O wait on the event loop.
    return entityKeys.map((entityKey) => {
      const stored = this.db.get([ns, entityKey]) as StoredValue | undefined;
      return stored === undefined ? undefined : { entityKey, values: codec.decodeValues(stored.v), eventTimestamp: new Date(stored.t) };
    });
  }

  override async delete(view: FeatureView, entityKeys: readonly string[]): Promise<void> {
    this.assertOpen();
    const ns = onlineNamespace(view);
    await this.db.transaction(() => {
      for (const key of new Set(entityKeys)) this.db.remove([ns, key]);
    });
  }

  override async readWatermark(view: FeatureView): Promise<Date | undefined> {
    this.assertOpen();
    this.db.resetReadTxn();
    const ms = this.db.get([WATERMARKS, onlineNamespace(view)]);
    return typeof ms === 'number' ? new Date(ms) : undefined;
  }

  override async writeWatermark(view: FeatureView, watermark: Date): Promise<void> {
    this.assertOpen();
    await this.db.put([WATERMARKS, onlineNamespace(view)], watermark.getTime());
  }

  override async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.db.close();
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('the embedded online store is closed');
  }
}
