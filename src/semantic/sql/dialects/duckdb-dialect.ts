import type { CastType } from '../../filter/filter-ast';
import type { NodeRelation } from '../../spec/manifest';
import { percentileFraction, percentileKind, unsupportedPercentile, type SqlDialect } from '../dialect';
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
  quoteIdentifier(name: string): string {
    return `"${name.replace(/"/g, '""')}"`;
  }

  parameterPlaceholder(name: string): string {
    return `$${name}`;
  }

  /** The embedded warehouse has one catalog: the dbt database (a BigQuery project) does not apply. */
  protected tableName(relation: NodeRelation): string {
    return `${this.quoteIdentifier(relation.schema_name)}.${this.quoteIdentifier(relation.alias)}`;
  }

  castTypeName(type: CastType): string {
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

  protected dateAdd(arg: string, count: number, grain: string, type: 'DATE' | 'TIMESTAMP'): string {
    const moved = `${arg} ${count < 0 ? '-' : '+'} INTERVAL ${Math.abs(count)} ${grain.toUpperCase()}`;
    // DATE ± INTERVAL is a TIMESTAMP in DuckDB: back to a DATE, like the spine it is compared with.
    return type === 'DATE' ? `CAST(${moved} AS DATE)` : moved;
  }

  protected uuid(): string {
    return 'gen_random_uuid()';
  }

  /**
   * MetricFlow's DuckDB spellings. Continuous kinds interpolate in DOUBLE: DuckDB keeps a DECIMAL
   * argument's type (rounding the interpolated value to the column's scale), and APPROX_QUANTILE of a
   * DECIMAL even returns a BIGINT. A discrete percentile is one of the values, so it keeps their type.
   */
  protected percentile(arg: string, fraction: number, discrete: boolean, approximate: boolean): string {
    const f = percentileFraction(fraction);
    const kind = percentileKind(discrete, approximate);
    switch (kind) {
      case 'continuous':
        return `PERCENTILE_CONT(${f}) WITHIN GROUP (ORDER BY CAST(${arg} AS ${this.castTypeName('FLOAT')}))`;
      case 'discrete':
        return `PERCENTILE_DISC(${f}) WITHIN GROUP (ORDER BY ${arg})`;
      case 'approximate_continuous':
        return `APPROX_QUANTILE(CAST(${arg} AS ${this.castTypeName('FLOAT')}), ${f})`;
      case 'approximate_discrete':
        throw unsupportedPercentile(duckDbDialect, kind);
    }
  }
}

export const duckDbDialect: SqlDialect = {
  name: 'duckdb',
  capabilities: { supportsQualify: true, percentileKinds: ['continuous', 'discrete', 'approximate_continuous'] },
  createRenderer: () => new DuckDbRenderer(),
};
