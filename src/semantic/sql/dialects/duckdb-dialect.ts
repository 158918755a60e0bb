import { SemanticError } from '../../errors';
import type { CastType } from '../../filter/filter-ast';
import type { NodeRelation } from '../../spec/manifest';
import type { SqlDialect } from '../dialect';
import { SqlRenderer } from '../sql-renderer';

const CAST_TYPES: Record<CastType, string> = {
  STRING: 'VARCHAR',
  INTEGER: 'BIGINT',
  FLOAT: 'DOUBLE',
  NUMERIC: 'DECIMAL(38, 9)',
  BOOLEAN: 'BOOLEAN',
  DATE: 'DATE',
  TIMESTAMP: 'TIMESTAMP',
};

/** MetricFlow's date parts: ISO day of week (Monday = 1) and ISO week. */
const EXTRACT_PARTS: Record<string, string> = { dow: 'isodow', doy: 'doy', week: 'week' };

export class DuckDbRenderer extends SqlRenderer {
  protected quoteIdentifier(name: string): string {
    return `"${name.replace(/"/g, '""')}"`;
  }

  protected parameterPlaceholder(name: string): string {
    return `$${name}`;
  }

  /** The embedded warehouse has one catalog: the dbt database (a BigQuery project) does not apply. */
  protected tableName(relation: NodeRelation): string {
    return `${this.quoteIdentifier(relation.schema_name)}.${this.quoteIdentifier(relation.alias)}`;
  }

  protected castTypeName(type: CastType): string {
    return CAST_TYPES[type];
  }

  protected dateTrunc(grain: string, arg: string, from: 'DATE' | 'TIMESTAMP', to: 'DATE' | 'TIMESTAMP'): string {
    if (to === 'TIMESTAMP') return `DATE_TRUNC('${grain}', ${arg})`;
    if (grain === 'day' && from === 'TIMESTAMP') return `CAST(${arg} AS DATE)`;
    // DuckDB's DATE_TRUNC returns a TIMESTAMP even for a DATE: day-and-coarser values are DATEs.
    return `CAST(DATE_TRUNC('${grain}', ${arg}) AS DATE)`;
  }

  protected extract(part: string, arg: string): string {
    return `EXTRACT(${EXTRACT_PARTS[part] ?? part} FROM ${arg})`;
  }

  protected percentile(): string {
    throw new SemanticError('UNSUPPORTED', 'Percentile measures are not supported yet.');
  }
}

export const duckDbDialect: SqlDialect = {
  name: 'duckdb',
  capabilities: { supportsQualify: true },
  createRenderer: () => new DuckDbRenderer(),
};
