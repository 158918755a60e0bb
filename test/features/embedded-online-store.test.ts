import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { open } from 'lmdb';
import { EmbeddedOnlineStore } from '../../src/features/online-store/embedded/embedded-online-store';
import { FeatureValueCodec } from '../../src/features/online-store/embedded/feature-value-codec';
import { onlineNamespace } from '../../src/features/online-store/online-store';
import { TextRow } from '../../src/features/online-store/row-text';
import { scratchDir } from '../support/scratch-dir';
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

describe('EmbeddedOnlineStore rows as text', () => {
  it('reads a row as its text cut into cells: each cell is the JSON a response prints, no value printed again', async () => {
    const view = contractView('embedded');
    const store = await EmbeddedOnlineStore.open(scratchDir('stratum-online-text-'));
    after(() => store.close());
    await store.write(view, [row('u1', fullValues(3))]);
    const [read] = await store.read(view, ['u1']);
    assert.ok(read instanceof TextRow, 'a TextRow');
    const encoded = FeatureValueCodec.for(view).encodeRow(row('u1', fullValues(3)));
    assert.deepEqual(read.json.cells, encoded.values.map((v) => (v === null ? null : JSON.stringify(v))));
    assert.deepEqual(plainRow(read), plainRow(row('u1', fullValues(3))));
  });

  it('moves the rows and watermarks of the earlier msgpack file into the store, the newer row of a key winning, then deletes the file', async () => {
    const dir = scratchDir('stratum-online-migrate-');
    const view = contractView('embedded');
    const ns = onlineNamespace(view);
    const codec = FeatureValueCodec.for(view);
    const older = codec.encodeRow(row('u1', fullValues(1), '2024-05-01T00:00:00Z'));
    const kept = codec.encodeRow(row('u2', fullValues(2), '2024-05-01T00:00:00Z'));
    // What earlier versions wrote: msgpack { t, v } under [namespace, key], the watermark as a number.
    const legacy = open<unknown, [string, string]>({ path: join(dir, 'features.lmdb'), compression: false });
    await legacy.transaction(() => {
      legacy.put([ns, 'u1'], { t: older.eventTimeMs, v: older.values });
      legacy.put([ns, 'u2'], { t: kept.eventTimeMs, v: kept.values });
      legacy.put(['~watermark', ns], Date.parse('2024-05-02T00:00:00Z'));
    });
    await legacy.close();
    let store = await EmbeddedOnlineStore.open(dir);
    assert.equal(existsSync(join(dir, 'features.lmdb')), false, 'the msgpack file is gone');
    assert.deepEqual((await store.read(view, ['u1', 'u2'])).map(plainRow), [plainRow(row('u1', fullValues(1))), plainRow(row('u2', fullValues(2)))]);
    assert.deepEqual(await store.readWatermark(view), new Date('2024-05-02T00:00:00Z'));
    await store.write(view, [row('u1', fullValues(9), '2024-06-01T00:00:00Z')]);
    await store.close();

    // A process still on the msgpack file wrote again: newest wins, as in write.
    const newer = codec.encodeRow(row('u2', fullValues(7), '2024-07-01T00:00:00Z'));
    const again = open<unknown, [string, string]>({ path: join(dir, 'features.lmdb'), compression: false });
    await again.transaction(() => {
      again.put([ns, 'u1'], { t: older.eventTimeMs, v: older.values });
      again.put([ns, 'u2'], { t: newer.eventTimeMs, v: newer.values });
      again.put([ns, 'u3'], { t: kept.eventTimeMs, v: kept.values });
      again.put(['~watermark', ns], Date.parse('2024-04-01T00:00:00Z'));
    });
    await again.close();
    store = await EmbeddedOnlineStore.open(dir);
    assert.deepEqual((await store.read(view, ['u1', 'u2', 'u3'])).map(plainRow), [
      plainRow(row('u1', fullValues(9), '2024-06-01T00:00:00Z')),
      plainRow(row('u2', fullValues(7), '2024-07-01T00:00:00Z')),
      plainRow(row('u3', fullValues(2))),
    ]);
    assert.deepEqual(await store.readWatermark(view), new Date('2024-05-02T00:00:00Z'), 'the later watermark');
    await store.close();
  });
});
