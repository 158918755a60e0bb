import { SemanticError } from '../errors';
import type { Measure } from '../spec/manifest';
import { percentileKind, unsupportedPercentile, type SqlDialect } from './dialect';
import type { SqlExpr } from './sql-node';

/** dbt-semantic-interfaces' ConvertMedianToPercentileRule: a median is the continuous percentile 0.5. */
const MEDIAN = 0.5;

/**
 * The aggregate a measure's `agg` stands for, over its (already projected) expression.
 * With `dialect`, a percentile kind the warehouse cannot compute fails here, naming the measure
 * (the renderer, which also refuses it, only knows the expression).
 */
export function measureAggregate(measure: Measure, arg: SqlExpr, dialect?: SqlDialect): SqlExpr {
  switch (measure.agg) {
    case 'sum':
      return { k: 'aggregate', fn: 'SUM', arg };
    case 'count':
      return { k: 'aggregate', fn: 'COUNT', arg };
    case 'count_distinct':
      return { k: 'aggregate', fn: 'COUNT', arg, distinct: true };
    case 'average':
      return { k: 'aggregate', fn: 'AVG', arg };
    case 'min':
      return { k: 'aggregate', fn: 'MIN', arg };
    case 'max':
      return { k: 'aggregate', fn: 'MAX', arg };
    case 'sum_boolean':
      return { k: 'aggregate', fn: 'SUM', arg: { k: 'cast', arg, type: 'INTEGER' } };
    case 'median':
    case 'percentile': {
      const node = percentileNode(measure, arg);
      const kind = percentileKind(node.discrete, node.approximate);
      if (dialect && !dialect.capabilities.percentileKinds.includes(kind)) throw unsupportedPercentile(dialect, kind, measure);
      return node;
    }
    default:
      throw new SemanticError('UNSUPPORTED', `Measure '${measure.name}' aggregates by ${measure.agg}, which is not supported yet.`);
  }
}

type PercentileNode = Extract<SqlExpr, { k: 'percentile' }>;

/**
 * The percentile a measure asks for. Loading validates agg_params; a manifest built in code may skip
 * that, so what would give wrong SQL is checked again here (with MetricFlow's median rules).
 */
function percentileNode(measure: Measure, arg: SqlExpr): PercentileNode {
  const params = measure.agg_params ?? {};
  const approximate = params.use_approximate_percentile === true;
  if (measure.agg === 'median') {
    if ((params.percentile !== undefined && params.percentile !== MEDIAN) || params.use_discrete_percentile === true) {
      throw new SemanticError(
        'INVALID_DEFINITION',
        `Measure '${measure.name}' is a median (the continuous percentile 0.5) but its agg_params ask for ` +
          `${params.use_discrete_percentile ? 'a discrete percentile' : `percentile ${params.percentile}`}. ` +
          'Remove those agg_params, or use agg: percentile.',
      );
    }
    // Like MetricFlow, a median may still be approximate.
    return { k: 'percentile', arg, fraction: MEDIAN, discrete: false, approximate };
  }
  const fraction = params.percentile;
  if (fraction === undefined || !(fraction > 0 && fraction < 1)) {
    throw new SemanticError(
      'INVALID_DEFINITION',
      `Percentile measure '${measure.name}' needs agg_params.percentile between 0 and 1 (exclusive), e.g. 0.9.`,
    );
  }
  return { k: 'percentile', arg, fraction, discrete: params.use_discrete_percentile === true, approximate };
}
