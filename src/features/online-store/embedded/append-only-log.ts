import { mkdir, open, readFile, rename, truncate, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * A JSON-lines file where each line is one committed record. One write call = one line written
 * with a single `write`, so after a crash the file holds whole records plus at most one torn last
 * line, which `open` drops: a batch is either fully there or not at all.
 */
export class AppendOnlyLog<R> {
  private constructor(
    private readonly file: string,
    private handle: FileHandle,
    private readonly sync: boolean,
  ) {}

  /** Opens (creating) the log and returns its committed records, oldest first. */
  static async open<R>(file: string, options: { sync?: boolean } = {}): Promise<{ log: AppendOnlyLog<R>; records: R[] }> {
    await mkdir(dirname(file), { recursive: true });
    const records: R[] = [];
    let text = '';
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    let goodBytes = 0;
    let start = 0;
    for (let end = text.indexOf('\n'); end !== -1; start = end + 1, end = text.indexOf('\n', start)) {
      records.push(JSON.parse(text.slice(start, end)) as R);
      goodBytes += Buffer.byteLength(text.slice(start, end + 1));
    }
    // Bytes after the last newline are a record whose write did not finish: never committed.
    if (start < text.length) await truncate(file, goodBytes);
    const handle = await open(file, 'a');
    return { log: new AppendOnlyLog<R>(file, handle, options.sync ?? false), records };
  }

  /** Appends one record; it is committed (and, with `sync`, durable) when this resolves. */
  async append(record: R): Promise<void> {
    await this.handle.write(`${JSON.stringify(record)}\n`);
    if (this.sync) await this.handle.datasync();
  }

  /**
   * Replaces the whole log with `records` (compaction). Written to a temporary file, flushed and
   * renamed over the log, so a crash leaves either the old log or the new one, never a mix.
   */
  async rewrite(records: readonly R[]): Promise<void> {
    const tmp = `${this.file}.compact`;
    const out = await open(tmp, 'w');
    try {
      for (const record of records) await out.write(`${JSON.stringify(record)}\n`);
      await out.datasync();
    } finally {
      await out.close();
    }
    await this.handle.close();
    await rename(tmp, this.file);
    this.handle = await open(this.file, 'a');
  }

  async close(): Promise<void> {
    await this.handle.close();
  }
}
