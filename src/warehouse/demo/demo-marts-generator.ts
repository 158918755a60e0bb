import type { DuckDBConnection } from '@duckdb/node-api';
import { appMartsSteps } from './demo-app-marts-sql';
import { commerceMartsSteps } from './demo-commerce-marts-sql';
import { planSizes } from './demo-size-plan';
import { DROP_MACROS_SQL, macrosSql } from './demo-sql-helpers';
import { DEMO_GENERATOR_VERSION } from './demo-version';

/** Where the generator stamps what it built; a database without it is incomplete. */
export const DEMO_META_TABLE = 'marts._stratum_demo_meta';

export interface DemoProgress {
  step: string;
  /** Steps finished so far. */
  done: number;
  total: number;
}

export interface GenerateDemoOptions {
  /** 1 ≈ 1M engagement events and 80k orders; linear. */
  scale: number;
  /** Same seed and scale → identical data. */
  seed: number;
  /**
   * Events generated per statement (default 3M): bounds memory at large scales. Only the work is
   * split; the data is the same whatever the value.
   */
  eventsPerChunk?: number;
  onProgress?: (progress: DemoProgress) => void;
}

/**
 * Generates every demo mart (docs/demo-marts.md) in schema `marts` through the given connection,
 * entirely in DuckDB SQL, then stamps the meta table. Scratch tables and macros are temporary and
 * dropped at the end, so the connection can be reused.
 */
export async function generateDemoMarts(connection: DuckDBConnection, options: GenerateDemoOptions): Promise<void> {
  const { scale, seed, eventsPerChunk, onProgress } = options;
  if (!Number.isSafeInteger(seed)) throw new Error(`demo seed must be an integer, got ${seed}`);
  const plan = planSizes(scale);
  const steps = [...appMartsSteps(plan, eventsPerChunk), ...commerceMartsSteps(plan)];
  const total = steps.length + 1;

  await connection.run('CREATE SCHEMA IF NOT EXISTS marts');
  // A rebuild into the same database must not leave the previous stamp claiming completeness.
  await connection.run(`DROP TABLE IF EXISTS ${DEMO_META_TABLE}`);
  for (const sql of macrosSql(seed)) await connection.run(sql);
  try {
    for (const [index, step] of steps.entries()) {
      onProgress?.({ step: step.name, done: index, total });
      for (const sql of step.statements) await connection.run(sql);
    }
  } finally {
    await dropScratch(connection);
  }
  onProgress?.({ step: 'meta', done: steps.length, total });
  await connection.run(
    `CREATE TABLE ${DEMO_META_TABLE} AS
     SELECT $version::VARCHAR AS generator_version, $scale::DOUBLE AS scale, $seed::BIGINT AS seed,
            now()::TIMESTAMP AS created_at`,
    { version: DEMO_GENERATOR_VERSION, scale, seed },
  );
  onProgress?.({ step: 'done', done: total, total });
}

async function dropScratch(connection: DuckDBConnection): Promise<void> {
  const reader = await connection.runAndReadAll(
    `SELECT table_name FROM duckdb_tables() WHERE temporary AND starts_with(table_name, 'demo_')`,
  );
  for (const [name] of reader.getRows()) await connection.run(`DROP TABLE IF EXISTS temp.main."${String(name)}"`);
  for (const sql of DROP_MACROS_SQL) await connection.run(sql);
}
