import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { datetimeToIso, parameterTypes, sanitizeLabels, timestampToIso, toRow } from './bigquery-values';

describe('bigquery-values', () => {
  it('sanitizes label keys and values to BigQuery rules', () => {
    assert.deepEqual(sanitizeLabels({ '2fa': 'On', 'Métric Name': 'Revenue.Daily', '': 'dropped', k: 'v'.repeat(70) }), {
      l_2fa: 'on',
      'm_tric_name': 'revenue_daily',
      k: 'v'.repeat(63),
    });
  });

  it('types parameters: safe integers INT64, other numbers FLOAT64', () => {
    assert.deepEqual(parameterTypes({ a: 1, b: -0.5, c: 2 ** 60, d: 'x', e: false }), {
      a: 'INT64',
      b: 'FLOAT64',
      c: 'FLOAT64',
      d: 'STRING',
      e: 'BOOL',
    });
  });

  it('converts timestamps before the epoch and datetimes without fraction', () => {
    assert.equal(timestampToIso('-1000000'), '1969-12-31T23:59:59.000Z');
    assert.equal(datetimeToIso('2024-01-02 03:04:05'), '2024-01-02T03:04:05.000Z');
  });

  it('keeps non-finite FLOAT64 as BigQuery spells them', () => {
    const fields = [{ name: 'f', type: 'FLOAT64' }];
    assert.deepEqual(toRow(fields, { f: [{ v: 'NaN' }] }), ['NaN']);
    assert.deepEqual(toRow(fields, { f: [{ v: '-Infinity' }] }), ['-Infinity']);
  });
});
