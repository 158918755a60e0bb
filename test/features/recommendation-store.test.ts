import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Bigtable } from '@google-cloud/bigtable';
import type { BigtableStoreSettings } from '../../src/config/app-config';
import { BigtableSchemaError } from '../../src/features/online-store/bigtable/bigtable-schema-error';
import { BigtableRecommendationStore } from '../../src/features/recommendations/bigtable/bigtable-recommendation-store';
import { EmbeddedRecommendationStore } from '../../src/features/recommendations/embedded/embedded-recommendation-store';
import type { RecommendationList, RecommendationStore } from '../../src/features/recommendations/recommendation-store';
import { RecommendationValidationError } from '../../src/features/recommendations/recommendation-validation';
import { prepareEmulatorEnvironment, startBigtableEmulator, type RealServer } from '../support/real-servers';

prepareEmulatorEnvironment();
delete process.env.BIGTABLE_EMULATOR_HOST;

function list(userId: string, iso: string, items: [string, number][], model?: string): RecommendationList {
  return { userId, generatedAt: new Date(iso), items: items.map(([itemId, score]) => ({ itemId, score })), ...(model ? { model } : {}) };
}

interface Target {
  open(): Promise<RecommendationStore>;
  /** Closes and opens again: what was written must still be there. */
  reopen(store: RecommendationStore): Promise<RecommendationStore>;
  /** Round trips the store has made, when it counts them. */
  stats?(store: RecommendationStore): { reads: number; writes: number };
}

/** The behaviours both recommendation stores share. */
function recommendationStoreCases(name: string, target: Target): void {
  describe(`${name}: the RecommendationStore contract`, () => {
    let store: RecommendationStore;
    before(async () => {
      store = await target.open();
    });
    after(async () => {
      await store.close();
    });

    it('serves the newest list per user whatever the write order, in key order, undefined for unknown users', async () => {
      await store.writeLists([list('u1', '2024-05-02T00:00:00Z', [['b', 0.9], ['a', 0.5]], 'two-tower-v3')]);
      await store.writeLists([list('u1', '2024-05-01T00:00:00Z', [['old', 1]]), list('u2', '2024-05-01T00:00:00Z', [['c', -1.5e-7]])]);
      const got = await store.readLatest(['u2', 'nobody', 'u1', 'u2']);
      assert.deepEqual(got, [
        list('u2', '2024-05-01T00:00:00Z', [['c', -1.5e-7]]),
        undefined,
        list('u1', '2024-05-02T00:00:00Z', [['b', 0.9], ['a', 0.5]], 'two-tower-v3'),
        list('u2', '2024-05-01T00:00:00Z', [['c', -1.5e-7]]),
      ]);
      store = await target.reopen(store);
      assert.deepEqual((await store.readLatest(['u1']))[0]?.items.map((i) => i.itemId), ['b', 'a']);
    });

    it('replaces a list written again with the same user and time, and keeps an empty list as the newest', async () => {
      await store.writeLists([list('up', '2024-06-01T00:00:00Z', [['x', 1]], 'm1')]);
      await store.writeLists([list('up', '2024-06-01T00:00:00Z', [['y', 2], ['z', 1]])]);
      assert.deepEqual(await store.readLatest(['up']), [list('up', '2024-06-01T00:00:00Z', [['y', 2], ['z', 1]])]);
      await store.writeLists([list('up', '2024-06-02T00:00:00Z', [])]);
      assert.deepEqual((await store.readLatest(['up']))[0]?.items, []);
    });

    it('keeps users whose ids prefix each other apart', async () => {
      await store.writeLists([list('a#1', '2024-07-01T00:00:00Z', [['p', 1]]), list('a%', '2024-07-01T00:00:00Z', [['q', 1]])]);
      assert.deepEqual((await store.readLatest(['a', 'a#1', 'a%', 'a#'])).map((l) => l?.items[0]?.itemId), [undefined, 'p', 'q', undefined]);
    });

    it('rejects a call with any invalid list and writes nothing of it', async () => {
      const good = list('v-good', '2024-05-01T00:00:00Z', [['a', 1]]);
      const cases: [string, RecommendationList, RegExp][] = [
        ['an empty user id', list('', '2024-05-01T00:00:00Z', [['a', 1]]), /lists\[1\]: userId must be a non-empty string/],
        ['an empty item id', list('v1', '2024-05-01T00:00:00Z', [['', 1]]), /user 'v1'.*items\[0\]: itemId must be a non-empty string/],
        ['a NaN score', list('v2', '2024-05-01T00:00:00Z', [['a', Number.NaN]]), /items\[0\]: score must be a finite number, got NaN/],
        ['an infinite score', list('v3', '2024-05-01T00:00:00Z', [['a', Infinity]]), /score must be a finite number/],
        ['101 items', list('v4', '2024-05-01T00:00:00Z', Array.from({ length: 101 }, (_, i): [string, number] => [`i${i}`, 1])), /101 items, at most 100/],
        ['a duplicate item', list('v5', '2024-05-01T00:00:00Z', [['a', 2], ['a', 1]]), /items\[1\]: item 'a' appears twice/],
        ['an invalid date', list('v6', 'not a date', [['a', 1]]), /generatedAt must be a valid Date/],
      ];
      for (const [what, bad, message] of cases) {
        await assert.rejects(store.writeLists([good, bad]), (e: unknown) =>
          e instanceof RecommendationValidationError && message.test(e.message) && /nothing was written/.test(e.message), what);
      }
      assert.deepEqual(await store.readLatest(['v-good', 'v1', 'v2', 'v4', 'v5']), [undefined, undefined, undefined, undefined, undefined]);
      // 100 items is the limit, not beyond it.
      const hundred = list('v-100', '2024-05-01T00:00:00Z', Array.from({ length: 100 }, (_, i): [string, number] => [`i${i}`, 100 - i]));
      await store.writeLists([hundred]);
      assert.equal((await store.readLatest(['v-100']))[0]?.items.length, 100);
    });

    it('erases every list of a user, idempotently, and the erase lasts', async () => {
      await store.writeLists([list('gone', '2024-05-01T00:00:00Z', [['a', 1]]), list('stays', '2024-05-01T00:00:00Z', [['b', 1]])]);
      await store.writeLists([list('gone', '2024-05-03T00:00:00Z', [['c', 1]])]);
      await store.deleteUser('gone');
      await store.deleteUser('gone');
      await store.deleteUser('never-existed');
      assert.deepEqual((await store.readLatest(['gone', 'stays'])).map((l) => l?.items[0]?.itemId), [undefined, 'b']);
      store = await target.reopen(store);
      assert.deepEqual((await store.readLatest(['gone', 'stays'])).map((l) => l?.items[0]?.itemId), [undefined, 'b']);
      // An older list written after the erase is a new list: the erase removed, it does not block.
      await store.writeLists([list('gone', '2024-04-01T00:00:00Z', [['d', 1]])]);
      assert.equal((await store.readLatest(['gone']))[0]?.items[0]?.itemId, 'd');
    });

    it('keeps only the newest lists of a user, so older ones never resurface', async () => {
      for (let day = 1; day <= 5; day++) await store.writeLists([list('many', `2024-08-0${day}T00:00:00Z`, [[`day${day}`, day]])]);
      assert.equal((await store.readLatest(['many']))[0]?.items[0]?.itemId, 'day5');
      // A list older than the kept ones is not stored.
      await store.writeLists([list('many', '2024-07-01T00:00:00Z', [['ancient', 1]])]);
      assert.equal((await store.readLatest(['many']))[0]?.items[0]?.itemId, 'day5');
    });

    if (target.stats) {
      it('reads the lists of many users in one round trip', async () => {
        const users = Array.from({ length: 30 }, (_, i) => `batch${i}`);
        await store.writeLists(users.slice(0, 20).map((u, i) => list(u, '2024-05-01T00:00:00Z', [[`item${i}`, i]])));
        const before = target.stats!(store).reads;
        const got = await store.readLatest(users);
        assert.equal(target.stats!(store).reads, before + 1);
        got.forEach((l, i) => assert.equal(l?.items[0]?.itemId, i < 20 ? `item${i}` : undefined));
      });
    }
  });
}

let dir: string;
recommendationStoreCases('EmbeddedRecommendationStore', {
  open: async () => {
    dir = await mkdtemp(join(tmpdir(), 'stratum-recs-'));
    return EmbeddedRecommendationStore.open(dir);
  },
  reopen: async (store) => {
    await store.close();
    return EmbeddedRecommendationStore.open(dir);
  },
});
after(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('EmbeddedRecommendationStore (LMDB in a temp dir)', () => {
  let shared: string;
  before(async () => {
    shared = await mkdtemp(join(tmpdir(), 'stratum-recs-shared-'));
  });
  after(async () => {
    await rm(shared, { recursive: true, force: true });
  });

  it('serves what another process loaded and erased (the CLI while the server runs), without reopening', async () => {
    const store = await EmbeddedRecommendationStore.open(shared);
    try {
      await store.writeLists([list('s-1', '2024-05-01T00:00:00Z', [['ours', 1]]), list('s-gone', '2024-05-01T00:00:00Z', [['x', 1]])]);
      assert.deepEqual((await store.readLatest(['s-1', 's-2', 's-gone'])).map((l) => l?.items[0]?.itemId), ['ours', undefined, 'x']);
      const seen = runNode(`
        const { EmbeddedRecommendationStore } = require(${JSON.stringify(require.resolve('../../src/features/recommendations/embedded/embedded-recommendation-store'))});
        const list = (userId, iso, itemId) => ({ userId, generatedAt: new Date(iso), items: [{ itemId, score: 2 }], model: 'theirs' });
        (async () => {
          const s = await EmbeddedRecommendationStore.open(${JSON.stringify(shared)});
          const [mine] = await s.readLatest(['s-1']);
          await s.writeLists([list('s-1', '2024-05-02T00:00:00Z', 'newer'), list('s-2', '2024-05-01T00:00:00Z', 'theirs')]);
          await s.deleteUser('s-gone');
          console.log(mine.items[0].itemId);
          await s.close();
        })().catch((e) => { console.error(e); process.exit(1); });`);
      assert.equal(seen, 'ours');
      assert.deepEqual(await store.readLatest(['s-1', 's-2', 's-gone']), [
        list('s-1', '2024-05-02T00:00:00Z', [['newer', 2]], 'theirs'),
        list('s-2', '2024-05-01T00:00:00Z', [['theirs', 2]], 'theirs'),
        undefined,
      ]);
      // The other process's lists count against keepLists here too: ours (the oldest of three) goes.
      await store.writeLists([list('s-1', '2024-05-03T00:00:00Z', [['third', 1]])]);
    } finally {
      await store.close();
    }
    assert.deepEqual(storedKeys(shared).filter(([user]) => user === 's-1').map(([, ms]) => new Date(ms).toISOString()), ['2024-05-02T00:00:00.000Z', '2024-05-03T00:00:00.000Z']);
  });

  it('stores at most keepLists lists per user, and refuses a keepLists below 1', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'stratum-recs-keep-'));
    try {
      const store = await EmbeddedRecommendationStore.open(dir, { keepLists: 3 });
      // Several lists of one user in one call are trimmed against each other.
      await store.writeLists([1, 2, 3, 4, 5].map((day) => list('k', `2024-08-0${day}T00:00:00Z`, [[`day${day}`, day]])));
      await store.writeLists([list('k', '2024-07-01T00:00:00Z', [['ancient', 1]]), list('k2', '2024-07-01T00:00:00Z', [['only', 1]])]);
      assert.equal((await store.readLatest(['k']))[0]?.items[0]?.itemId, 'day5');
      await store.close();
      assert.deepEqual(storedKeys(dir).map(([user, ms]) => `${user} ${new Date(ms).toISOString().slice(0, 10)}`), ['k 2024-08-03', 'k 2024-08-04', 'k 2024-08-05', 'k2 2024-07-01']);
      await assert.rejects(EmbeddedRecommendationStore.open(dir, { keepLists: 0 }), /keepLists must be a whole number of at least 1, got 0/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('stores the longest user id validation allows, in 3-byte characters', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'stratum-recs-long-'));
    const store = await EmbeddedRecommendationStore.open(dir);
    try {
      const long = '\u20ac'.repeat(1024);
      await store.writeLists([list(long, '2024-05-01T00:00:00Z', [['a', 1]])]);
      assert.deepEqual((await store.readLatest([long, long.slice(1)])).map((l) => l?.items[0]?.itemId), ['a', undefined]);
    } finally {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses to be used after close', async () => {
    const store = await EmbeddedRecommendationStore.open(shared);
    await store.close();
    await assert.rejects(store.readLatest(['x']), /closed/);
  });
});

/** Runs a script in a separate node process (another process sharing the LMDB files) and returns its stdout. */
function runNode(script: string): string {
  const child = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
  assert.equal(child.status, 0, child.stderr);
  return child.stdout.trim();
}

/** The keys in the LMDB file of a closed store, read by a separate process (in key order). */
function storedKeys(dir: string): [string, number][] {
  return JSON.parse(runNode(`
    const { open } = require(${JSON.stringify(require.resolve('lmdb'))});
    const db = open({ path: ${JSON.stringify(join(dir, 'recommendations.lmdb'))}, compression: false });
    console.log(JSON.stringify([...db.getKeys()]));
    db.close();`)) as [string, number][];
}

let emulator: RealServer;
let settings: BigtableStoreSettings;
recommendationStoreCases('BigtableRecommendationStore', {
  open: async () => {
    emulator = await startBigtableEmulator();
    settings = { kind: 'bigtable', projectId: 'stratum-test', instanceId: 'serving', emulatorHost: emulator.host };
    await BigtableRecommendationStore.init(settings);
    return BigtableRecommendationStore.open(settings);
  },
  reopen: async (store) => {
    await store.close();
    return BigtableRecommendationStore.open(settings);
  },
  stats: (store) => (store as BigtableRecommendationStore).stats,
});

describe('BigtableRecommendationStore (Bigtable emulator)', () => {
  after(async () => {
    await emulator?.stop();
  });

  it('keeps at most two lists per user in the table, newest first by row key', async () => {
    const store = BigtableRecommendationStore.open(settings);
    // A second, plain client to look at the rows the adapter stored.
    const raw = new Bigtable({ projectId: settings.projectId, metricsEnabled: false, apiEndpoint: emulator.host });
    try {
      for (let day = 1; day <= 4; day++) await store.writeLists([list('rows', `2024-09-0${day}T00:00:00Z`, [['x', day]])]);
      const [rows] = await raw.instance(settings.instanceId).table(BigtableRecommendationStore.DEFAULT_TABLE).getRows({ decode: false });
      const keys = rows.map((r) => String(r.id)).filter((k) => /#rows#\d{13}$/.test(k));
      assert.equal(keys.length, 2);
      assert.match(keys[0]!, /^[0-9a-f]{4}#rows#\d{13}$/);
      assert.equal(9_999_999_999_999 - Number(keys[0]!.slice(-13)), Date.parse('2024-09-04T00:00:00Z'));
      assert.equal(9_999_999_999_999 - Number(keys[1]!.slice(-13)), Date.parse('2024-09-03T00:00:00Z'));
    } finally {
      await store.close();
      await raw.close();
    }
  });

  it('says to run `stratum online-store init` when the table is missing, and init twice is fine', async () => {
    const bare = BigtableRecommendationStore.open(settings, { tableId: 'recs_not_initialized' });
    try {
      await assert.rejects(bare.readLatest(['u1']), (e: unknown) =>
        e instanceof BigtableSchemaError && /recs_not_initialized/.test(e.message) && /stratum online-store init/.test(e.message));
      assert.deepEqual((await BigtableRecommendationStore.init(settings, { tableId: 'recs_not_initialized' })).createdFamilies, ['rec']);
      assert.deepEqual((await BigtableRecommendationStore.init(settings, { tableId: 'recs_not_initialized' })).createdFamilies, []);
      assert.deepEqual(await bare.readLatest(['u1']), [undefined]);
    } finally {
      await bare.close();
    }
  });
});
