import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { linkableOutputName, parseLinkableName } from './linkable-name';
import { expectSemanticError } from '../../../test/support/semantic-assert';

const TIME = new Set(['metric_time', 'order_date', 'created_at']);
const isTime = (name: string) => TIME.has(name);
const parse = (name: string, extra: { grain?: string; datePart?: string } = {}) => parseLinkableName({ name, ...extra }, isTime);

const rejects = (work: () => unknown, code: string, message: RegExp): void => void expectSemanticError(work, code, message);

describe('parseLinkableName', () => {
  it('splits an entity path from the element', () => {
    assert.deepEqual(parse('order__customer__country'), { entityPath: ['order', 'customer'], element: 'country', grain: undefined, datePart: undefined });
    assert.deepEqual(parse('customer'), { entityPath: [], element: 'customer', grain: undefined, datePart: undefined });
  });

  it('reads a trailing grain only after a time element', () => {
    assert.deepEqual(parse('metric_time__month'), { entityPath: [], element: 'metric_time', grain: 'month', datePart: undefined });
    assert.deepEqual(parse('order__order_date__week'), { entityPath: ['order'], element: 'order_date', grain: 'week', datePart: undefined });
    // `status` is not a time dimension, so `__day` here is the element's name, not a grain.
    assert.deepEqual(parse('status__day'), { entityPath: ['status'], element: 'day', grain: undefined, datePart: undefined });
  });

  it('takes the grain or date part from the object form, and lower-cases names', () => {
    assert.equal(parse('METRIC_TIME', { grain: 'QUARTER' }).grain, 'quarter');
    assert.equal(parse('Metric_Time').element, 'metric_time');
    assert.equal(parse('metric_time', { datePart: 'dow' }).datePart, 'dow');
  });

  it('accepts the same grain twice, and rejects two different grains', () => {
    assert.equal(parse('metric_time__month', { grain: 'month' }).grain, 'month');
    rejects(() => parse('metric_time__month', { grain: 'year' }), 'INVALID_GROUP_BY', /grain 'month' but grain 'year'/);
  });

  it('reads extract_<part> as a date part', () => {
    for (const part of ['year', 'quarter', 'month', 'week', 'day', 'dow', 'doy']) {
      const parsed = parse(`metric_time__extract_${part}`);
      assert.equal(parsed.datePart, part);
      assert.equal(parsed.element, 'metric_time');
      assert.equal(parsed.grain, undefined);
    }
    rejects(() => parse('metric_time__extract_fortnight'), 'INVALID_GROUP_BY', /Unknown date part 'fortnight'/);
  });

  it('rejects unknown grains, a grain with a date part, and malformed names', () => {
    rejects(() => parse('metric_time', { grain: 'fortnight' }), 'INVALID_GROUP_BY', /Unknown grain 'fortnight'/);
    rejects(() => parse('metric_time__extract_dow', { grain: 'month' }), 'INVALID_GROUP_BY', /both a grain and a date part/);
    for (const bad of ['', '   ', 'a__', '__a', 'a b', "x'; drop table t; --", 'a.b', 'a-b', '1abc', 'a'.repeat(300)]) {
      rejects(() => parse(bad), 'INVALID_GROUP_BY', /not a valid name/);
    }
  });

  it('reports errors under the code it is given (filters say INVALID_FILTER)', () => {
    rejects(() => parseLinkableName({ name: 'a;b' }, isTime, 'INVALID_FILTER'), 'INVALID_FILTER', /not a valid name/);
  });
});

describe('linkableOutputName', () => {
  it('is MetricFlow’s dunder name', () => {
    assert.equal(linkableOutputName(['order', 'customer'], 'country'), 'order__customer__country');
    assert.equal(linkableOutputName([], 'metric_time', 'month'), 'metric_time__month');
    assert.equal(linkableOutputName([], 'metric_time', 'month', 'dow'), 'metric_time__extract_dow');
  });
});
