import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { NearCache } from './near-cache';

describe('NearCache', () => {
  it('answers until the expiry, then forgets', () => {
    const near = new NearCache<string | undefined>(10);
    near.set('a', 'row a', 1000);
    near.set('gone', undefined, 1000);
    assert.deepEqual(near.get('a', 999), { value: 'row a', expiresAt: 1000, refreshAt: 1000, refreshing: false });
    assert.deepEqual(near.get('gone', 999), { value: undefined, expiresAt: 1000, refreshAt: 1000, refreshing: false }, '"not in the store" is an answer too');
    assert.equal(near.get('a', 1000), undefined);
    assert.equal(near.get('missing', 0), undefined);
    assert.equal(near.hits, 2);
  });

  it('evicts the least recently set key past its size, and deletes on demand', () => {
    const near = new NearCache<number>(2);
    near.set('x', 1, 100);
    near.set('y', 2, 100);
    near.set('x', 3, 100); // x is now the newest
    near.set('z', 4, 100); // y goes
    assert.equal(near.get('y', 0), undefined);
    assert.equal(near.get('x', 0)?.value, 3);
    near.delete('x');
    assert.equal(near.get('x', 0), undefined);
    assert.equal(near.get('z', 0)?.value, 4);
  });

  it('renews a key set again in place, as the newest key', () => {
    const near = new NearCache<string>(2);
    near.set('x', 'x1', 100, 75);
    const entry = near.get('x', 0)!;
    entry.refreshing = true;
    near.set('y', 'y1', 100);
    near.set('x', 'x2', 200, 150);
    assert.equal(near.get('x', 0), entry, 'the same entry object, renewed');
    assert.deepEqual(entry, { value: 'x2', expiresAt: 200, refreshAt: 150, refreshing: false });
    near.set('z', 'z1', 100); // y, not x, is now the oldest
    assert.equal(near.get('y', 0), undefined);
    assert.equal(near.peek('x')?.value, 'x2');
    assert.equal(near.peek('gone'), undefined);
  });

  it('keeps a refresh time before the expiry, and counts deletes in its epoch', () => {
    const near = new NearCache<string>(10);
    near.set('a', 'row a', 1000, 750);
    assert.equal(near.get('a', 800)?.refreshAt, 750, 'past its refresh time an entry still answers');
    const epoch = near.epoch;
    near.delete('never-set');
    near.delete('a');
    assert.equal(near.epoch, epoch + 2, 'every delete moves the epoch, so a read begun before it keeps nothing');
    near.set('b', 'row b', 1000);
    assert.equal(near.epoch, epoch + 2, 'sets do not');
  });
});
