import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { repoRoot } from '../support/demo-db';

/** Spawns the compiled CLI (as `npx stratum` would run it) and builds the small warehouse it queries. */

/** The compiled CLI beside this compiled test: <BUILD_DIR>/src/cli/main.js. */
export const CLI = join(__dirname, '../../src/cli/main.js');


/** The fixture dbt project: semantic models orders, order_items, customers over schema marts. */
export const FIXTURE_LAYER = join(repoRoot(), 'test', 'fixtures', 'spec', 'dbt-project');

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `stratum …args` to completion. The environment is cleared of Stratum settings so only the flags count. */
export function runCli(args: string[], options: { input?: string; env?: NodeJS.ProcessEnv } = {}): CliRun {
  const result = spawnSync(process.execPath, [CLI, ...args], {
    input: options.input,
    encoding: 'utf8',
    env: { ...cleanEnv(), ...options.env },
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Starts `stratum …args` with pipes, for tests that talk to it line by line. */
export function startCli(args: string[]) {
  return spawn(process.execPath, [CLI, ...args], { env: cleanEnv(), stdio: ['pipe', 'pipe', 'pipe'] });
}

function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('STRATUM_')));
}

const tempDirs: string[] = [];
// Each test file runs in its own process: its folders go when it ends, whatever the outcome.
process.on('exit', () => tempDirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `stratum-cli-${prefix}-`));
  tempDirs.push(dir);
  return dir;
}

/**
 * A DuckDB file with the fixture's tables: 61 orders spread deterministically over 2024-01…05. One state
 * holds a quote and a comma (CSV quoting), one customer has no state row (a NULL group), and May has
 * only a canceled order (a NULL revenue).
 */
export async function createFixtureWarehouse(dir: string): Promise<string> {
  const path = join(dir, 'warehouse.duckdb');
  await withDuckDb(path, false, async (run) => {
    await run(`
      CREATE SCHEMA marts;
      CREATE TABLE marts.dim_customer_current AS
        SELECT * FROM (VALUES ('c0', 'SP'), ('c1', 'Rio "RJ", BR'), ('c2', 'MG')) t(customer_id, customer_state);
      CREATE TABLE marts.fact_orders AS
        SELECT 'o' || i AS order_id,
               'c' || (i % 4) AS customer_id,
               DATE '2024-01-01' + CAST((i * 7) % 120 AS INTEGER) AS order_date,
               CASE i % 5 WHEN 0 THEN 'canceled' WHEN 1 THEN 'shipped' ELSE 'delivered' END AS order_status,
               CAST(((i * 37) % 1000) / 10.0 + 5 AS DECIMAL(12, 2)) AS total_order_value
        FROM range(1, 61) r(i)
        UNION ALL SELECT 'o61', 'c2', DATE '2024-05-20', 'canceled', 12.34;
      CREATE TABLE marts.fact_order_items AS
        SELECT i AS order_item_key, 'o' || (i % 60 + 1) AS order_id, DATE '2024-01-01' + CAST(((i % 60 + 1) * 7) % 120 AS INTEGER) AS order_date
        FROM range(1, 91) r(i);
    `);
  });
  return path;
}

/**
 * Runs hand-written SQL on the file and returns plain JS rows. Callers cast to VARCHAR/DOUBLE/INTEGER
 * so that values compare directly with the CLI's JSON.
 */
export async function queryDuckDb(path: string, sql: string): Promise<(string | number | null)[][]> {
  let rows: (string | number | null)[][] = [];
  await withDuckDb(path, true, async (_run, all) => {
    rows = await all(sql);
  });
  return rows;
}

async function withDuckDb(
  path: string,
  readOnly: boolean,
  work: (run: (sql: string) => Promise<void>, all: (sql: string) => Promise<(string | number | null)[][]>) => Promise<void>,
): Promise<void> {
  const instance = await DuckDBInstance.create(path, readOnly ? { access_mode: 'READ_ONLY' } : {});
  const connection = await instance.connect();
  try {
    await work(
      async (sql) => {
        await connection.run(sql);
      },
      async (sql) => {
        const reader = await connection.runAndReadAll(sql);
        return reader.getRows().map((row) => row.map((v) => (typeof v === 'bigint' ? Number(v) : (v as string | number | null))));
      },
    );
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/** Rows as sorted JSON strings: row order is compared only where a test asks for an order. */
export function sortedRows(rows: unknown[][]): string[] {
  return rows.map((r) => JSON.stringify(r)).sort();
}

/** Parses RFC 4180 CSV (quoted fields, doubled quotes, CRLF) into rows of strings. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') {
        quoted = false;
      } else {
        field += ch;
      }
    } else if (ch === '"') {
      quoted = true;
    } else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else {
      field += ch;
    }
  }
  if (field !== '' || row.length > 0) throw new Error(`CSV does not end with CRLF: ${JSON.stringify(text.slice(-40))}`);
  return rows;
}

/** Splits an aligned table into cells using the column spans of its dashed rule (values may hold spaces). */
export function parseTable(text: string): { header: string[]; rows: string[][] } {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  const rule = lines[1] ?? '';
  const spans: [number, number][] = [];
  for (const m of rule.matchAll(/-+/g)) spans.push([m.index!, m.index! + m[0].length]);
  const cells = (line: string) => spans.map(([from, to]) => line.slice(from, to).trim());
  return { header: cells(lines[0]!), rows: lines.slice(2).map(cells) };
}
