import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ProgressBar, renderProgressLine } from './progress-bar';

function recorder(isTTY: boolean) {
  const writes: string[] = [];
  return { stream: { isTTY, columns: 100, write: (t: string) => writes.push(t) }, writes };
}

describe('renderProgressLine', () => {
  it('fills the bar in proportion and shows the percentage and step', () => {
    assert.equal(renderProgressLine({ step: 'fact_orders', done: 1, total: 4 }, 80), `[${'#'.repeat(7)}${'-'.repeat(21)}]  25%  fact_orders`);
    assert.equal(renderProgressLine({ step: 'done', done: 4, total: 4 }, 80), `[${'#'.repeat(28)}] 100%  done`);
  });

  it('fits a narrow terminal', () => {
    assert.ok(renderProgressLine({ step: 'a very long step name', done: 1, total: 2 }, 30).length <= 29);
  });
});

describe('ProgressBar', () => {
  it('redraws in place on a terminal and ends with the closing message', () => {
    const { stream, writes } = recorder(true);
    const bar = new ProgressBar(stream, 'Generating');
    bar.update({ step: 'a', done: 1, total: 2 });
    bar.update({ step: 'a', done: 1, total: 2 });
    bar.update({ step: 'b', done: 2, total: 2 });
    bar.finish('ready');
    assert.equal(writes.length, 3, 'an unchanged line is not redrawn');
    assert.ok(writes.every((w) => w.startsWith('\r')));
    assert.equal(writes[2], '\r\x1b[2Kready\n');
  });

  it('prints one note and one closing line when not on a terminal', () => {
    const { stream, writes } = recorder(false);
    const bar = new ProgressBar(stream, 'Generating');
    for (let i = 1; i <= 5; i++) bar.update({ step: `s${i}`, done: i, total: 5 });
    bar.finish('ready');
    assert.deepEqual(writes, ['Generating…\n', 'ready\n']);
  });

  it('prints nothing when no work was reported (the marts already existed)', () => {
    const { stream, writes } = recorder(false);
    new ProgressBar(stream, 'Generating').finish('ready');
    assert.deepEqual(writes, []);
  });
});
