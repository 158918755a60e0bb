import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { writeInBatches } from './batch-writer';

/** A write function whose calls stay in flight until the test lets them finish, one at a time. */
function gatedWrites() {
  const calls: { batch: number[]; finish: (error?: Error) => void }[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const write = (batch: number[]) =>
    new Promise<void>((resolve, reject) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      calls.push({
        batch,
        finish: (error) => {
          inFlight--;
          if (error) reject(error);
          else resolve();
        },
      });
    });
  const settle = () => new Promise((r) => setImmediate(r));
  return { calls, write, settle, maxInFlight: () => maxInFlight, inFlight: () => inFlight };
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('writeInBatches', () => {
  it('writes every row once, in batches of batchSize, with at most `concurrency` calls in flight', async () => {
    const gate = gatedWrites();
    const progress: number[] = [];
    const done = writeInBatches(range(10), gate.write, { batchSize: 3, concurrency: 2, onBatch: (p) => progress.push(p.rows) });
    for (let finished = 0; finished < 4; finished++) {
      await gate.settle();
      assert.ok(gate.inFlight() <= 2, `in flight: ${gate.inFlight()}`);
      gate.calls[finished]!.finish();
    }
    assert.deepEqual(await done, { rows: 10, batches: 4 });
    assert.equal(gate.maxInFlight(), 2, 'two writes did run at once');
    assert.deepEqual(gate.calls.map((c) => c.batch), [[0, 1, 2], [3, 4, 5], [6, 7, 8], [9]]);
    assert.deepEqual(progress, [3, 6, 9, 10]);
  });

  it('starts no batch after a failure, waits for those in flight, and throws the failure', async () => {
    const gate = gatedWrites();
    const done = writeInBatches(range(10), gate.write, { batchSize: 2, concurrency: 2 });
    await gate.settle();
    gate.calls[0]!.finish(new Error('store down'));
    await gate.settle();
    let settled = false;
    void done.catch(() => undefined).finally(() => (settled = true));
    await gate.settle();
    assert.equal(settled, false, 'the write in flight is awaited');
    gate.calls[1]!.finish();
    await assert.rejects(done, /store down/);
    assert.equal(gate.calls.length, 2, 'no batch started after the failure');
  });

  it('writes nothing for no rows, and refuses nonsense sizes', async () => {
    const gate = gatedWrites();
    assert.deepEqual(await writeInBatches([], gate.write, { batchSize: 10, concurrency: 2 }), { rows: 0, batches: 0 });
    assert.equal(gate.calls.length, 0);
    await assert.rejects(writeInBatches([1], gate.write, { batchSize: 0, concurrency: 2 }), /batchSize must be a positive whole number/);
    await assert.rejects(writeInBatches([1], gate.write, { batchSize: 1, concurrency: 1.5 }), /concurrency must be a positive whole number/);
  });
});
