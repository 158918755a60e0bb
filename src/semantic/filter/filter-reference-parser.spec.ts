import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SemanticError } from '../errors';
import type { FilterReference } from './filter-ast';
import { parseWhereFilter } from './filter-parser';

/** Parses `<ref> IS NULL` and returns the reference, so each case is a whole filter. */
function ref(jinja: string): FilterReference {
  const expr = parseWhereFilter(`${jinja} IS NULL`);
  assert.equal(expr.kind, 'isNull');
  const arg = (expr as { arg: { kind: string; ref?: FilterReference } }).arg;
  assert.equal(arg.kind, 'ref');
  return arg.ref!;
}

function rejects(jinja: string, ...fragments: string[]): void {
  rejectsFilter(`${jinja} IS NULL`, ...fragments);
}

function rejectsFilter(jinja: string, ...fragments: string[]): void {
  assert.throws(
    () => parseWhereFilter(jinja),
    (err: unknown) => {
      assert.ok(err instanceof SemanticError, `expected a SemanticError for ${jinja}`);
      assert.equal(err.code, 'INVALID_FILTER');
      for (const f of fragments) assert.ok(err.message.includes(f), `message for ${JSON.stringify(jinja)} lacks ${JSON.stringify(f)}:\n${err.message}`);
      return true;
    },
  );
}

describe('Jinja references: Dimension', () => {
  it('reads the name, tolerating whitespace and either quote style, and lower-cases it', () => {
    assert.deepEqual(ref("{{ Dimension('customer__country') }}"), { type: 'dimension', name: 'customer__country' });
    assert.deepEqual(ref("{{Dimension('customer__country')}}"), { type: 'dimension', name: 'customer__country' });
    assert.deepEqual(ref('{{\n  Dimension ( "Customer__Country" )\n}}'), { type: 'dimension', name: 'customer__country' });
  });

  it('reads .grain() and .date_part(), in either order', () => {
    assert.deepEqual(ref("{{ Dimension('metric_time').grain('month') }}"), { type: 'dimension', name: 'metric_time', grain: 'month' });
    assert.deepEqual(ref("{{ Dimension('metric_time').date_part('DOW') }}"), { type: 'dimension', name: 'metric_time', datePart: 'dow' });
    assert.deepEqual(ref("{{ Dimension('metric_time').date_part('year').grain('day') }}"), { type: 'dimension', name: 'metric_time', grain: 'day', datePart: 'year' });
  });

  it('folds entity_path into the dunder name, as MetricFlow does', () => {
    assert.deepEqual(ref("{{ Dimension('country', entity_path=['order', 'customer']) }}"), { type: 'dimension', name: 'order__customer__country' });
    assert.deepEqual(ref("{{ Dimension('country', ['customer']) }}"), { type: 'dimension', name: 'customer__country' });
    assert.deepEqual(ref("{{ Dimension(dimension_name='country') }}"), { type: 'dimension', name: 'country' });
  });
});

describe('Jinja references: TimeDimension, Entity, Metric', () => {
  it('reads TimeDimension with and without a grain, positionally or by keyword', () => {
    assert.deepEqual(ref("{{ TimeDimension('metric_time') }}"), { type: 'timeDimension', name: 'metric_time' });
    assert.deepEqual(ref("{{ TimeDimension('metric_time', 'MONTH') }}"), { type: 'timeDimension', name: 'metric_time', grain: 'month' });
    assert.deepEqual(ref("{{ TimeDimension('ordered_at', time_granularity_name='week', entity_path=['order']) }}"), {
      type: 'timeDimension',
      name: 'order__ordered_at',
      grain: 'week',
    });
    assert.deepEqual(ref("{{ TimeDimension('metric_time', 'month').date_part('year') }}"), { type: 'timeDimension', name: 'metric_time', grain: 'month', datePart: 'year' });
    assert.deepEqual(ref("{{ TimeDimension('metric_time', date_part_name='quarter') }}"), { type: 'timeDimension', name: 'metric_time', datePart: 'quarter' });
    assert.deepEqual(ref("{{ TimeDimension('metric_time', None) }}"), { type: 'timeDimension', name: 'metric_time' });
  });

  it('reads Entity, with an optional entity path', () => {
    assert.deepEqual(ref("{{ Entity('user') }}"), { type: 'entity', name: 'user' });
    assert.deepEqual(ref("{{ Entity('user', entity_path=['listing']) }}"), { type: 'entity', name: 'listing__user' });
  });

  it('reads Metric with group_by given by keyword or position, one name or several', () => {
    assert.deepEqual(ref("{{ Metric('bookings', group_by=['listing']) }}"), { type: 'metric', name: 'bookings', groupBy: ['listing'] });
    assert.deepEqual(ref("{{ Metric('bookings', group_by=['listing', \"Guest\",]) }}"), { type: 'metric', name: 'bookings', groupBy: ['listing', 'guest'] });
    assert.deepEqual(ref("{{ Metric('bookings', ['listing']) }}"), { type: 'metric', name: 'bookings', groupBy: ['listing'] });
  });
});

describe('Jinja references: rejections', () => {
  it('refuses unknown objects with a suggestion, and empty braces', () => {
    rejects("{{ dimension('a') }}", "unknown Jinja object 'dimension'", "Did you mean 'Dimension'");
    rejects("{{ Dimensoin('a') }}", "Did you mean 'Dimension'");
    rejects("{{ config('a') }}", 'unknown Jinja object', "Dimension('name')");
    rejects('{{ }}', 'empty {{ }}');
  });

  it('refuses anything but the reference grammar inside the braces', () => {
    rejects("{{ Dimension('a') | lower }}", "unexpected character '|'");
    rejects("{{ Dimension('a') + 1 }}", "unexpected '+' inside {{ }}");
    rejects("{{ Dimension('a') }}.grain('day')", "expected AND, OR or the end of the filter, found '.'");
    rejects("{{ 'a' }}", "unexpected string ''a'' inside {{ }}");
    rejects('{{ Dimension(a) }}', 'expected a quoted name', "'customer__country'");
    rejects("{{ Dimension('a' 'b') }}", "expected ',' or ')' between arguments");
    rejects("{{ Dimension('a'.upper()) }}", "expected ',' or ')'");
    rejects("{{ Dimension('a').__class__ }}", "unsupported method '__class__'");
  });

  it('refuses names that are not identifiers', () => {
    rejects("{{ Dimension('a b') }}", "'a b' is not a valid name");
    rejects("{{ Dimension('a;drop') }}", 'not a valid name');
    rejects("{{ Dimension('1abc') }}", 'not a valid name');
    rejects("{{ Dimension('') }}", 'not a valid name');
    rejects("{{ Dimension('a').grain('mo nth') }}", 'not a valid grain');
    rejects("{{ Metric('m', group_by=['x-y']) }}", 'not a valid group_by item');
    rejects("{{ Dimension('a', entity_path=['x.y']) }}", 'not a valid entity path item');
  });

  it('checks argument names, counts and shapes like Python would', () => {
    rejects("{{ Dimension('a', entity_pth=['x']) }}", "has no argument 'entity_pth'", "Did you mean 'entity_path'");
    rejects("{{ Dimension('a', ['x'], ['y']) }}", 'too many arguments to Dimension()');
    rejects("{{ Dimension('a', dimension_name='b') }}", 'argument dimension_name is given twice');
    rejects("{{ TimeDimension(time_granularity_name='day', 'metric_time') }}", 'positional argument after a keyword argument');
    rejects("{{ Dimension('a', entity_path='x') }}", "entity_path must be a list of quoted names");
    rejects("{{ TimeDimension('a', ['day']) }}", 'time_granularity_name must be a quoted string');
    rejects("{{ Dimension(entity_path=['x']) }}", 'Dimension() needs a name');
    rejects("{{ Dimension(None) }}", 'dimension_name must be a quoted string');
  });

  it('refuses a Metric without group_by, descending, and repeated grains or date parts', () => {
    rejects("{{ Metric('bookings') }}", 'Metric() needs group_by', "group_by=['listing']");
    rejects("{{ Metric('bookings', group_by=[]) }}", 'Metric() needs group_by');
    rejects("{{ TimeDimension('metric_time', descending=True) }}", 'descending is not valid in a filter');
    rejects("{{ Dimension('a').descending(True) }}", 'descending is not valid in a filter');
    rejects("{{ TimeDimension('metric_time', 'day').grain('month') }}", 'the grain is already set');
    rejects("{{ Dimension('a').date_part('dow').date_part('doy') }}", 'the date part is already set');
    rejects("{{ Entity('user').grain('day') }}", "unsupported method 'grain' on Entity", 'has no methods');
    rejects("{{ Dimension('a').grian('day') }}", "unsupported method 'grian'", "Did you mean 'grain'");
  });

  it('refuses unknown date parts with the list of valid ones', () => {
    rejects("{{ Dimension('a').date_part('dayofweek') }}", "unknown date part 'dayofweek'", 'Date parts: year, quarter, month, week, day, dow, doy');
    rejects("{{ TimeDimension('a', date_part_name='yr') }}", "unknown date part 'yr'");
  });

  it('refuses unclosed, nested and stray braces', () => {
    rejectsFilter("{{ Dimension('a')", "'{{' is never closed", "Close the reference with '}}'", 'column 1');
    rejectsFilter("{{ Dimension('a'", "'{{' is never closed");
    rejectsFilter("{{ Dimension('a', ['x'", "'{{' is never closed");
    rejectsFilter("{{ Dimension('a').grain(", "'{{' is never closed");
    rejects("{{ Dimension('a', ['x' 'y']) }}", "expected ',' between list items, found string ''y''");
    rejects("{{ Dimension({{ Dimension('a') }}) }}", 'Jinja references cannot be nested');
    rejects("{{ Dimension('a') {{ Dimension('b') }} }}", 'Jinja references cannot be nested');
    rejects("Dimension('a') }}", "Dimension(...) must be written inside {{ }}");
    rejects("'a' }}", "'}}' has no matching '{{'");
  });
});
