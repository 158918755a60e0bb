import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The repository root (tests run from a build folder, fixtures stay in the source tree). */
export function repoRoot(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('package.json not found above ' + __dirname);
    dir = parent;
  }
  return dir;
}

export function fixturePath(...parts: string[]): string {
  return join(repoRoot(), 'test', 'fixtures', 'spec', ...parts);
}
