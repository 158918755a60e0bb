import { SemanticError } from '../errors';
import type { Measure } from '../spec/manifest';
import type { SqlExpr } from './sql-node';

/** The aggregate a measure's `agg` stands for, over its (already projected) expression. */
export function measureAggregate(measure: Measure, arg: SqlExpr): SqlExpr {
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
    default:
      throw new SemanticError('UNSUPPORTED', `Measure '${measure.name}' aggregates by ${measure.agg}, which is not supported yet.`);
  }
}
