import { join } from 'node:path';
import type { FeatureView } from '../../spec/feature-manifest';
import { OnlineStore, onlineNamespace, type OnlineRow, type StoredRow } from '../online-store';
import { AppendOnlyLog } from './append-only-log';
import { FeatureValueCodec, type EncodedRow } from './feature-value-codec';

/** One committed change of one view version, as a log line. */
type LogRecord = { ns: string; put: EncodedRow[] } | { ns: string; del: string[] } | { ns: string; watermarkMs: number };

export interface EmbeddedOnlineStoreOptions {
  /** fdatasync after every write call: survives power loss, at the cost of write latency. */
  sync?: boolean;
}

/**
 * The online store for `npm start` without any cloud: every row in memory (point reads are map
 * lookups, the read path never touches the disk) and every write call appended as ONE line to a
 * log in `dir`, replayed at open. It needs no npm dependency: lmdb was the first choice, but its
 * lockfile did not pass `npm ci` against this registry (optional platform binaries of
 * msgpackr-extract missing), so this stays dependency-free until that is solved.
 *
 * Fit for a demo or a single process; the data set must fit in memory and one process owns `dir`.
 */
export class EmbeddedOnlineStore extends OnlineStore {
  /** Log lines beyond this many per live row trigger a compaction at open. */
  private static readonly COMPACT_RATIO = 2;
  private static readonly COMPACT_MIN_RECORDS = 1000;

  private readonly codecs = new WeakMap<FeatureView, FeatureValueCodec>();
  /** Writes run one after the other so the log order is the order they were applied in. */
  private tail: Promise<unknown> = Promise.resolve();
  private closed = false;

  private constructor(
    private readonly log: AppendOnlyLog<LogRecord>,
    /** namespace (view@version) → entity key → row. */
    private readonly tables: Map<string, Map<string, EncodedRow>>,
    /** namespace → materialization watermark (epoch ms). */
    private readonly watermarks: Map<string, number>,
  ) {
    super();
  }

  /** Opens the store in `dir` (created if missing) and loads what earlier runs wrote. */
  static async open(dir: string, options: EmbeddedOnlineStoreOptions = {}): Promise<EmbeddedOnlineStore> {
    const { log, records } = await AppendOnlyLog.open<LogRecord>(join(dir, 'online-store.jsonl'), options);
    const tables = new Map<string, Map<string, EncodedRow>>();
    const watermarks = new Map<string, number>();
    for (const record of records) EmbeddedOnlineStore.applyRecord(tables, watermarks, record);
    const store = new EmbeddedOnlineStore(log, tables, watermarks);
    const live = [...tables.values()].reduce((n, t) => n + t.size, 0);
    if (records.length > EmbeddedOnlineStore.COMPACT_MIN_RECORDS && records.length > live * EmbeddedOnlineStore.COMPACT_RATIO) {
      await log.rewrite(store.snapshot());
    }
    return store;
  }

  override async write(view: FeatureView, rows: readonly OnlineRow[]): Promise<void> {
    this.assertOpen();
    // Every row is checked before anything is stored: one bad value rejects the whole call.
    const codec = this.codecFor(view);
    const encoded = rows.map((row) => codec.encodeRow(row));
    const ns = onlineNamespace(view);
    await this.serialized(async () => {
      const table = this.tables.get(ns);
      const newest = new Map<string, EncodedRow>();
      for (const row of encoded) {
        const current = newest.get(row.entityKey) ?? table?.get(row.entityKey);
        // Newest wins: an older event never overwrites a fresher one (late materialize vs push).
        if (current === undefined || row.eventTimeMs >= current.eventTimeMs) newest.set(row.entityKey, row);
      }
      if (newest.size === 0) return;
      const record: LogRecord = { ns, put: [...newest.values()] };
      await this.log.append(record);
      EmbeddedOnlineStore.applyRecord(this.tables, this.watermarks, record);
    });
  }

  override async read(view: FeatureView, entityKeys: readonly string[]): Promise<(StoredRow | undefined)[]> {
    this.assertOpen();
    const table = this.tables.get(onlineNamespace(view));
    const codec = this.codecFor(view);
    return entityKeys.map((key) => {
      const row = table?.get(key);
      if (row === undefined) return undefined;
      return { entityKey: row.entityKey, values: codec.decodeValues(row.values), eventTimestamp: new Date(row.eventTimeMs) };
    });
  }

  override async delete(view: FeatureView, entityKeys: readonly string[]): Promise<void> {
    this.assertOpen();
    const ns = onlineNamespace(view);
    await this.serialized(async () => {
      const table = this.tables.get(ns);
      const present = [...new Set(entityKeys)].filter((key) => table?.has(key));
      if (present.length === 0) return;
      const record: LogRecord = { ns, del: present };
      await this.log.append(record);
      EmbeddedOnlineStore.applyRecord(this.tables, this.watermarks, record);
    });
  }

  override async readWatermark(view: FeatureView): Promise<Date | undefined> {
    this.assertOpen();
    const ms = this.watermarks.get(onlineNamespace(view));
    return ms === undefined ? undefined : new Date(ms);
  }

  override async writeWatermark(view: FeatureView, watermark: Date): Promise<void> {
    this.assertOpen();
    const record: LogRecord = { ns: onlineNamespace(view), watermarkMs: watermark.getTime() };
    await this.serialized(async () => {
      await this.log.append(record);
      EmbeddedOnlineStore.applyRecord(this.tables, this.watermarks, record);
    });
  }

  override async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.tail.catch(() => undefined);
    await this.log.close();
  }

  private static applyRecord(tables: Map<string, Map<string, EncodedRow>>, watermarks: Map<string, number>, record: LogRecord): void {
    if ('watermarkMs' in record) {
      watermarks.set(record.ns, record.watermarkMs);
      return;
    }
    let table = tables.get(record.ns);
    if (table === undefined) {
      table = new Map();
      tables.set(record.ns, table);
    }
    if ('put' in record) for (const row of record.put) table.set(row.entityKey, row);
    else for (const key of record.del) table.delete(key);
  }

  /** The live rows as the fewest records: one `put` per namespace. */
  private snapshot(): LogRecord[] {
    const rows: LogRecord[] = [...this.tables].filter(([, t]) => t.size > 0).map(([ns, t]) => ({ ns, put: [...t.values()] }));
    return [...rows, ...[...this.watermarks].map(([ns, watermarkMs]) => ({ ns, watermarkMs }))];
  }

  private serialized(task: () => Promise<void>): Promise<void> {
    const run = this.tail.then(task);
    this.tail = run.catch(() => undefined);
    return run;
  }

  private codecFor(view: FeatureView): FeatureValueCodec {
    let codec = this.codecs.get(view);
    if (codec === undefined) {
      codec = new FeatureValueCodec(view);
      this.codecs.set(view, codec);
    }
    return codec;
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('the embedded online store is closed');
  }
}
