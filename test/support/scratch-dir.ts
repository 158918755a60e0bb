import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';

/**
 * A fresh temp directory removed after the test file: e.g. the embedded online store of an app a
 * test starts, so parallel test processes never share the repository's `.data/online-store`.
 */
export function scratchDir(prefix = 'stratum-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}
