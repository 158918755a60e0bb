import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { DEMO_META_TABLE, DemoProgress, generateDemoMarts } from './demo-marts-generator';
import { DEMO_GENERATOR_VERSION } from './demo-version';

export interface EnsureDemoOptions {
  path: string;
  scale: number;
  seed: number;
  onProgress?: (progress: DemoProgress) => void;
}

export interface EnsureDemoResult {
  path: string;
  /** False when a complete database for the same version, scale and seed was reused. */
  created: boolean;
  seconds: number;
}

const BUILDING_MARK = '.building-';

/**
 * Makes sure `path` holds the demo marts for (generator version, scale, seed). A fresh build goes to a
 * temporary file next to `path` and is renamed into place only once complete, so a crash never leaves
 * a half-written database at `path`; leftovers of crashed builds are removed on the next call.
 */
export async function ensureDemoWarehouse(options: EnsureDemoOptions): Promise<EnsureDemoResult> {
  const started = performance.now();
  const path = resolve(options.path);
  const seconds = () => (performance.now() - started) / 1000;
  mkdirSync(dirname(path), { recursive: true });
  removeAbandonedBuilds(path);

  if (existsSync(path) && (await isCompleteFor(path, options.scale, options.seed))) {
    return { path, created: false, seconds: seconds() };
  }

  const temp = `${path}${BUILDING_MARK}${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    const instance = await DuckDBInstance.create(temp);
    try {
      const connection = await instance.connect();
      await generateDemoMarts(connection, { scale: options.scale, seed: options.seed, onProgress: options.onProgress });
      // Fold the WAL into the file: the renamed file alone must be the whole database.
      await connection.run('CHECKPOINT');
      connection.closeSync();
    } finally {
      instance.closeSync();
    }
    // A WAL left by the previous database would be replayed onto the new one.
    rmSync(`${path}.wal`, { force: true });
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    rmSync(`${temp}.wal`, { force: true });
    throw error;
  }
  if (existsSync(`${temp}.wal`)) renameSync(`${temp}.wal`, `${path}.wal`);
  return { path, created: true, seconds: seconds() };
}

/** True when the file is a DuckDB database stamped by this generator version for this scale and seed. */
async function isCompleteFor(path: string, scale: number, seed: number): Promise<boolean> {
  let instance: DuckDBInstance;
  try {
    instance = await DuckDBInstance.create(path, { access_mode: 'READ_ONLY' });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // Held by a running server: rebuilding underneath it would be worse than stopping here.
    if (/lock/i.test(message)) throw new Error(`demo warehouse ${path} is in use by another process: ${message}`);
    return false; // not a DuckDB file (e.g. truncated): rebuild
  }
  try {
    const connection = await instance.connect();
    try {
      const reader = await connection.runAndReadAll(`SELECT generator_version, scale, seed FROM ${DEMO_META_TABLE}`);
      const rows = reader.getRowsJS();
      return (
        rows.length === 1 &&
        rows[0][0] === DEMO_GENERATOR_VERSION &&
        rows[0][1] === scale &&
        BigInt(rows[0][2] as bigint) === BigInt(seed)
      );
    } catch {
      return false; // no meta table: an incomplete or foreign database
    } finally {
      connection.closeSync();
    }
  } finally {
    instance.closeSync();
  }
}

/** Removes `<path>.building-<pid>-*` files whose builder process is gone. */
function removeAbandonedBuilds(path: string): void {
  const prefix = basename(path) + BUILDING_MARK;
  for (const name of readdirSync(dirname(path))) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number(name.slice(prefix.length).split('-')[0]);
    // A live builder (possibly this process, building concurrently) still owns its file.
    if (Number.isInteger(pid) && pid > 0 && (pid === process.pid || isAlive(pid))) continue;
    rmSync(join(dirname(path), name), { force: true });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
