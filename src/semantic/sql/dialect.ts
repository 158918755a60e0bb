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
  };
  createRenderer(): SqlRenderer;
}
