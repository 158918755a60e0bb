import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SpannerStoreSettings } from '../../src/config/serving-config';
import { ensureEmulatorInstanceAndDatabase } from '../../src/features/online-store/spanner/spanner-client';
import { migrateSpanner } from '../../src/features/online-store/spanner/spanner-migration';
import { EmbeddedUserDataStore } from '../../src/features/users/embedded/embedded-user-data-store';
import { SpannerUserDataStore } from '../../src/features/users/spanner/spanner-user-data-store';
import { UserDataError } from '../../src/features/users/user-data-error';
import type { UserDataStore, UserInteraction, UserPreferences } from '../../src/features/users/user-data-store';
import { prepareEmulatorEnvironment, startSpannerEmulator, type RealServer } from '../support/real-servers';

function prefs(userId: string, n: number): UserPreferences {
  return {
    userId,
    preferenceVector: [n, 0.25, -1e-3],
    lastInteractionAt: new Date(Date.UTC(2024, 4, 1, 0, 0, n)),
    recommendationSettings: { diversity: n / 10, categories: ['books', 'music'], nested: { on: true } },
    versionId: n,
  };
}

function interaction(userId: string, itemId: string, second: number, type = 'view'): UserInteraction {
  return { userId, itemId, interactionType: type, at: new Date(Date.UTC(2024, 5, 1, 0, 0, second)), context: { page: 'home', second } };
}

/** The cases every UserDataStore must pass; `store()` is the store under test, opened by the caller. */
function userDataStoreCases(store: () => UserDataStore): void {
  it('round-trips preferences, nulls included, in key order with undefined for unknown users', async () => {
    const empty: UserPreferences = { userId: 'p-null', preferenceVector: null, lastInteractionAt: null, recommendationSettings: null, versionId: null };
    await store().writePreferences([prefs('p-1', 1), prefs('p-2', 2), empty]);
    assert.deepEqual(await store().readPreferences(['p-2', 'p-unknown', 'p-1', 'p-null', 'p-2']), [prefs('p-2', 2), undefined, prefs('p-1', 1), empty, prefs('p-2', 2)]);
    // A second write replaces the whole row.
    await store().writePreferences([{ ...prefs('p-1', 3), preferenceVector: null }]);
    assert.deepEqual(await store().readPreferences(['p-1']), [{ ...prefs('p-1', 3), preferenceVector: null }]);
  });

  it('returns interacted items newest first, at most `limit` per user, in key order', async () => {
    await store().recordInteractions([interaction('i-a', 'item1', 1), interaction('i-a', 'item3', 3), interaction('i-b', 'item9', 9)]);
    await store().recordInteractions([interaction('i-a', 'item2', 2), interaction('i-a', 'item4', 4, 'purchase')]);
    assert.deepEqual(await store().readInteractedItems(['i-b', 'i-none', 'i-a']), [['item9'], [], ['item4', 'item3', 'item2', 'item1']]);
    assert.deepEqual(await store().readInteractedItems(['i-a', 'i-b'], 2), [['item4', 'item3'], ['item9']]);
    assert.deepEqual(await store().readInteractedItems([]), []);
  });

  it('answers every user right when one user has far more interactions than the limit', async () => {
    const heavy = Array.from({ length: 30 }, (_, i) => interaction('h-heavy', `item${i}`, i));
    await store().recordInteractions([...heavy, interaction('h-light', 'x1', 1), interaction('h-light', 'x2', 2), interaction('h-zz', 'z', 5)]);
    assert.deepEqual(await store().readInteractedItems(['h-light', 'h-heavy', 'h-zz'], 3), [['x2', 'x1'], ['item29', 'item28', 'item27'], ['z']]);
  });

  it('creates the preferences row of a new user and moves lastInteractionAt forward only', async () => {
    await store().recordInteractions([interaction('n-1', 'a', 10), interaction('n-1', 'b', 20)]);
    const [created] = await store().readPreferences(['n-1']);
    assert.deepEqual(created, { userId: 'n-1', preferenceVector: null, lastInteractionAt: interaction('n-1', 'b', 20).at, recommendationSettings: null, versionId: null });
    await store().recordInteractions([interaction('n-1', 'old', 5)]);
    assert.deepEqual((await store().readPreferences(['n-1']))[0]?.lastInteractionAt, interaction('n-1', 'b', 20).at);
    // Existing preferences are kept; only the time moves.
    await store().writePreferences([prefs('n-2', 7)]);
    await store().recordInteractions([interaction('n-2', 'c', 50)]);
    assert.deepEqual(await store().readPreferences(['n-2']), [{ ...prefs('n-2', 7), lastInteractionAt: interaction('n-2', 'c', 50).at }]);
  });

  it('keys interactions by user and time: a later write at the same instant replaces the earlier', async () => {
    await store().recordInteractions([interaction('k-1', 'first', 1)]);
    await store().recordInteractions([interaction('k-1', 'second', 1, 'click')]);
    assert.deepEqual(await store().readInteractedItems(['k-1']), [['second']]);
  });

  it('erases a user (preferences and interactions), idempotently, leaving others alone', async () => {
    await store().writePreferences([prefs('e-1', 1), prefs('e-2', 2)]);
    await store().recordInteractions([interaction('e-1', 'a', 1), interaction('e-1', 'b', 2), interaction('e-2', 'c', 3)]);
    assert.equal(await store().eraseUser('e-1'), true);
    assert.equal(await store().eraseUser('e-1'), false);
    assert.equal(await store().eraseUser('e-never'), false);
    assert.deepEqual(await store().readPreferences(['e-1', 'e-2']), [undefined, { ...prefs('e-2', 2), lastInteractionAt: interaction('e-2', 'c', 3).at }]);
    assert.deepEqual(await store().readInteractedItems(['e-1', 'e-2']), [[], ['c']]);
    // A user recorded again after an erase starts from nothing.
    await store().recordInteractions([interaction('e-1', 'fresh', 9)]);
    assert.deepEqual(await store().readInteractedItems(['e-1']), [['fresh']]);
  });

  it('rejects bad inputs with a UserDataError naming the field, and writes nothing of the call', async () => {
    const rejects = (call: Promise<unknown>, field: string, message: RegExp) =>
      assert.rejects(call, (e: unknown) => e instanceof UserDataError && e.field === field && message.test(e.message));
    await rejects(store().recordInteractions([interaction('v-ok', 'a', 1), interaction('x'.repeat(37), 'b', 2)]), 'interactions[1].userId', /37 characters; at most 36/);
    await rejects(store().recordInteractions([interaction('v-ok', 'a', 1), interaction('v-ok', '', 2)]), 'interactions[1].itemId', /non-empty/);
    await rejects(store().recordInteractions([interaction('v-ok', 'a', 1, 'x'.repeat(21))]), 'interactions[0].interactionType', /at most 20/);
    await rejects(store().recordInteractions([{ ...interaction('v-ok', 'a', 1), at: new Date('nope') }]), 'interactions[0].at', /valid Date/);
    await rejects(store().recordInteractions([interaction('v-ok', 'a', 1), interaction('v-ok', 'b', 1)]), 'interactions[1].at', /two interactions/);
    await rejects(store().writePreferences([prefs('v-ok', 1), { ...prefs('v-2', 2), preferenceVector: [1, Number.NaN] }]), 'preferences[1].preferenceVector[1]', /finite number/);
    await rejects(store().writePreferences([{ ...prefs('v-ok', 1), versionId: 1.5 }]), 'preferences[0].versionId', /safe integer/);
    await rejects(store().readPreferences(['ok', '']), 'userIds[1]', /non-empty/);
    await rejects(store().readInteractedItems(['ok'], 0), 'limit', /from 1 to/);
    await rejects(store().eraseUser('y'.repeat(40)), 'userId', /at most 36/);
    // A 36-character id (a UUID) fits; none of the refused calls wrote anything.
    const uuid = '123e4567-e89b-12d3-a456-426614174000';
    await store().recordInteractions([interaction(uuid, uuid, 1, 'x'.repeat(20))]);
    assert.deepEqual(await store().readInteractedItems([uuid, 'v-ok', 'v-2']), [[uuid], [], []]);
    assert.deepEqual(await store().readPreferences(['v-ok', 'v-2']), [undefined, undefined]);
  });
}

describe('EmbeddedUserDataStore (real files in a temp dir)', () => {
  let dir: string;
  let store: EmbeddedUserDataStore;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'stratum-users-'));
    store = await EmbeddedUserDataStore.open(dir);
  });
  after(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  userDataStoreCases(() => store);

  it('keeps everything across a reopen, and a fresh process finds no record of an erased user', async () => {
    await store.writePreferences([prefs('r-1', 1)]);
    await store.recordInteractions([interaction('r-1', 'a', 1), interaction('r-2', 'b', 2), interaction('gone-user', 'secret-item-4711', 3)]);
    await store.writePreferences([{ ...prefs('gone-user', 4), recommendationSettings: { note: 'secret-setting-4711' } }]);
    assert.equal(await store.eraseUser('gone-user'), true);
    await store.close();
    store = await EmbeddedUserDataStore.open(dir);
    assert.deepEqual(await store.readPreferences(['r-1', 'gone-user']), [{ ...prefs('r-1', 1), lastInteractionAt: interaction('r-1', 'a', 1).at }, undefined]);
    assert.deepEqual(await store.readInteractedItems(['r-1', 'r-2', 'gone-user']), [['a'], ['b'], []]);
    // Every record of the file, as any process reads it through LMDB: no key or value of the
    // erased user is left. (The raw file is not checked: LMDB frees the pages that held them and
    // overwrites them in later transactions, but does not zero them at once; see the store's doc.)
    const records = runNode(`
      const { open } = require(${JSON.stringify(require.resolve('lmdb'))});
      const db = open({ path: ${JSON.stringify(join(dir, 'user-data.lmdb'))}, compression: false });
      const all = [];
      for (const { key, value } of db.getRange()) all.push({ key, value });
      console.log(JSON.stringify(all));
      db.close();`);
    assert.ok(records.includes('"r-2"') && records.includes('"b"'), 'the dump holds the other users');
    assert.ok(!/gone-user|secret-item-4711|secret-setting-4711/.test(records), `a record of the erased user is still readable: ${records}`);
  });

  it('sees what another process recorded and erased (`stratum users erase` while the server runs), without reopening', async () => {
    await store.writePreferences([prefs('x-shared', 5)]);
    await store.recordInteractions([interaction('x-shared', 'ours', 5)]);
    assert.deepEqual(await store.readInteractedItems(['x-shared', 'x-theirs']), [['ours'], []]);
    const seen = runNode(`
      const { EmbeddedUserDataStore } = require(${JSON.stringify(require.resolve('../../src/features/users/embedded/embedded-user-data-store'))});
      (async () => {
        const s = await EmbeddedUserDataStore.open(${JSON.stringify(dir)});
        const [items] = await s.readInteractedItems(['x-shared']);
        await s.recordInteractions([{ userId: 'x-theirs', itemId: 'theirs', interactionType: 'click', at: new Date('2024-06-01T00:00:07Z') }]);
        const erased = await s.eraseUser('x-shared');
        console.log(JSON.stringify({ items, erased }));
        await s.close();
      })().catch((e) => { console.error(e); process.exit(1); });`);
    assert.deepEqual(JSON.parse(seen), { items: ['ours'], erased: true });
    assert.deepEqual(await store.readInteractedItems(['x-shared', 'x-theirs']), [[], ['theirs']]);
    assert.deepEqual(await store.readPreferences(['x-shared']), [undefined]);
    assert.equal((await store.readPreferences(['x-theirs']))[0]?.lastInteractionAt?.toISOString(), '2024-06-01T00:00:07.000Z');
    // The erase is seen inside this process's write transactions too: nothing left to erase.
    assert.equal(await store.eraseUser('x-shared'), false);
  });

  it('keeps interactions at the epoch itself in time order', async () => {
    // The key holds the negated time; -0 would sort after every other time in ordered-binary.
    await store.recordInteractions([interaction('z-epoch', 'later', 1), { ...interaction('z-epoch', 'at-epoch', 0), at: new Date(0) }, { ...interaction('z-epoch', 'before', 0), at: new Date(-1000) }]);
    assert.deepEqual(await store.readInteractedItems(['z-epoch']), [['later', 'at-epoch', 'before']]);
  });

  it('refuses to be used after close', async () => {
    const other = await mkdtemp(join(tmpdir(), 'stratum-users-closed-'));
    const closed = await EmbeddedUserDataStore.open(other);
    await closed.close();
    await assert.rejects(closed.readPreferences(['x']), /closed/);
    await rm(other, { recursive: true, force: true });
  });
});

/** Runs a script in a separate node process (another process sharing the LMDB files) and returns its stdout. */
function runNode(script: string): string {
  const child = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
  assert.equal(child.status, 0, child.stderr);
  return child.stdout.trim();
}

describe('SpannerUserDataStore (Spanner emulator)', () => {
  let emulator: RealServer;
  let store: SpannerUserDataStore;
  before(async () => {
    prepareEmulatorEnvironment();
    emulator = await startSpannerEmulator();
    const settings: SpannerStoreSettings = { kind: 'spanner', projectId: 'stratum-test', instanceId: 'test-instance', databaseId: 'users', readStalenessMs: 0, emulatorHost: emulator.host };
    await ensureEmulatorInstanceAndDatabase(settings);
    await migrateSpanner(settings, []);
    store = SpannerUserDataStore.open(settings);
  });
  after(async () => {
    await store?.close();
    await emulator?.stop();
  });

  userDataStoreCases(() => store);

  it('reads several users in one round trip each for preferences and interactions', async () => {
    await store.recordInteractions([interaction('rt-1', 'a', 1), interaction('rt-2', 'b', 2), interaction('rt-3', 'c', 3)]);
    const reads = store.stats.reads;
    assert.deepEqual(await store.readInteractedItems(['rt-3', 'rt-1', 'rt-2', 'rt-none']), [['c'], ['a'], ['b'], []]);
    assert.equal(store.stats.reads - reads, 1);
    await store.readPreferences(['rt-1', 'rt-2', 'rt-3']);
    assert.equal(store.stats.reads - reads, 2);
  });
});
