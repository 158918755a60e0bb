import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { open, type RootDatabase } from 'lmdb';
import type { FeatureView } from '../../spec/feature-manifest';
import { OnlineStore, onlineNamespace, type OnlineRow, type StoredRow } from '../online-store';
import { encodedRowText, eventTimeOfText, rowFromText } from '../row-text';
import { FeatureValueCodec, type EncodedValue } from './feature-value-codec';

/** Keys: [namespace, entity key] for rows, [WATERMARKS, namespace] for watermarks. */
type Key = [string, string];
const WATERMARKS = '~watermark';

/** The environment's file: rows as their text (encodedRowText), watermarks as epoch-ms digits. */
const ROWS_FILE = 'feature-rows.lmdb';
/** The file of earlier versions: msgpack `{ t, v }` rows and numeric watermarks; migrated once, then removed. */
const MSGPACK_FILE = 'features.lmdb';

/**
 * The online store for `npm start` without any cloud: LMDB, a memory-mapped B+tree, through the
 * `lmdb` package. Chosen over better-sqlite3 by measurement on this machine (100k rows of 50
 * features, README "Embedded online store"): raw point reads 1.0 M/s against 0.19 M/s, and an open
 * that costs milliseconds at any size (nothing is loaded into the heap). LMDB also lets several
 * processes share the files: `stratum materialize` or `stratum users erase` write while the server
 * runs, and the server reads their rows at once.
 *
 * A row is stored as its text, exactly as the shared cache holds it (encodedRowText), so a read
 * cuts it into cells (a TextRow) and a cache miss is served like a hit: the cells' JSON is spliced
 * into the response, no value is decoded or printed again.
 *
 * Writes are one LMDB transaction per call (all-or-nothing, durable when it resolves), with the
 * newest-wins check inside it, so concurrent writers from any process cannot undo each other.
 */
export class EmbeddedOnlineStore extends OnlineStore {
  private closed = false;

  private constructor(private readonly db: RootDatabase<string, Key>) {
    super();
  }

  /** Opens (creating) the store in `dir`, first moving the rows of an earlier version's file into it. */
  static async open(dir: string): Promise<EmbeddedOnlineStore> {
    mkdirSync(dir, { recursive: true });
    // No compression: rows are small and reads are the hot path. UTF-8 values, ordered-binary keys.
    const db = open<string, Key>({ path: join(dir, ROWS_FILE), compression: false, encoding: 'string' });
    try {
      await migrateMsgpackFile(dir, db);
    } catch (e) {
      await db.close();
      throw e;
    }
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
        const current = this.db.get(key);
        // Newest wins: an older event never overwrites a fresher one (late materialize vs push).
        if (current === undefined || row.eventTimeMs >= eventTimeOfText(current)) this.db.put(key, encodedRowText(row));
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
      const text = this.db.get([ns, entityKey]);
      return text === undefined ? undefined : rowFromText(text, codec);
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
    return ms === undefined ? undefined : new Date(Number(ms));
  }

  override async writeWatermark(view: FeatureView, watermark: Date): Promise<void> {
    this.assertOpen();
    await this.db.put([WATERMARKS, onlineNamespace(view)], String(watermark.getTime()));
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

/** A row (event time, values by position) or a watermark (epoch ms) of the msgpack file. */
type MsgpackValue = { t: number; v: EncodedValue[] } | number;

/**
 * Moves an earlier version's msgpack file into `db` (rows to their text, watermarks to digits) in
 * one transaction, then deletes the file: nothing pushed online is lost by the format change.
 * Idempotent and safe when processes start together: as in write, the newer of two rows of a key
 * wins (and the later of two watermarks), and the file is removed only after the transaction
 * committed.
 */
async function migrateMsgpackFile(dir: string, db: RootDatabase<string, Key>): Promise<void> {
  const path = join(dir, MSGPACK_FILE);
  if (!existsSync(path)) return;
  const old = open<MsgpackValue, Key>({ path, compression: false, readOnly: true });
  try {
    const entries = [...old.getRange()];
    await db.transaction(() => {
      for (const { key, value } of entries) {
        const current = db.get(key);
        if (typeof value === 'number') {
          if (current === undefined || value > Number(current)) db.put(key, String(value));
        } else if (current === undefined || value.t >= eventTimeOfText(current)) {
          db.put(key, encodedRowText({ entityKey: key[1], eventTimeMs: value.t, values: value.v }));
        }
      }
    });
  } finally {
    await old.close();
  }
  rmSync(path, { force: true });
  rmSync(`${path}-lock`, { force: true });
}
