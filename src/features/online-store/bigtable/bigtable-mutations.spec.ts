import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chunkMutations, type RawEntry } from './bigtable-mutations';

function entry(key: string, cells: number, valueBytes = 1): RawEntry {
  return {
    rowKey: Buffer.from(key),
    mutations: Array.from({ length: cells }, (_, i) => ({
      setCell: { familyName: 'f', columnQualifier: Buffer.from(`q${i}`), timestampMicros: 0, value: Buffer.alloc(valueBytes) },
    })),
  };
}

describe('chunkMutations', () => {
  it('sends a usual batch as one request', () => {
    const entries = Array.from({ length: 1000 }, (_, i) => entry(`k${i}`, 51));
    assert.deepEqual(chunkMutations(entries).map((c) => c.length), [1000]);
  });

  it('keeps every request within 100,000 mutations, in order, losing nothing', () => {
    const entries = Array.from({ length: 5000 }, (_, i) => entry(`k${i}`, 51));
    const chunks = chunkMutations(entries);
    assert.ok(chunks.length > 1);
    for (const chunk of chunks) assert.ok(chunk.reduce((n, e) => n + e.mutations.length, 0) <= 100_000);
    assert.deepEqual(chunks.flat(), entries);
  });

  it('splits by payload size too, but never leaves a single large row out', () => {
    const chunks = chunkMutations([entry('a', 1, 12 * 1024 * 1024), entry('b', 1, 12 * 1024 * 1024), entry('c', 1)]);
    assert.deepEqual(chunks.map((c) => c.map((e) => e.rowKey.toString())), [['a'], ['b', 'c']]);
    assert.deepEqual(chunkMutations([]), []);
  });
});
