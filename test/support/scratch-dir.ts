import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A fresh temp directory, removed when the test process exits: e.g. the embedded online store of
 * an app a test starts, so parallel test processes never share the repository's `.data/online-store`.
 * (Removal at exit rather than in an `after` hook: called inside a `before` hook, node:test would
 * run such a hook as soon as that hook ends, under the app still using the folder.)
 */
export function scratchDir(prefix = 'stratum-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}
