import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { appendFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedOnlineStore } from '../../src/features/online-store/embedded/embedded-online-store';
import { contractRow as row, contractView, onlineStoreContract } from './online-store-contract';

const view = (version = 1) => contractView('embedded', version);

let contractDir: string;
onlineStoreContract('EmbeddedOnlineStore', {
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

describe('EmbeddedOnlineStore (real files in a temp dir)', () => {
  let dir: string;
  let store: EmbeddedOnlineStore;
  const reopen = async () => {
    await store.close();
    store = await EmbeddedOnlineStore.open(dir);
  };

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'stratum-online-'));
    store = await EmbeddedOnlineStore.open(dir);
  });
  after(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('drops a torn last line left by a crash mid-write and keeps every committed batch', async () => {
    await store.write(view(), [row('torn1', { s: 'committed' })]);
    await store.close();
    await appendFile(join(dir, 'online-store.jsonl'), '{"ns":"user_features@v1","put":[{"entityKey":"torn2"');
    store = await EmbeddedOnlineStore.open(dir);
    assert.deepEqual((await store.read(view(), ['torn1', 'torn2'])).map((r) => r?.values.s), ['committed', undefined]);
    // The log is usable after the repair: a new write lands on a line of its own.
    await store.write(view(), [row('torn3', { s: 'after repair' })]);
    await reopen();
    assert.equal((await store.read(view(), ['torn3']))[0]?.values.s, 'after repair');
  });

  it('compacts a long log at open without losing or resurrecting rows', async () => {
    const cdir = await mkdtemp(join(tmpdir(), 'stratum-online-compact-'));
    try {
      let s = await EmbeddedOnlineStore.open(cdir);
      for (let i = 0; i < 1_200; i++) await s.write(view(), [row('hot', { i32: i }, new Date(Date.UTC(2024, 0, 1, 0, 0, i)).toISOString())]);
      await s.write(view(), [row('gone', { s: 'x' })]);
      await s.delete(view(), ['gone']);
      await s.close();
      s = await EmbeddedOnlineStore.open(cdir); // compacts: 1,202 lines for 1 live row
      await s.close();
      const lines = (await readFile(join(cdir, 'online-store.jsonl'), 'utf8')).split('\n').filter(Boolean);
      assert.equal(lines.length, 1);
      s = await EmbeddedOnlineStore.open(cdir);
      assert.deepEqual((await s.read(view(), ['hot', 'gone'])).map((r) => r?.values.i32), [1_199, undefined]);
      await s.close();
    } finally {
      await rm(cdir, { recursive: true, force: true });
    }
  });

});
