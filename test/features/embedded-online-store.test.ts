import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { open } from 'lmdb';
import { EmbeddedOnlineStore } from '../../src/features/online-store/embedded/embedded-online-store';
import { FeatureValueCodec } from '../../src/features/online-store/embedded/feature-value-codec';
import { onlineNamespace } from '../../src/features/online-store/online-store';
import { TextRow } from '../../src/features/online-store/row-text';
import { contractRow as row, contractView, fullValues, onlineStoreContract, plainRow } from './online-store-contract';

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

describe('EmbeddedOnlineStore row layout', () => {
  it('keeps each row as its text and answers rows that carry their cells\' JSON, values decoded only when asked', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'stratum-online-text-'));
    const view = contractView('embedded');
    const store = await EmbeddedOnlineStore.open(dir);
    try {
      const written = row('t1', fullValues(3), '2024-05-01T12:00:00.250Z');
      await store.write(view, [written]);
      const [read] = await store.read(view, ['t1']);
      assert.ok(read instanceof TextRow, 'a row cut from its stored text');
      const encoded = FeatureValueCodec.for(view).encodeRow(written);
      assert.deepEqual(read.json.cells, encoded.values.map((v) => (v === null ? null : JSON.stringify(v))));
      assert.equal(read.json.stamp, '"2024-05-01T12:00:00.250Z"');
      assert.deepEqual(plainRow(read), written);
    } finally {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('still reads rows an earlier release kept as values ({ t, v }), and replaces them on the next write', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'stratum-online-legacy-'));
    const view = contractView('embedded');
    const old = row('old', fullValues(5), '2024-04-01T00:00:00Z');
    const encoded = FeatureValueCodec.for(view).encodeRow(old);
    const raw = open({ path: join(dir, 'features.lmdb'), compression: false });
    await raw.put([onlineNamespace(view), 'old'], { t: encoded.eventTimeMs, v: encoded.values });
    await raw.close();
    const store = await EmbeddedOnlineStore.open(dir);
    try {
      const [read] = await store.read(view, ['old']);
      assert.ok(!(read instanceof TextRow));
      assert.deepEqual(plainRow(read), old);
      // Newest-wins still compares with the old row's time: an older write is skipped, a newer one replaces it.
      await store.write(view, [row('old', { s: 'older' }, '2024-03-01T00:00:00Z')]);
      assert.deepEqual(plainRow((await store.read(view, ['old']))[0]), old);
      const newer = row('old', fullValues(6), '2024-06-01T00:00:00Z');
      await store.write(view, [newer]);
      const [replaced] = await store.read(view, ['old']);
      assert.ok(replaced instanceof TextRow);
      assert.deepEqual(plainRow(replaced), newer);
    } finally {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
