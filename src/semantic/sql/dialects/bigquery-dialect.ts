import { SemanticError } from '../../errors';
import type { CastType } from '../../filter/filter-ast';
import type { NodeRelation } from '../../spec/manifest';
import type { SqlDialect } from '../dialect';
import { SqlRenderer } from '../sql-renderer';

const CAST_TYPES: Record<CastType, string> = {
  STRING: 'STRING',
  INTEGER: 'INT64',
  FLOAT: 'FLOAT64',
  NUMERIC: 'NUMERIC',
  BOOLEAN: 'BOOL',
  DATE: 'DATE',
  TIMESTAMP: 'TIMESTAMP',
};

/** MetricFlow's weeks are ISO weeks (starting Monday). */
const TRUNC_PARTS: Record<string, string> = { week: 'ISOWEEK' };
const EXTRACT_PARTS: Record<string, string> = { doy: 'DAYOFYEAR', week: 'ISOWEEK' };

export class BigQueryRenderer extends SqlRenderer {
  protected quoteIdentifier(name: string): string {
    return `\`${name.replace(/[`\\]/g, (c) => `\\${c}`)}\``;
  }

  protected parameterPlaceholder(name: string): string {
    return `@${name}`;
  }

  protected tableName(relation: NodeRelation): string {
    const parts = relation.database ? [relation.database, relation.schema_name, relation.alias] : [relation.schema_name, relation.alias];
    return parts.map((p) => this.quoteIdentifier(p)).join('.');
  }

  protected castTypeName(type: CastType): string {
    return CAST_TYPES[type];
  }

  protected dateTrunc(grain: string, arg: string, from: 'DATE' | 'TIMESTAMP', to: 'DATE' | 'TIMESTAMP'): string {
    const part = TRUNC_PARTS[grain] ?? grain.toUpperCase();
    if (to === 'TIMESTAMP') return `TIMESTAMP_TRUNC(${arg}, ${part})`;
    // Day-and-coarser values are DATEs (in UTC), whatever the column's type.
    const date = from === 'DATE' ? arg : `DATE(${arg})`;
    return grain === 'day' ? date : `DATE_TRUNC(${date}, ${part})`;
  }

  protected extract(part: string, arg: string): string {
    if (part === 'dow') {
      // BigQuery counts Sunday = 1; MetricFlow's day of week is ISO (Monday = 1 … Sunday = 7).
      return `MOD(EXTRACT(DAYOFWEEK FROM ${arg}) + 5, 7) + 1`;
    }
    return `EXTRACT(${EXTRACT_PARTS[part] ?? part.toUpperCase()} FROM ${arg})`;
  }

  protected percentile(): string {
    throw new SemanticError('UNSUPPORTED', 'Percentile measures are not supported yet.');
  }
}

export const bigQueryDialect: SqlDialect = {
  name: 'bigquery',
  capabilities: { supportsQualify: true },
  createRenderer: () => new BigQueryRenderer(),
};
