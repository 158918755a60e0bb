import type { Bigtable, Table } from '@google-cloud/bigtable';
import type { BigtableStoreSettings } from '../../../config/serving-config';
import { BigtableSchemaError } from './bigtable-schema-error';
import { createBigtableClient, GRPC_ALREADY_EXISTS, GRPC_NOT_FOUND, grpcCode } from './bigtable-client';

/** A column family and its garbage-collection rule, as `stratum online-store init` creates it. */
export interface FamilySpec {
  name: string;
  /** Cells kept per column beyond which Bigtable's GC may delete (the newest survive). */
  maxVersions: number;
}

export interface TableInitReport {
  table: string;
  createdTable: boolean;
  createdFamilies: string[];
}

/**
 * Creates the table with its families, or the families it lacks; existing ones are left as they
 * are. Safe to run again and from two processes at once (ALREADY_EXISTS counts as done).
 * Admin calls: for `stratum online-store init` only, never on the request path.
 */
export async function ensureTable(table: Table, families: readonly FamilySpec[]): Promise<TableInitReport> {
  const wanted = dedupe(families);
  const [exists] = await table.exists();
  if (!exists) {
    try {
      await table.create({ families: wanted.map((f) => ({ name: f.name, rule: { versions: f.maxVersions } })) });
      return { table: table.id, createdTable: true, createdFamilies: wanted.map((f) => f.name) };
    } catch (error) {
      if (grpcCode(error) !== GRPC_ALREADY_EXISTS) throw error;
    }
  }
  const present = await familiesOf(table);
  const createdFamilies: string[] = [];
  for (const family of wanted.filter((f) => !present.has(f.name))) {
    try {
      await table.createFamily(family.name, { rule: { versions: family.maxVersions } });
      createdFamilies.push(family.name);
    } catch (error) {
      if (grpcCode(error) !== GRPC_ALREADY_EXISTS) throw error;
    }
  }
  return { table: table.id, createdTable: false, createdFamilies };
}

/**
 * ensureTable on `tableId` of the configured instance, with the given client or one created (and
 * closed) for the call: what each Bigtable store's `init` does.
 */
export async function initTable(settings: BigtableStoreSettings, tableId: string, families: readonly FamilySpec[], client?: Bigtable): Promise<TableInitReport> {
  const used = client ?? createBigtableClient(settings);
  try {
    return await ensureTable(used.instance(settings.instanceId).table(tableId), families);
  } finally {
    if (client === undefined) await used.close();
  }
}

/**
 * Checks, once per family per process, that what a data call needs exists — so a missing
 * schema fails with "run `stratum online-store init`" instead of reading as "no data" (a read
 * filtered on a family that does not exist just returns no rows). One admin GetTable the first
 * time a family is used; after that, a set lookup.
 */
export class BigtableSchemaGuard {
  private readonly known = new Set<string>();
  private inflight?: Promise<Set<string>>;

  constructor(private readonly table: Table, private readonly describe: string) {}

  async assertFamily(family: string, what: string): Promise<void> {
    if (this.known.has(family)) return;
    // Concurrent first uses share one lookup; a failed lookup is not remembered (init may follow).
    this.inflight ??= this.lookup().finally(() => (this.inflight = undefined));
    const present = await this.inflight;
    for (const name of present) this.known.add(name);
    if (!present.has(family)) {
      throw new BigtableSchemaError(this.table.id, family, `${this.describe} has no column family '${family}' (${what})`);
    }
  }

  /** The error for a data call that hit NOT_FOUND (the table was dropped after the check). */
  notFound(error: unknown): BigtableSchemaError | undefined {
    if (grpcCode(error) !== GRPC_NOT_FOUND) return undefined;
    this.known.clear();
    return new BigtableSchemaError(this.table.id, undefined, `${this.describe} was not found (${(error as Error).message})`);
  }

  private async lookup(): Promise<Set<string>> {
    try {
      return await familiesOf(this.table);
    } catch (error) {
      throw this.notFound(error) ?? error;
    }
  }
}

async function familiesOf(table: Table): Promise<Set<string>> {
  const [metadata] = await table.getMetadata({ view: 'schema' });
  return new Set(Object.keys(metadata.columnFamilies ?? {}));
}

function dedupe(families: readonly FamilySpec[]): FamilySpec[] {
  return [...new Map(families.map((f) => [f.name, f])).values()];
}
