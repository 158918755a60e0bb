import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildMetricViewQuery, type MetricFeatureView } from './metric-view-query';

function view(grain: string, windowSeconds?: number): MetricFeatureView {
  return {
    name: 'user_recent_activity', entities: ['user'], joinKeys: ['user_id'],
    features: [{ name: 'sessions_7d', dtype: 'Int64', metric: 'sessions' }],
    source: { kind: 'metric', metrics: ['sessions', 'posts'], entity: 'user', grain, windowSeconds },
    timestampField: 'metric_time', ttlSeconds: 86_400, onlineStore: 'embedded', version: 1, tags: {},
  };
}
const DAY = 86_400;
const iso = (d: Date) => d.toISOString();

describe('buildMetricViewQuery', () => {
  it('groups the metrics by the entity over the trailing window ending at a midnight end', () => {
    const q = buildMetricViewQuery(view('day', 7 * DAY), new Date('2024-07-01T00:00:00Z'));
    assert.deepEqual(q.input, {
      metrics: ['sessions', 'posts'],
      groupBy: ['user'],
      startTime: '2024-06-24T00:00:00.000Z',
      endTime: '2024-06-30T23:59:59.999Z',
    });
    assert.equal(iso(q.windowStart), '2024-06-24T00:00:00.000Z');
    assert.equal(iso(q.windowEnd), '2024-07-01T00:00:00.000Z');
    assert.equal(q.entityColumn, 'user');
  });

  it('covers only periods complete by end: a mid-day end drops the partial day', () => {
    const q = buildMetricViewQuery(view('day', 7 * DAY), new Date('2024-07-01T15:20:00Z'));
    assert.equal(iso(q.windowStart), '2024-06-24T00:00:00.000Z');
    assert.equal(iso(q.windowEnd), '2024-07-01T00:00:00.000Z');
  });

  it('without a window, reads the one grain period before end (ISO weeks start on Monday)', () => {
    const day = buildMetricViewQuery(view('day'), new Date('2024-07-03T08:00:00Z'));
    assert.deepEqual([iso(day.windowStart), iso(day.windowEnd)], ['2024-07-02T00:00:00.000Z', '2024-07-03T00:00:00.000Z']);
    // 2024-07-03 is a Wednesday: the last complete week is Mon 06-24 … Sun 06-30.
    const week = buildMetricViewQuery(view('week'), new Date('2024-07-03T08:00:00Z'));
    assert.deepEqual([iso(week.windowStart), iso(week.windowEnd)], ['2024-06-24T00:00:00.000Z', '2024-07-01T00:00:00.000Z']);
    assert.equal(week.input.endTime, '2024-06-30T23:59:59.999Z');
  });

  it('widens a window that is not whole periods to the start of its first period', () => {
    const q = buildMetricViewQuery(view('day', 36 * 3600), new Date('2024-07-01T00:00:00Z'));
    assert.equal(iso(q.windowStart), '2024-06-29T00:00:00.000Z');
  });
});
