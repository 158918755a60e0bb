import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { addGrain, formatTimeParameter, parseTimeLiteral, truncateToGrain } from './time-literal';

const utc = (iso: string) => new Date(iso.endsWith('Z') ? iso : `${iso}Z`);
const iso = (d: Date) => d.toISOString();

describe('parseTimeLiteral', () => {
  it('parses dates and timestamps as UTC', () => {
    assert.deepEqual(parseTimeLiteral('2024-02-29'), { date: utc('2024-02-29T00:00:00'), hasTime: false });
    assert.deepEqual(parseTimeLiteral('2024-02-29T13:45'), { date: utc('2024-02-29T13:45:00'), hasTime: true });
    assert.deepEqual(parseTimeLiteral(' 2024-02-29 13:45:07.123456 '), { date: utc('2024-02-29T13:45:07.123'), hasTime: true });
    assert.equal(iso(parseTimeLiteral('2024-01-31T12:00:00Z')!.date), '2024-01-31T12:00:00.000Z');
  });

  it('applies offsets (with or without a colon)', () => {
    assert.equal(iso(parseTimeLiteral('2024-01-01T01:30:00+02:00')!.date), '2023-12-31T23:30:00.000Z');
    assert.equal(iso(parseTimeLiteral('2024-01-01T22:00:00-0530')!.date), '2024-01-02T03:30:00.000Z');
  });

  it('rejects impossible dates and times rather than rolling them over', () => {
    for (const bad of ['2023-02-29', '2024-02-30', '2024-13-01', '2024-00-10', '2024-01-01T25:00', '2024-01-01T12:60', '2024-01-01T12:00:61']) {
      assert.equal(parseTimeLiteral(bad), undefined, bad);
    }
  });

  it('rejects what is not a date', () => {
    for (const bad of ['', 'yesterday', '2024/01/01', '24-01-01', '2024-1-1', "2024-01-01'; --", '2024-01-01T', '20240101']) {
      assert.equal(parseTimeLiteral(bad), undefined, bad);
    }
  });
});

describe('truncateToGrain', () => {
  const t = utc('2024-05-16T13:47:21.500'); // a Thursday in Q2

  it('truncates to each grain', () => {
    assert.equal(iso(truncateToGrain(t, 'second')), '2024-05-16T13:47:21.000Z');
    assert.equal(iso(truncateToGrain(t, 'minute')), '2024-05-16T13:47:00.000Z');
    assert.equal(iso(truncateToGrain(t, 'hour')), '2024-05-16T13:00:00.000Z');
    assert.equal(iso(truncateToGrain(t, 'day')), '2024-05-16T00:00:00.000Z');
    assert.equal(iso(truncateToGrain(t, 'month')), '2024-05-01T00:00:00.000Z');
    assert.equal(iso(truncateToGrain(t, 'quarter')), '2024-04-01T00:00:00.000Z');
    assert.equal(iso(truncateToGrain(t, 'year')), '2024-01-01T00:00:00.000Z');
  });

  it('starts weeks on Monday (ISO), also across month and year ends', () => {
    assert.equal(iso(truncateToGrain(t, 'week')), '2024-05-13T00:00:00.000Z');
    assert.equal(iso(truncateToGrain(utc('2024-05-13T00:00:00'), 'week')), '2024-05-13T00:00:00.000Z', 'a Monday is its own week start');
    assert.equal(iso(truncateToGrain(utc('2024-05-19T23:59:59'), 'week')), '2024-05-13T00:00:00.000Z', 'Sunday belongs to the week before');
    assert.equal(iso(truncateToGrain(utc('2024-01-03T00:00:00'), 'week')), '2024-01-01T00:00:00.000Z');
    assert.equal(iso(truncateToGrain(utc('2023-01-01T00:00:00'), 'week')), '2022-12-26T00:00:00.000Z');
  });

  it('maps every month to its quarter start', () => {
    const starts = Array.from({ length: 12 }, (_, m) => truncateToGrain(new Date(Date.UTC(2024, m, 15)), 'quarter').getUTCMonth());
    assert.deepEqual(starts, [0, 0, 0, 3, 3, 3, 6, 6, 6, 9, 9, 9]);
  });
});

describe('addGrain', () => {
  it('moves by whole periods', () => {
    assert.equal(iso(addGrain(utc('2024-02-01T00:00:00'), 'month', 1)), '2024-03-01T00:00:00.000Z');
    assert.equal(iso(addGrain(utc('2024-11-01T00:00:00'), 'quarter', 1)), '2025-02-01T00:00:00.000Z');
    // Month arithmetic clamps to the month's last day, as SQL's DATE_ADD / INTERVAL do.
    assert.equal(iso(addGrain(utc('2024-02-29T00:00:00'), 'year', -1)), '2023-02-28T00:00:00.000Z');
    assert.equal(iso(addGrain(utc('2024-03-31T00:00:00'), 'month', -1)), '2024-02-29T00:00:00.000Z');
    assert.equal(iso(addGrain(utc('2024-01-31T06:30:00'), 'month', 1)), '2024-02-29T06:30:00.000Z');
    assert.equal(iso(addGrain(utc('2024-12-30T00:00:00'), 'week', 1)), '2025-01-06T00:00:00.000Z');
    assert.equal(iso(addGrain(utc('2024-03-31T00:00:00'), 'day', 1)), '2024-04-01T00:00:00.000Z');
    assert.equal(iso(addGrain(utc('2024-03-31T23:00:00'), 'hour', 2)), '2024-04-01T01:00:00.000Z');
  });

  it('after truncation, lands on the next period start even from a month end', () => {
    // The planner truncates first, so periods land on period starts.
    const end = truncateToGrain(utc('2024-01-31T00:00:00'), 'month');
    assert.equal(iso(addGrain(end, 'month', 1)), '2024-02-01T00:00:00.000Z');
    const q = truncateToGrain(utc('2024-03-31T00:00:00'), 'quarter');
    assert.equal(iso(addGrain(q, 'quarter', 1)), '2024-04-01T00:00:00.000Z');
  });
});

describe('formatTimeParameter', () => {
  it('writes DATEs as days and TIMESTAMPs in UTC, with milliseconds only when there are some', () => {
    assert.equal(formatTimeParameter(utc('2024-03-01T00:00:00'), 'DATE'), '2024-03-01');
    assert.equal(formatTimeParameter(utc('2024-03-01T04:05:06'), 'TIMESTAMP'), '2024-03-01 04:05:06');
    assert.equal(formatTimeParameter(utc('2024-03-01T04:05:06.789'), 'TIMESTAMP'), '2024-03-01 04:05:06.789');
  });
});
