// Runs every compiled test (unit specs beside the code, integration/e2e under test/) with node's test runner.
// Node 20's runner has no glob support, so the files are listed here.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const root = process.env.BUILD_DIR ?? '.build';
const files = [];
const walk = (dir) => {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    // Only tests whose source still exists: an incremental build keeps outputs of deleted files.
    else if (/\.(spec|test)\.js$/.test(name) && existsSync(path.slice(root.length + 1).replace(/\.js$/, '.ts'))) files.push(path);
  }
};
walk(join(root, 'src'));
walk(join(root, 'test'));
const filter = process.argv[2];
const selected = filter ? files.filter((f) => f.includes(filter)) : files;
if (selected.length === 0) {
  console.error(`no test files matched ${filter ?? ''}`);
  process.exit(1);
}
const result = spawnSync(process.execPath, ['--test', '--test-concurrency=2', ...selected], { stdio: 'inherit' });
process.exit(result.status ?? 1);
