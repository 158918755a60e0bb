import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseDurationSeconds } from './feature-duration';

describe('parseDurationSeconds', () => {
  it('reads units and combinations', () => {
    assert.equal(parseDurationSeconds('7d'), 7 * 24 * 3600);
    assert.equal(parseDurationSeconds('12h'), 12 * 3600);
    assert.equal(parseDurationSeconds('30m'), 1800);
    assert.equal(parseDurationSeconds('1d12h'), 36 * 3600);
    assert.equal(parseDurationSeconds('2w'), 14 * 24 * 3600);
  });

  it('reads plain seconds, as a number or a numeric string', () => {
    assert.equal(parseDurationSeconds(86400), 86400);
    assert.equal(parseDurationSeconds('3600'), 3600);
  });

  it('rejects what is not a duration', () => {
    for (const bad of ['7 days', 'd', '1y', '', true, null, Number.NaN]) assert.equal(parseDurationSeconds(bad), undefined, String(bad));
  });
});
