export interface BatchWriteOptions {
  /** Rows per store write call. */
  batchSize: number;
  /** Store write calls in flight at once. */
  concurrency: number;
  /** Pace writes to at most this many rows per second (undefined: as fast as `concurrency` allows). */
  maxRowsPerSecond?: number;
  /** Told after each batch landed, with the totals so far. */
  onBatch?: (progress: { rows: number; batches: number }) => void;
}

/**
 * Writes `rows` in batches of `batchSize` with at most `concurrency` write calls in flight: a
 * backfill must not take every connection (Bigtable mutations, Spanner commits, the embedded log)
 * away from the read path. Resolves when every batch landed; on the first failure no further batch
 * starts, the ones in flight are awaited, and that failure is thrown — the caller then leaves the
 * watermark where it was.
 */
export async function writeInBatches<R>(rows: readonly R[], write: (batch: R[]) => Promise<void>, options: BatchWriteOptions): Promise<{ rows: number; batches: number }> {
  const { batchSize, concurrency } = options;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`batchSize must be a positive whole number, got ${batchSize}`);
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new RangeError(`concurrency must be a positive whole number, got ${concurrency}`);
  const total = Math.ceil(rows.length / batchSize);
  const started = Date.now();
  let next = 0;
  let done = { rows: 0, batches: 0 };
  let failure: { error: unknown } | undefined;

  const worker = async (): Promise<void> => {
    while (failure === undefined && next < total) {
      const i = next++;
      await pace(started, i * batchSize, options.maxRowsPerSecond);
      if (failure !== undefined) return;
      const batch = rows.slice(i * batchSize, (i + 1) * batchSize);
      try {
        await write(batch);
      } catch (error) {
        failure ??= { error };
        return;
      }
      done = { rows: done.rows + batch.length, batches: done.batches + 1 };
      options.onBatch?.(done);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, total) }, worker));
  if (failure !== undefined) throw failure.error;
  return done;
}

/** Waits until writing `rowsBefore` rows more would keep the average under `maxRowsPerSecond`. */
async function pace(started: number, rowsBefore: number, maxRowsPerSecond: number | undefined): Promise<void> {
  if (maxRowsPerSecond === undefined || rowsBefore === 0) return;
  const wait = started + (rowsBefore / maxRowsPerSecond) * 1000 - Date.now();
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
}
