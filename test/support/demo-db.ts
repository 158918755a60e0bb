/**
 * The demo DuckDB warehouse for integration tests: generated once (per scale and seed) into the OS temp
 * folder and reused by every later test process, then opened read-only so that several test files
 * running at once can share the file.
 */
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { projectRoot } from '../../src/config/app-config';
import { demoDatabaseFileName, ensureDemoWarehouse } from '../../src/warehouse/demo';
import { DuckDbWarehouse } from '../../src/warehouse/duckdb/duckdb-warehouse';

/** Small enough to build in seconds, large enough that every group (state, month, weekday…) has rows. */
export const DEMO_SCALE = 0.05;
export const DEMO_SEED = 7;

/** The repository root (tests run from a build folder; fixtures and definitions stay in the source tree). */
export const repoRoot = (): string => projectRoot(__dirname);

/** A path inside the repository, e.g. `repoPath('semantic-layer')`. */
export function repoPath(...parts: string[]): string {
  return resolve(repoRoot(), ...parts);
}

const built = new Map<string, Promise<string>>();

/**
 * The demo database file for (scale, seed), built if missing. Test files run in parallel processes:
 * a lock directory makes one of them build while the others wait, instead of all building at once.
 * The file name carries the generator version, so checkouts at different versions sharing the temp
 * folder each keep their own file instead of rebuilding each other's.
 */
export function demoDbPath(scale = DEMO_SCALE, seed = DEMO_SEED): Promise<string> {
  const key = `${scale}-${seed}`;
  let path = built.get(key);
  if (!path) {
    path = buildOnce(join(tmpdir(), 'stratum-test-demo', demoDatabaseFileName(scale, seed)), scale, seed);
    built.set(key, path);
  }
  return path;
}

/** The demo warehouse, opened read-only. The caller closes it. */
export async function demoWarehouse(scale = DEMO_SCALE, seed = DEMO_SEED): Promise<DuckDbWarehouse> {
  return DuckDbWarehouse.open(await demoDbPath(scale, seed), { readOnly: true, poolSize: 2 });
}

async function buildOnce(path: string, scale: number, seed: number): Promise<string> {
  mkdirSync(dirname(path), { recursive: true });
  const lock = `${path}.lock`;
  await acquire(lock);
  try {
    await ensureDemoWarehouse({ path, scale, seed });
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
  return path;
}

const LOCK_WAIT_MS = 10 * 60_000;

/** mkdir is atomic: whoever creates the directory owns the lock; a lock whose owner died is taken over. */
async function acquire(lock: string): Promise<void> {
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(join(lock, 'pid'), String(process.pid));
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    if (ownerIsGone(lock)) {
      rmSync(lock, { recursive: true, force: true });
      continue;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${lock}; remove it if no test is running`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

function ownerIsGone(lock: string): boolean {
  let pid: number;
  try {
    pid = Number(readFileSync(join(lock, 'pid'), 'utf8'));
  } catch {
    // The owner has made the directory but not yet written its pid, or died in between.
    try {
      return Date.now() - statSync(lock).mtimeMs > 30_000;
    } catch {
      return true;
    }
  }
  if (!Number.isInteger(pid) || pid <= 0) return true;
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'EPERM';
  }
}
