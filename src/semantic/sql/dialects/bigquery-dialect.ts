import type { CastType } from '../../filter/filter-ast';
import type { NodeRelation } from '../../spec/manifest';
import { percentileFraction, percentileKind, unsupportedPercentile, type SqlDialect } from '../dialect';
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
  quoteIdentifier(name: string): string {
    return `\`${name.replace(/[`\\]/g, (c) => `\\${c}`)}\``;
  }

  parameterPlaceholder(name: string): string {
    return `@${name}`;
  }

  protected tableName(relation: NodeRelation): string {
    const parts = relation.database ? [relation.database, relation.schema_name, relation.alias] : [relation.schema_name, relation.alias];
    return parts.map((p) => this.quoteIdentifier(p)).join('.');
  }

  castTypeName(type: CastType): string {
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

  protected dateAdd(arg: string, count: number, grain: string, type: 'DATE' | 'TIMESTAMP'): string {
    const fn = count < 0 ? 'SUB' : 'ADD';
    const n = Math.abs(count);
    if (type === 'DATE') return `DATE_${fn}(${arg}, INTERVAL ${n} ${grain.toUpperCase()})`;
    // TIMESTAMP_ADD/SUB take DAY and finer only: weeks are days, and months and up go through DATETIME (UTC).
    if (grain === 'week') return `TIMESTAMP_${fn}(${arg}, INTERVAL ${7 * n} DAY)`;
    if (['month', 'quarter', 'year'].includes(grain)) return `TIMESTAMP(DATETIME_${fn}(DATETIME(${arg}), INTERVAL ${n} ${grain.toUpperCase()}))`;
    return `TIMESTAMP_${fn}(${arg}, INTERVAL ${n} ${grain.toUpperCase()})`;
  }

  protected uuid(): string {
    return 'GENERATE_UUID()';
  }

  /**
   * BigQuery's PERCENTILE_CONT/DISC are window functions only; as an aggregate it has APPROX_QUANTILES,
   * whose array holds the n-quantile boundaries (minimum first). As MetricFlow does, p = k/n (the
   * closest fraction with n up to a million) is element k of n quantiles.
   */
  protected percentile(arg: string, fraction: number, discrete: boolean, approximate: boolean): string {
    percentileFraction(fraction);
    const kind = percentileKind(discrete, approximate);
    if (kind !== 'approximate_continuous') throw unsupportedPercentile(bigQueryDialect, kind);
    const [k, n] = closestFraction(fraction, 1_000_000);
    return `APPROX_QUANTILES(${arg}, ${n})[OFFSET(${k})]`;
  }
}

/**
 * The fraction closest to `x` with a denominator up to `maxDenominator` (Python's
 * `Fraction(x).limit_denominator`, by continued fractions over the float's exact binary value).
 */
function closestFraction(x: number, maxDenominator: number): [numerator: number, denominator: number] {
  // A finite double is exactly m / 2^e; doubling until integral is exact.
  let scaled = x;
  let d = 1n;
  while (!Number.isInteger(scaled)) {
    scaled *= 2;
    d *= 2n;
  }
  let n = BigInt(scaled);
  const max = BigInt(maxDenominator);
  if (d <= max) {
    const g = gcd(n, d);
    return [Number(n / g), Number(d / g)];
  }
  const den = d;
  let [p0, q0, p1, q1] = [0n, 1n, 1n, 0n];
  for (;;) {
    const a = n / d;
    const q2 = q0 + a * q1;
    if (q2 > max) break;
    [p0, q0, p1, q1] = [p1, q1, p0 + a * p1, q2];
    [n, d] = [d, n - a * d];
  }
  const k = (max - q0) / q1;
  // The last convergent, or the best semiconvergent before the bound, whichever is closer.
  return 2n * d * (q0 + k * q1) <= den ? [Number(p1), Number(q1)] : [Number(p0 + k * p1), Number(q0 + k * q1)];
}

function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

export const bigQueryDialect: SqlDialect = {
  name: 'bigquery',
  capabilities: { supportsQualify: true, percentileKinds: ['approximate_continuous'] },
  createRenderer: () => new BigQueryRenderer(),
};
