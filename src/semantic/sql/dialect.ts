import { SemanticError } from '../errors';
import type { SqlRenderer } from './sql-renderer';

export type DialectName = 'duckdb' | 'bigquery';

/**
 * MetricFlow's percentile function types: a measure's `use_discrete_percentile` ×
 * `use_approximate_percentile` (median is `continuous` at 0.5, or `approximate_continuous`).
 */
export type PercentileKind = 'continuous' | 'discrete' | 'approximate_continuous' | 'approximate_discrete';

export function percentileKind(discrete: boolean, approximate: boolean): PercentileKind {
  if (approximate) return discrete ? 'approximate_discrete' : 'approximate_continuous';
  return discrete ? 'discrete' : 'continuous';
}

/**
 * A dialect is a small factory: its capabilities (code branches on these, never on the name)
 * and a renderer that overrides only the hooks where its SQL differs.
 */
export interface SqlDialect {
  readonly name: DialectName;
  readonly capabilities: {
    /** `QUALIFY` after window functions. */
    readonly supportsQualify: boolean;
    /**
     * The percentile kinds the warehouse computes as a plain aggregate (a GROUP BY), as
     * MetricFlow's `supported_percentile_function_types`. Functions that exist only as window
     * functions (BigQuery's PERCENTILE_CONT/DISC) do not count.
     */
    readonly percentileKinds: readonly PercentileKind[];
  };
  createRenderer(): SqlRenderer;
}

const KIND_TEXT: Record<PercentileKind, { name: string; set: string }> = {
  continuous: { name: 'exact continuous', set: 'neither use_discrete_percentile nor use_approximate_percentile' },
  discrete: { name: 'exact discrete', set: 'use_discrete_percentile: true' },
  approximate_continuous: { name: 'approximate continuous', set: 'use_approximate_percentile: true without use_discrete_percentile' },
  approximate_discrete: { name: 'approximate discrete', set: 'use_discrete_percentile: true and use_approximate_percentile: true' },
};

/**
 * The error for a percentile kind the dialect cannot compute: which kind, on which warehouse, and the
 * agg_params that work there instead. `measure` names the measure when the caller knows it (the
 * renderer does not); a median is pointed at `agg: percentile`, since a median takes no agg_params.
 */
export function unsupportedPercentile(dialect: SqlDialect, kind: PercentileKind, measure?: { name: string; agg: string }): SemanticError {
  const subject = measure ? `Measure '${measure.name}' (agg: ${measure.agg})` : 'A percentile measure';
  const supported = dialect.capabilities.percentileKinds.map((k) => `${KIND_TEXT[k].name} percentiles (${KIND_TEXT[k].set})`);
  let fix: string;
  if (supported.length === 0) fix = `${dialect.name} computes no percentiles: use another aggregation.`;
  else {
    // A median takes use_approximate_percentile (MetricFlow keeps it); anything else needs agg: percentile.
    const approximateMedian = dialect.capabilities.percentileKinds.includes('approximate_continuous');
    const median = approximateMedian
      ? 'for a median, add agg_params: { use_approximate_percentile: true }'
      : 'for a median, use agg: percentile with percentile: 0.5 and those agg_params';
    const how = measure?.agg === 'median' ? median : `set ${measure ? 'its' : 'the measure\'s'} agg_params accordingly${measure ? '' : ` (${median})`}`;
    fix = `${dialect.name} computes ${supported.join(', or ')}: ${how}.`;
  }
  return new SemanticError('UNSUPPORTED', `${subject} asks for an ${KIND_TEXT[kind].name} percentile, which ${dialect.name} cannot compute as an aggregate. ${fix}`);
}

/**
 * A percentile fraction as SQL text. It comes from validated definitions, never from a caller, so it is
 * written into the SQL (percentile functions want a constant); this only keeps a bad number out of it.
 */
export function percentileFraction(fraction: number): string {
  if (!(fraction > 0 && fraction < 1)) {
    throw new SemanticError('INVALID_DEFINITION', `A percentile must be between 0 and 1 (exclusive), not ${fraction}.`);
  }
  return String(fraction);
}
