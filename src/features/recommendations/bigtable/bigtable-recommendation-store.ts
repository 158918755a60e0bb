import type { Bigtable, Table } from '@google-cloud/bigtable';
import type { BigtableStoreSettings } from '../../../config/app-config';
import { cellBytes, createBigtableClient, exactPattern, rowKeyText, type RawBigtableRow } from '../../online-store/bigtable/bigtable-client';
import { chunkMutations, mutateAll, type RawEntry } from '../../online-store/bigtable/bigtable-mutations';
import { keySalt } from '../../online-store/bigtable/bigtable-row-key';
import { BigtableSchemaGuard, initTable, type TableInitReport } from '../../online-store/bigtable/bigtable-schema';
import { RecommendationStore, type RecommendationList } from '../recommendation-store';
import { keepListsOption, MAX_GENERATED_AT_MS, validateRecommendationLists } from '../recommendation-validation';

/**
 * Recommendation lists in Bigtable (seed 001's design, salted).
 *
 * - **Row key** `<salt>#<user id>#<reverse timestamp>`: salt = 4 hex chars of md5(user id) (see
 *   keySalt: a load walking users in id order does not hotspot one tablet); reverse timestamp =
 *   9999999999999 − generatedAt in epoch ms, 13 digits, so a user's newest list sorts first.
 *   `#` and `%` in the user id are percent-escaped, so `<salt>#<user>#` is a prefix of exactly
 *   that user's rows (user `a` never matches rows of user `a#1`).
 * - **Family `rec`** (GC: max 1 version): cell `items` = JSON `[[itemId, score], …]` in rank order
 *   (one cell: a list is read whole, and JSON keeps doubles exact), cell `model` (empty when none).
 *   Cells carry generatedAt as their timestamp, so rewriting the same list is idempotent.
 * - **At most `keepLists` lists per user** (default 2: the served one and the one before it, for
 *   comparison or rollback). A write reads the batch's existing row keys (one ReadRows, keys only)
 *   and deletes the ones beyond the newest `keepLists` in the same MutateRows as the inserts (a
 *   list older than every kept one is not stored at all: it could never be served).
 *   Concurrent writers of one user may leave an extra list until the next write; reads are not
 *   affected (the newest sorts first).
 * - **readLatest** is ONE ReadRows with one row-prefix range per user; each user's first row in
 *   key order is its newest list. It reads at most `keepLists` rows per user.
 */
export class BigtableRecommendationStore extends RecommendationStore {
  static readonly DEFAULT_TABLE = 'stratum_recommendations';
  static readonly FAMILY = 'rec';
  private static readonly REVERSE_DIGITS = 13;

  /** Data-plane round trips made (ReadRows / MutateRows requests), for metrics and tests. */
  readonly stats = { reads: 0, writes: 0 };

  private readonly guard: BigtableSchemaGuard;
  private closed = false;

  private constructor(
    private readonly client: Bigtable,
    private readonly table: Table,
    private readonly ownsClient: boolean,
    private readonly keepLists: number,
  ) {
    super();
    this.guard = new BigtableSchemaGuard(table, `Bigtable table '${table.id}' of instance '${table.instance.id}'`);
  }

  static open(settings: BigtableStoreSettings, options: BigtableRecommendationStoreOptions = {}): BigtableRecommendationStore {
    const keep = keepListsOption(options.keepLists);
    const client = options.client ?? createBigtableClient(settings);
    const table = client.instance(settings.instanceId).table(options.tableId ?? BigtableRecommendationStore.DEFAULT_TABLE);
    return new BigtableRecommendationStore(client, table, options.client === undefined, keep);
  }

  /** Creates the table and its `rec` family idempotently; for `stratum online-store init` only. */
  static async init(settings: BigtableStoreSettings, options: Omit<BigtableRecommendationStoreOptions, 'keepLists'> = {}): Promise<TableInitReport> {
    return initTable(settings, options.tableId ?? BigtableRecommendationStore.DEFAULT_TABLE, [{ name: BigtableRecommendationStore.FAMILY, maxVersions: 1 }], options.client);
  }

  override async writeLists(lists: readonly RecommendationList[]): Promise<void> {
    this.assertOpen();
    validateRecommendationLists(lists);
    if (lists.length === 0) return;
    await this.assertSchema();
    // One list per (user, generatedAt): the same row key; the last one of the call wins.
    const incoming = new Map<string, RecommendationList>();
    for (const list of lists) incoming.set(this.rowKey(list.userId, list.generatedAt.getTime()), list);
    const users = [...new Set(lists.map((l) => l.userId))];
    const existing = await this.readRows(users.map((u) => this.userPrefix(u)), true, 'recommendation write (existing lists)');

    const keysByPrefix = new Map<string, Set<string>>();
    const add = (key: string) => {
      const prefix = key.slice(0, -BigtableRecommendationStore.REVERSE_DIGITS);
      let keys = keysByPrefix.get(prefix);
      if (keys === undefined) keysByPrefix.set(prefix, (keys = new Set()));
      keys.add(key);
    };
    for (const row of existing) add(rowKeyText(row.id));
    for (const key of incoming.keys()) add(key);

    const entries: RawEntry[] = [];
    for (const keys of keysByPrefix.values()) {
      // Reverse timestamps: ascending key order is newest first.
      const sorted = [...keys].sort();
      for (const key of sorted.slice(0, this.keepLists)) {
        const list = incoming.get(key);
        if (list !== undefined) entries.push(this.listEntry(key, list));
      }
      for (const key of sorted.slice(this.keepLists)) {
        if (!incoming.has(key)) entries.push({ rowKey: Buffer.from(key, 'utf8'), mutations: [{ deleteFromRow: {} }] });
      }
    }
    await this.mutate(entries, `write of ${lists.length} recommendation lists`);
  }

  override async readLatest(userIds: readonly string[]): Promise<(RecommendationList | undefined)[]> {
    this.assertOpen();
    if (userIds.length === 0) return [];
    await this.assertSchema();
    const prefixes = userIds.map((u) => this.userPrefix(u));
    const rows = await this.readRows([...new Set(prefixes)], false, 'recommendation read');
    const newest = new Map<string, RawBigtableRow>();
    for (const row of rows) {
      const key = rowKeyText(row.id);
      const prefix = key.slice(0, -BigtableRecommendationStore.REVERSE_DIGITS);
      // Rows arrive in key order, so the first one under a prefix is the user's newest list.
      if (!newest.has(prefix)) newest.set(prefix, row);
    }
    return userIds.map((userId, i) => {
      const row = newest.get(prefixes[i]!);
      return row === undefined ? undefined : this.decode(userId, row);
    });
  }

  override async deleteUser(userId: string): Promise<void> {
    this.assertOpen();
    if (typeof userId !== 'string' || userId.length === 0) throw new Error('deleteUser needs a non-empty user id');
    await this.assertSchema();
    const rows = await this.readRows([this.userPrefix(userId)], true, `erase of user '${userId}'`);
    const entries = rows.map((row): RawEntry => ({ rowKey: Buffer.from(rowKeyText(row.id), 'utf8'), mutations: [{ deleteFromRow: {} }] }));
    await this.mutate(entries, `erase of user '${userId}'`);
  }

  override async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.ownsClient) await this.client.close();
  }

  private userPrefix(userId: string): string {
    const escaped = userId.replace(/%/g, '%25').replace(/#/g, '%23');
    return `${keySalt(userId)}#${escaped}#`;
  }

  private rowKey(userId: string, generatedAtMs: number): string {
    const reverse = String(MAX_GENERATED_AT_MS - generatedAtMs).padStart(BigtableRecommendationStore.REVERSE_DIGITS, '0');
    return `${this.userPrefix(userId)}${reverse}`;
  }

  private listEntry(key: string, list: RecommendationList): RawEntry {
    const timestampMicros = list.generatedAt.getTime() * 1000;
    const cell = (qualifier: string, value: string) => ({
      setCell: { familyName: BigtableRecommendationStore.FAMILY, columnQualifier: Buffer.from(qualifier, 'utf8'), timestampMicros, value: Buffer.from(value, 'utf8') },
    });
    return {
      rowKey: Buffer.from(key, 'utf8'),
      mutations: [cell('items', JSON.stringify(list.items.map((i) => [i.itemId, i.score]))), cell('model', list.model ?? '')],
    };
  }

  private decode(userId: string, row: RawBigtableRow): RecommendationList {
    const key = rowKeyText(row.id);
    const columns = row.data[BigtableRecommendationStore.FAMILY] ?? {};
    const text = (qualifier: string) => {
      const cell = columns[qualifier]?.[0];
      return cell === undefined ? undefined : cellBytes(cell.value).toString('utf8');
    };
    const items = JSON.parse(text('items') ?? '[]') as [string, number][];
    const model = text('model');
    const generatedAtMs = MAX_GENERATED_AT_MS - Number(key.slice(-BigtableRecommendationStore.REVERSE_DIGITS));
    return {
      userId,
      items: items.map(([itemId, score]) => ({ itemId, score })),
      generatedAt: new Date(generatedAtMs),
      ...(model ? { model } : {}),
    };
  }

  /** One ReadRows over row-key prefixes; `keysOnly` strips the values (only row keys needed). */
  private async readRows(prefixes: string[], keysOnly: boolean, what: string): Promise<RawBigtableRow[]> {
    this.stats.reads++;
    const family = { family: exactPattern(BigtableRecommendationStore.FAMILY) };
    const filter = keysOnly ? [family, { row: { cellLimit: 1 } }, { value: { strip: true } }] : [family, { column: { cellLimit: 1 } }];
    try {
      const [rows] = await this.table.getRows({ prefixes, decode: false, filter });
      return rows as unknown as RawBigtableRow[];
    } catch (error) {
      throw this.guard.notFound(error) ?? new Error(`Bigtable ${what} failed: ${(error as Error).message}`, { cause: error });
    }
  }

  private async mutate(entries: RawEntry[], what: string): Promise<void> {
    if (entries.length === 0) return;
    const chunks = chunkMutations(entries);
    this.stats.writes += chunks.length;
    try {
      await mutateAll(this.table, chunks, what);
    } catch (error) {
      throw this.guard.notFound(error) ?? error;
    }
  }

  private assertSchema(): Promise<void> {
    return this.guard.assertFamily(BigtableRecommendationStore.FAMILY, 'recommendation lists');
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('the Bigtable recommendation store is closed');
  }
}

export interface BigtableRecommendationStoreOptions {
  tableId?: string;
  /** A client to share (its owner closes it); by default the store creates and closes its own. */
  client?: Bigtable;
  /** Lists kept per user, newest first (default 2). */
  keepLists?: number;
}
