import { statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { loadConfig, type AppConfig } from '../config/app-config';
import type { Warehouse } from '../warehouse/warehouse';
import { CliError } from './cli-error';
import { semanticLayerSource, type SemanticLayerSource } from './cli-options';
import { ProgressBar } from '../common/progress-bar';

export interface WarehouseTarget {
  /** The definitions to compile with (from --semantic-layer or the config). */
  source: SemanticLayerSource;
  dialect: 'duckdb' | 'bigquery';
  timeoutMs?: number;
  /** Opens the warehouse; database SDKs are loaded only here, so other commands start fast. */
  open(): Promise<Warehouse>;
}

/**
 * What `query` runs against: an existing DuckDB file given with --duckdb (opened read-only: nothing
 * is generated or written), or else the configured warehouse, whose first use may generate the demo marts.
 */
export function warehouseTarget(options: { duckdb?: string; semanticLayer?: string }): WarehouseTarget {
  if (options.duckdb !== undefined) {
    const file = resolve(options.duckdb);
    requireDatabaseFile(file);
    return {
      source: semanticLayerSource(options.semanticLayer),
      dialect: 'duckdb',
      open: async () => {
        const { DuckDbWarehouse } = await import('../warehouse/duckdb/duckdb-warehouse');
        return withNameClashHint(await DuckDbWarehouse.open(file, { readOnly: true }), file);
      },
    };
  }
  const config = loadCliConfig(options.semanticLayer);
  return {
    source: { path: config.semanticLayerPath, load: { schema: config.dbtSchema, database: config.dbtDatabase } },
    dialect: config.warehouse.kind,
    timeoutMs: config.queryTimeoutMs,
    open: async () => {
      const { openWarehouse } = await import('../warehouse/open-warehouse');
      const bar = new ProgressBar(process.stderr, 'Generating the demo marts (first run only; later runs reuse the file)');
      return openWarehouse(config, {
        onDemoProgress: (p) => bar.update(p),
        onDemoReady: (info) => {
          if (info.created) bar.finish(`Demo marts ready in ${info.seconds.toFixed(1)} s: ${info.path}`);
        },
      });
    },
  };
}

function requireDatabaseFile(file: string): void {
  let isFile = false;
  try {
    isFile = statSync(file).isFile();
  } catch {
    throw new CliError(
      'DUCKDB_NOT_FOUND',
      `DuckDB database '${file}' does not exist. --duckdb opens an existing file read-only and never creates one; ` +
        'check the path, or leave --duckdb out to use the configured warehouse (the demo marts by default).',
    );
  }
  if (!isFile) throw new CliError('DUCKDB_NOT_FOUND', `'${file}' is not a file. Pass a DuckDB database file to --duckdb.`);
}

/** The service's config, with --semantic-layer standing in for STRATUM_SEMANTIC_LAYER. */
export function loadCliConfig(semanticLayer: string | undefined): AppConfig {
  const env = semanticLayer === undefined ? process.env : { ...process.env, STRATUM_SEMANTIC_LAYER: resolve(semanticLayer) };
  return loadConfig(env);
}

/**
 * DuckDB names a database after its file, so `marts.duckdb` holding schema `marts` makes `"marts"."x"`
 * ambiguous. DuckDB's own message does not say that renaming the file is the way out.
 */
function withNameClashHint(warehouse: Warehouse, file: string): Warehouse {
  return {
    dialect: warehouse.dialect,
    dryRun: (sql, parameters) => warehouse.dryRun(sql, parameters),
    describeTables: (tables) => warehouse.describeTables(tables),
    close: () => warehouse.close(),
    execute: async (sql, parameters, options) => {
      try {
        return await warehouse.execute(sql, parameters, options);
      } catch (error) {
        if (error instanceof Error && /Ambiguous reference to catalog or schema/.test(error.message)) {
          error.message +=
            `\nHint: DuckDB names a database after its file (${basename(file)}), which here clashes with the schema of ` +
            'the same name. Rename the file, e.g. to warehouse.duckdb.';
        }
        throw error;
      }
    },
  };
}
