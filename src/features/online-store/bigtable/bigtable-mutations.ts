import type { Table } from '@google-cloud/bigtable';

/** One row's mutations in the API's own shape (sent with `rawMutation: true`): applied atomically. */
export interface RawEntry {
  rowKey: Buffer;
  mutations: RawMutation[];
}

export type RawMutation =
  | { setCell: { familyName: string; columnQualifier: Buffer; timestampMicros: number; value: Buffer } }
  | { deleteFromColumn: { familyName: string; columnQualifier: Buffer } }
  | { deleteFromFamily: { familyName: string } }
  | { deleteFromRow: Record<string, never> };

/** MutateRows accepts at most 100,000 mutations per request; payloads are kept well under gRPC limits. */
const MAX_MUTATIONS = 100_000;
const MAX_BYTES = 16 * 1024 * 1024;

/** Splits entries into as few MutateRows requests as the API limits allow (one for any usual batch). */
export function chunkMutations(entries: readonly RawEntry[]): RawEntry[][] {
  const chunks: RawEntry[][] = [];
  let current: RawEntry[] = [];
  let mutations = 0;
  let bytes = 0;
  for (const entry of entries) {
    const size = entry.rowKey.length + entry.mutations.reduce((n, m) => n + mutationBytes(m), 0);
    if (current.length > 0 && (mutations + entry.mutations.length > MAX_MUTATIONS || bytes + size > MAX_BYTES)) {
      chunks.push(current);
      current = [];
      mutations = 0;
      bytes = 0;
    }
    current.push(entry);
    mutations += entry.mutations.length;
    bytes += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

/**
 * Sends the chunks one after the other (the client retries transient failures of single entries;
 * the adapters only send idempotent mutations — explicit timestamps — so retries are safe).
 * A failure names how much was applied, since Bigtable has no multi-row transaction.
 */
export async function mutateAll(table: Table, chunks: readonly RawEntry[][], what: string): Promise<void> {
  const total = chunks.reduce((n, c) => n + c.length, 0);
  let sent = 0;
  for (const chunk of chunks) {
    try {
      await table.mutate(chunk, { rawMutation: true });
    } catch (error) {
      const failed = (error as { errors?: { message?: string }[] }).errors;
      const code = (error as { code?: unknown }).code;
      const first = failed?.[0]?.message ?? (error as Error).message;
      const detail = failed && failed.length > 0 ? `${failed.length} of its ${chunk.length} rows failed (first: ${first})` : first;
      const wrapped = new Error(
        `Bigtable ${what} failed: ${detail}. Up to ${sent + chunk.length - (failed?.length ?? chunk.length)} of ${total} rows may have been applied; ` +
          'the writes are idempotent, so re-running the same call is safe.',
        { cause: error },
      );
      if (typeof code === 'number') (wrapped as Error & { code?: number }).code = code;
      throw wrapped;
    }
    sent += chunk.length;
  }
}

function mutationBytes(mutation: RawMutation): number {
  if ('setCell' in mutation) return mutation.setCell.familyName.length + mutation.setCell.columnQualifier.length + mutation.setCell.value.length + 16;
  if ('deleteFromColumn' in mutation) return mutation.deleteFromColumn.familyName.length + mutation.deleteFromColumn.columnQualifier.length + 8;
  return 16;
}
