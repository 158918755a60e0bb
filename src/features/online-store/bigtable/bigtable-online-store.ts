import type { Bigtable, Table } from '@google-cloud/bigtable';
import type { BigtableStoreSettings } from '../../../config/app-config';
import type { FeatureView } from '../../spec/feature-manifest';
import { OnlineStore, type OnlineRow, type StoredRow } from '../online-store';
import { BigtableCellCodec, int64, ROW_QUALIFIER, type CellRow } from './bigtable-cell-codec';
import { cellBytes, createBigtableClient, exactPattern, rowKeyText, type RawBigtableRow, type RawCell } from './bigtable-client';
import { keySalt } from './bigtable-row-key';
import { BigtableSchemaGuard, initTable, type TableInitReport } from './bigtable-schema';
import { chunkMutations, mutateAll, type RawEntry } from './bigtable-mutations';
import { perView } from '../../spec/per-view';

const codecFor = perView((view) => new BigtableCellCodec(view));

/**
 * The Bigtable online store.
 *
 * Layout (one table, `stratum_features` by default):
 * - **Row key** `<salt>#<join key>#<entity key>`, salt = the first 4 hex chars of md5(entity key)
 *   (see keySalt: spreads sequential ids over tablets, so a materialization walking ids in order
 *   does not hotspot one tablet). The join key keeps entity types apart (user 42 ≠ item 42).
 * - **One row per entity, one column family per feature view version** (`user_features.v1`,
 *   i.e. onlineNamespace with a family-safe separator), GC rule max 1 version. All views of one
 *   entity share its row, and a changed view (version bump) writes a new family, so it never
 *   reads the old shape. A read filters on the view's family, so a row without cells there
 *   simply does not come back.
 * - **One cell per row of a view version**: qualifier `row`, value = the event time and every
 *   feature's typed value in the view's order (BigtableCellCodec). Why one cell: a read moves
 *   cells per read = entities, not entities × features — a 100-entity read of a 50-feature view
 *   was 5,000 cells with a cell per feature, and the client parses every cell chunk by chunk
 *   (its chunk transformer was ~14% of the serving thread). The port already says a write
 *   replaces the whole row (a feature it leaves out is stored as null), so nothing is lost by
 *   not updating features one by one.
 * - **Watermarks** live in the row `~meta#watermark` of the view's family (`~` sorts after every
 *   salted key and cannot be a salt), so they are versioned with the view like its rows.
 *
 * Newest wins by **cell timestamp = event time**. A row's cell is written with its event time (ms,
 * as Bigtable's millisecond-granular micros), and reads take the newest cell (`cellLimit: 1`; GC
 * keeps 1 version). An older row arriving late lands *below* the newer cell and is never read (GC
 * removes it), a newer one lands above. No read-before-write, no race between concurrent writers,
 * and a write is idempotent — which also makes the client's automatic retries of MutateRows safe.
 * An equal event time overwrites (the same cell coordinates), as the embedded store's `>=` does;
 * duplicates of a key within one call are reduced to the newest first (last one among equals).
 * A cell that does not decode is an error naming table, family and row, never a guessed value.
 *
 * All-or-nothing, as far as Bigtable goes: every row is checked (FeatureValueError) before any
 * mutation is sent, and each row is one cell, so it is written whole or not at all. Bigtable has
 * no multi-row transactions, so a transport failure in the middle of a large call can leave some
 * rows written; the error says so, and re-running the call is safe (idempotent, newest-wins).
 *
 * Round trips: a read is ONE ReadRows (`getRows({ keys, decode: false })`) for all keys of the
 * call; a write or delete is one MutateRows per 100k mutations. `stats` counts them. The first use
 * of a view also costs one admin GetTable per process (BigtableSchemaGuard), so a missing schema
 * says "run `stratum online-store init`" instead of reading as empty. Tables and families are
 * created only by `BigtableOnlineStore.init` (the CLI), never on the request path.
 */
export class BigtableOnlineStore extends OnlineStore {
  static readonly DEFAULT_TABLE = 'stratum_features';
  private static readonly WATERMARK_ROW = '~meta#watermark';
  private static readonly WATERMARK_COLUMN = 'watermark';
  private static readonly ROW_COLUMN = Buffer.from(ROW_QUALIFIER, 'utf8');

  /** Data-plane round trips made (ReadRows / MutateRows requests), for metrics and tests. */
  readonly stats = { reads: 0, writes: 0 };

  private readonly guard: BigtableSchemaGuard;
  private closed = false;

  private constructor(
    private readonly client: Bigtable,
    private readonly table: Table,
    private readonly ownsClient: boolean,
  ) {
    super();
    this.guard = new BigtableSchemaGuard(table, `Bigtable table '${table.id}' of instance '${table.instance.id}'`);
  }

  /** Opens the store; no network call happens until the first read or write. */
  static open(settings: BigtableStoreSettings, options: BigtableStoreOptions = {}): BigtableOnlineStore {
    const client = options.client ?? createBigtableClient(settings);
    const table = client.instance(settings.instanceId).table(options.tableId ?? BigtableOnlineStore.DEFAULT_TABLE);
    return new BigtableOnlineStore(client, table, options.client === undefined);
  }

  /**
   * Creates the table and one column family per view version (GC: max 1 version), idempotently.
   * For `stratum online-store init`; the serving process never calls it.
   */
  static async init(settings: BigtableStoreSettings, views: readonly FeatureView[], options: BigtableStoreOptions = {}): Promise<TableInitReport> {
    const families = views.map((v) => ({ name: featureFamily(v), maxVersions: 1 }));
    return initTable(settings, options.tableId ?? BigtableOnlineStore.DEFAULT_TABLE, families, options.client);
  }

  override async write(view: FeatureView, rows: readonly OnlineRow[]): Promise<void> {
    this.assertOpen();
    const codec = codecFor(view);
    // Every row is checked before anything is sent: one bad value rejects the whole call.
    const encoded = rows.map((row) => codec.encodeRow(row));
    if (encoded.length === 0) return;
    const family = await this.assertFamily(view);
    const newest = new Map<string, CellRow>();
    for (const row of encoded) {
      const current = newest.get(row.entityKey);
      if (current === undefined || row.eventTimeMs >= current.eventTimeMs) newest.set(row.entityKey, row);
    }
    const entries = [...newest.values()].map((row): RawEntry => ({
      rowKey: Buffer.from(this.rowKey(view, row.entityKey), 'utf8'),
      mutations: [{ setCell: { familyName: family, columnQualifier: BigtableOnlineStore.ROW_COLUMN, timestampMicros: row.eventTimeMs * 1000, value: row.value } }],
    }));
    await this.mutate(entries, `write of ${entries.length} rows of feature view '${view.name}' v${view.version}`);
  }

  override async read(view: FeatureView, entityKeys: readonly string[]): Promise<(StoredRow | undefined)[]> {
    this.assertOpen();
    if (entityKeys.length === 0) return [];
    const family = await this.assertFamily(view);
    const codec = codecFor(view);
    const rowKeys = entityKeys.map((key) => this.rowKey(view, key));
    const rows = await this.getRows([...new Set(rowKeys)], family, `read of feature view '${view.name}' v${view.version}`);
    const byKey = new Map(rows.map((row) => [rowKeyText(row.id), row]));
    return entityKeys.map((key, i) => {
      const columns = byKey.get(rowKeys[i]!)?.data[family];
      return columns === undefined ? undefined : this.decodeRow(codec, view, family, rowKeys[i]!, key, columns);
    });
  }

  override async delete(view: FeatureView, entityKeys: readonly string[]): Promise<void> {
    this.assertOpen();
    if (entityKeys.length === 0) return;
    const family = await this.assertFamily(view);
    // Only this view version's family: the entity's other views in the same row stay.
    const entries = [...new Set(entityKeys)].map((key): RawEntry => ({
      rowKey: Buffer.from(this.rowKey(view, key), 'utf8'),
      mutations: [{ deleteFromFamily: { familyName: family } }],
    }));
    await this.mutate(entries, `delete of ${entries.length} rows of feature view '${view.name}' v${view.version}`);
  }

  override async readWatermark(view: FeatureView): Promise<Date | undefined> {
    this.assertOpen();
    const family = await this.assertFamily(view);
    const [row] = await this.getRows([BigtableOnlineStore.WATERMARK_ROW], family, `watermark read of feature view '${view.name}'`);
    const cell = row?.data[family]?.[BigtableOnlineStore.WATERMARK_COLUMN]?.[0];
    const bytes = cell === undefined ? undefined : cellBytes(cell.value);
    return bytes?.length === 8 ? new Date(Number(bytes.readBigInt64BE())) : undefined;
  }

  override async writeWatermark(view: FeatureView, watermark: Date): Promise<void> {
    this.assertOpen();
    const ms = watermark.getTime();
    if (!Number.isFinite(ms)) throw new Error(`the watermark of feature view '${view.name}' must be a valid Date`);
    const family = await this.assertFamily(view);
    const column = Buffer.from(BigtableOnlineStore.WATERMARK_COLUMN, 'utf8');
    // Delete + set in one row mutation: the last watermark written wins, even an earlier instant
    // (a materialization re-run over an older interval may move it back on purpose).
    await this.mutate(
      [{
        rowKey: Buffer.from(BigtableOnlineStore.WATERMARK_ROW, 'utf8'),
        mutations: [
          { deleteFromColumn: { familyName: family, columnQualifier: column } },
          { setCell: { familyName: family, columnQualifier: column, timestampMicros: Date.now() * 1000, value: int64(ms) } },
        ],
      }],
      `watermark write of feature view '${view.name}'`,
    );
  }

  override async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.ownsClient) await this.client.close();
  }

  private rowKey(view: FeatureView, entityKey: string): string {
    return `${keySalt(entityKey)}#${view.joinKeys.join(',')}#${entityKey}`;
  }

  /** One ReadRows for all keys, newest cell per column of one family. Rows of missing keys are absent. */
  private async getRows(keys: string[], family: string, what: string): Promise<RawBigtableRow[]> {
    this.stats.reads++;
    try {
      const [rows] = await this.table.getRows({
        keys,
        decode: false,
        filter: [{ family: exactPattern(family) }, { column: { cellLimit: 1 } }],
      });
      return rows as unknown as RawBigtableRow[];
    } catch (error) {
      throw this.guard.notFound(error) ?? new Error(`Bigtable ${what} failed: ${(error as Error).message}`, { cause: error });
    }
  }

  /** The row's one cell, decoded; anything else in the family is an error that says where and what to do. */
  private decodeRow(codec: BigtableCellCodec, view: FeatureView, family: string, rowKey: string, entityKey: string, columns: Record<string, RawCell[]>): StoredRow {
    const cell = columns[ROW_QUALIFIER]?.[0];
    // Only built on failure: this runs once per row of every read.
    const where = () => `Bigtable table '${this.table.id}', family '${family}', row '${rowKey}' (entity '${entityKey}' of feature view '${view.name}' v${view.version})`;
    if (cell === undefined) {
      throw new Error(
        `${where()} has cells [${Object.keys(columns).join(', ')}] but no '${ROW_QUALIFIER}' cell: it was not written by this store's one-cell-per-row layout ` +
          '(e.g. by the older cell-per-feature layout); delete the row or re-run the materialization of the view to rewrite it',
      );
    }
    try {
      return codec.decodeRow(entityKey, cellBytes(cell.value));
    } catch (error) {
      throw new Error(`${where()}: its '${ROW_QUALIFIER}' cell does not decode: ${(error as Error).message}; rewrite the row (re-run the materialization) or bump the view's version`, { cause: error });
    }
  }

  private async mutate(entries: RawEntry[], what: string): Promise<void> {
    const chunks = chunkMutations(entries);
    this.stats.writes += chunks.length;
    try {
      await mutateAll(this.table, chunks, what);
    } catch (error) {
      throw this.guard.notFound(error) ?? error;
    }
  }

  private async assertFamily(view: FeatureView): Promise<string> {
    const family = featureFamily(view);
    await this.guard.assertFamily(family, `feature view '${view.name}' version ${view.version}`);
    return family;
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('the Bigtable online store is closed');
  }
}

export interface BigtableStoreOptions {
  /** Table id (default per store); tests use their own. */
  tableId?: string;
  /** A client to share (its owner closes it); by default the store creates and closes its own. */
  client?: Bigtable;
}

/** The view version's column family: onlineNamespace (`name@vN`) with a family-safe separator. */
export function featureFamily(view: Pick<FeatureView, 'name' | 'version'>): string {
  const family = `${view.name}.v${view.version}`;
  // Bigtable family names: [-_.a-zA-Z0-9]+; the definitions validator only allows [a-z0-9_] names.
  if (!/^[_a-zA-Z0-9][-_.a-zA-Z0-9]*$/.test(family)) {
    throw new Error(`feature view name '${view.name}' cannot be a Bigtable column family; use letters, digits and _ only`);
  }
  return family;
}
