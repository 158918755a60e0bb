import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SemanticError, type SemanticErrorCode } from '../errors';
import type { Measure, MeasureAggregationParameters } from '../spec/manifest';
import type { PercentileKind, SqlDialect } from './dialect';
import { DIALECTS } from './dialects';
import { measureAggregate } from './measure-aggregate';
import type { SqlExpr } from './sql-node';

const ARG: SqlExpr = { k: 'column', table: 'm', name: 'order_value' };

function measure(agg: Measure['agg'], agg_params?: MeasureAggregationParameters): Measure {
  return { name: 'order_value_stat', agg, expr: 'total_order_value', agg_params };
}

function fails(code: SemanticErrorCode, ...mentions: (string | RegExp)[]): (e: unknown) => boolean {
  return (e: unknown) => {
    assert.ok(e instanceof SemanticError, String(e));
    assert.equal(e.code, code, e.message);
    for (const m of mentions) assert.match(e.message, typeof m === 'string' ? new RegExp(m.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) : m);
    return true;
  };
}

/** agg_params for each kind, as a measure author writes them (flags left out rather than false). */
const PARAMS: Record<PercentileKind, MeasureAggregationParameters> = {
  continuous: { percentile: 0.9 },
  discrete: { percentile: 0.9, use_discrete_percentile: true },
  approximate_continuous: { percentile: 0.9, use_approximate_percentile: true },
  approximate_discrete: { percentile: 0.9, use_discrete_percentile: true, use_approximate_percentile: true },
};

describe('measureAggregate', () => {
  it('maps the additive aggregations as before, with or without a dialect', () => {
    for (const dialect of [undefined, ...DIALECTS]) {
      assert.deepEqual(measureAggregate(measure('sum'), ARG, dialect), { k: 'aggregate', fn: 'SUM', arg: ARG });
      assert.deepEqual(measureAggregate(measure('count_distinct'), ARG, dialect), { k: 'aggregate', fn: 'COUNT', arg: ARG, distinct: true });
      assert.deepEqual(measureAggregate(measure('sum_boolean'), ARG, dialect), {
        k: 'aggregate',
        fn: 'SUM',
        arg: { k: 'cast', arg: ARG, type: 'INTEGER' },
      });
    }
  });

  it('a percentile carries its fraction and both flags (missing flags are false)', () => {
    const expected: Record<PercentileKind, { discrete: boolean; approximate: boolean }> = {
      continuous: { discrete: false, approximate: false },
      discrete: { discrete: true, approximate: false },
      approximate_continuous: { discrete: false, approximate: true },
      approximate_discrete: { discrete: true, approximate: true },
    };
    for (const [kind, params] of Object.entries(PARAMS) as [PercentileKind, MeasureAggregationParameters][]) {
      assert.deepEqual(measureAggregate(measure('percentile', params), ARG), { k: 'percentile', arg: ARG, fraction: 0.9, ...expected[kind] }, kind);
    }
    assert.deepEqual(
      measureAggregate(measure('percentile', { percentile: 0.25, use_discrete_percentile: false, use_approximate_percentile: false }), ARG),
      { k: 'percentile', arg: ARG, fraction: 0.25, discrete: false, approximate: false },
    );
  });

  it('a median is the continuous percentile 0.5, approximate only when asked (as MetricFlow)', () => {
    assert.deepEqual(measureAggregate(measure('median'), ARG), { k: 'percentile', arg: ARG, fraction: 0.5, discrete: false, approximate: false });
    assert.deepEqual(measureAggregate(measure('median', { use_approximate_percentile: true }), ARG), {
      k: 'percentile',
      arg: ARG,
      fraction: 0.5,
      discrete: false,
      approximate: true,
    });
    assert.deepEqual(measureAggregate(measure('median', { percentile: 0.5 }), ARG), { k: 'percentile', arg: ARG, fraction: 0.5, discrete: false, approximate: false });
  });

  it('refuses a median that asks for another percentile or a discrete one', () => {
    assert.throws(() => measureAggregate(measure('median', { percentile: 0.9 }), ARG), fails('INVALID_DEFINITION', "'order_value_stat'", 'percentile 0.9'));
    assert.throws(
      () => measureAggregate(measure('median', { use_discrete_percentile: true }), ARG),
      fails('INVALID_DEFINITION', "'order_value_stat'", 'discrete'),
    );
  });

  it('refuses a percentile without a fraction strictly between 0 and 1', () => {
    for (const params of [undefined, {}, { percentile: 0 }, { percentile: 1 }, { percentile: 1.5 }, { percentile: -0.5 }, { percentile: Number.NaN }]) {
      assert.throws(() => measureAggregate(measure('percentile', params), ARG), fails('INVALID_DEFINITION', "'order_value_stat'", 'agg_params.percentile'));
    }
  });

  for (const dialect of DIALECTS) {
    describe(`on ${dialect.name}`, () => {
      const supports = (kind: PercentileKind) => dialect.capabilities.percentileKinds.includes(kind);

      it('builds the percentiles the dialect computes and refuses the others, naming the measure, the kind and the fix', () => {
        for (const [kind, params] of Object.entries(PARAMS) as [PercentileKind, MeasureAggregationParameters][]) {
          const m = measure('percentile', params);
          if (supports(kind)) {
            assert.deepEqual(measureAggregate(m, ARG, dialect), measureAggregate(m, ARG), kind);
          } else {
            assert.throws(
              () => measureAggregate(m, ARG, dialect),
              fails('UNSUPPORTED', "Measure 'order_value_stat' (agg: percentile)", kind.replace('_', ' '), `which ${dialect.name} cannot`, 'set its agg_params'),
              kind,
            );
          }
        }
      });

      it('a median that the dialect cannot compute exactly is pointed at use_approximate_percentile, which it then computes', () => {
        if (supports('continuous')) {
          assert.equal(measureAggregate(measure('median'), ARG, dialect).k, 'percentile');
          return;
        }
        assert.ok(supports('approximate_continuous'), 'every dialect computes some median');
        assert.throws(
          () => measureAggregate(measure('median'), ARG, dialect),
          fails('UNSUPPORTED', "Measure 'order_value_stat' (agg: median)", 'exact continuous', 'add agg_params: { use_approximate_percentile: true }'),
        );
        assert.deepEqual(measureAggregate(measure('median', { use_approximate_percentile: true }), ARG, dialect), {
          k: 'percentile',
          arg: ARG,
          fraction: 0.5,
          discrete: false,
          approximate: true,
        });
      });
    });
  }

  it('a dialect without percentiles says so instead of offering nothing', () => {
    const none: SqlDialect = { ...DIALECTS[0]!, capabilities: { ...DIALECTS[0]!.capabilities, percentileKinds: [] } };
    assert.throws(() => measureAggregate(measure('median'), ARG, none), fails('UNSUPPORTED', 'computes no percentiles'));
  });
});
