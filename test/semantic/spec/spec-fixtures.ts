import { join } from 'node:path';

import { repoRoot } from '../../support/demo-db';

export { repoRoot };

export function fixturePath(...parts: string[]): string {
  return join(repoRoot(), 'test', 'fixtures', 'spec', ...parts);
}
