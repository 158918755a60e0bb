import type { SqlRenderer } from './sql-renderer';

export type DialectName = 'duckdb' | 'bigquery';

/**
 * A dialect is a small factory: its capabilities (code branches on these, never on the name)
 * and a renderer that overrides only the hooks where its SQL differs.
 */
export interface SqlDialect {
  readonly name: DialectName;
  readonly capabilities: {
    /** `QUALIFY` after window functions. */
    readonly supportsQualify: boolean;
    /** Scanning less data by filtering a partition column (a filter on it is worth pushing down). */
    readonly prunesPartitions: boolean;
  };
  createRenderer(): SqlRenderer;
}
