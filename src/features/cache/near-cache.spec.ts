import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { NearCache } from './near-cache';

describe('NearCache', () => {
  it('answers until the expiry, then forgets', () => {
    const near = new NearCache<string | undefined>(10);
    near.set('a', 'row a', 1000);
    near.set('gone', undefined, 1000);
    assert.deepEqual(near.get('a', 999), { value: 'row a', expiresAt: 1000 });
    assert.deepEqual(near.get('gone', 999), { value: undefined, expiresAt: 1000 }, '"not in the store" is an answer too');
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
});
