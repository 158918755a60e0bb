import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedOnlineStore } from '../../src/features/online-store/embedded/embedded-online-store';
import { contractRow as row, contractView, onlineStoreContract } from './online-store-contract';

let contractDir: string;
onlineStoreContract('EmbeddedOnlineStore (LMDB in a temp dir)', {
  kind: 'embedded',
  open: async () => {
    contractDir = await mkdtemp(join(tmpdir(), 'stratum-online-contract-'));
    return EmbeddedOnlineStore.open(contractDir);
  },
  reopen: async (store) => {
    await store.close();
    return EmbeddedOnlineStore.open(contractDir);
  },
});
after(async () => {
  if (contractDir) await rm(contractDir, { recursive: true, force: true });
});

describe('EmbeddedOnlineStore shared by processes', () => {
  it('reads what another process wrote (the CLI materializing while the server runs), without reopening', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'stratum-online-shared-'));
    const view = contractView('embedded');
    const store = await EmbeddedOnlineStore.open(dir);
    try {
      await store.write(view, [row('mine', { s: 'from this process' })]);
      assert.deepEqual(await store.read(view, ['theirs']), [undefined]);
      const script = `
        const { EmbeddedOnlineStore } = require(${JSON.stringify(require.resolve('../../src/features/online-store/embedded/embedded-online-store'))});
        const view = ${JSON.stringify(view)};
        (async () => {
          const s = await EmbeddedOnlineStore.open(${JSON.stringify(dir)});
          const [mine] = await s.read(view, ['mine']);
          await s.write(view, [{ entityKey: 'theirs', values: { s: 'from the other process, which saw ' + mine.values.s }, eventTimestamp: new Date('2024-05-01T00:00:00Z') }]);
          await s.writeWatermark(view, new Date('2024-05-02T00:00:00Z'));
          await s.close();
        })().catch((e) => { console.error(e); process.exit(1); });`;
      const child = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
      assert.equal(child.status, 0, child.stderr);
      const [theirs] = await store.read(view, ['theirs']);
      assert.equal(theirs?.values.s, 'from the other process, which saw from this process');
      assert.deepEqual(await store.readWatermark(view), new Date('2024-05-02T00:00:00Z'));
    } finally {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses to be used after close', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'stratum-online-closed-'));
    const store = await EmbeddedOnlineStore.open(dir);
    await store.close();
    await assert.rejects(store.read(contractView('embedded'), ['x']), /closed/);
    await rm(dir, { recursive: true, force: true });
  });
});
