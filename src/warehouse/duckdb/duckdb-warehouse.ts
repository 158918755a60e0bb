import { availableParallelism } from 'node:os';
import { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import {
  DryRunResult,
  ExecuteOptions,
  ParameterValue,
  Warehouse,
  WarehouseError,
  WarehouseResult,
  type TableColumns,
  type TableRef,
  tableKey,
} from '../warehouse';
import { DuckDbConnectionPool } from './duckdb-connection-pool';
import { columnTypeOfName, convertResult } from './duckdb-result-converter';

export interface DuckDbOpenOptions {
  /** Open the file read-only (serving never writes; lets several processes share one file). */
  readOnly?: boolean;
  /** Statements that may run at once; each gets its own connection. Default: 4. */
  poolSize?: number;
  /** DuckDB worker threads per query. Default: DuckDB's own (one per core). */
  threads?: number;
}

const DEFAULT_POOL_SIZE = 4;

/** The embedded warehouse: runs already-compiled DuckDB SQL over a pool of connections to one instance. */
export class DuckDbWarehouse implements Warehouse {
  readonly dialect = 'duckdb' as const;
  private readonly inFlight = new Set<Promise<unknown>>();
  private closed = false;

  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly pool: DuckDbConnectionPool,
    readonly path: string,
  ) {}

  /** Opens (or, unless read-only, creates) the database file; `':memory:'` for a private in-memory one. */
  static async open(path: string, options: DuckDbOpenOptions = {}): Promise<DuckDbWarehouse> {
    const config: Record<string, string> = {};
    if (options.readOnly) config.access_mode = 'READ_ONLY';
    if (options.threads !== undefined) config.threads = String(options.threads);
    let instance: DuckDBInstance;
    try {
      instance = await DuckDBInstance.create(path, config);
    } catch (error) {
      throw new WarehouseError(`cannot open DuckDB database ${path}: ${messageOf(error)}`);
    }
    const poolSize = Math.max(1, options.poolSize ?? Math.min(DEFAULT_POOL_SIZE, Math.max(2, availableParallelism())));
    return new DuckDbWarehouse(instance, new DuckDbConnectionPool(instance, poolSize), path);
  }

  execute(sql: string, parameters: Record<string, ParameterValue>, options: ExecuteOptions = {}): Promise<WarehouseResult> {
    const run = this.run(sql, parameters, options.timeoutMs);
    this.track(run);
    return run;
  }

  async describeTables(tables: TableRef[]): Promise<TableColumns> {
    const out: TableColumns = new Map();
    if (tables.length === 0) return out;
    const wanted = new Set(tables.map(tableKey));
    const result = await this.execute(
      `SELECT table_schema, table_name, column_name, data_type FROM information_schema.columns ORDER BY table_schema, table_name, ordinal_position`,
      {},
    );
    for (const [schema, table, column, dataType] of result.rows as string[][]) {
      const key = tableKey({ schema: schema!, table: table! });
      if (!wanted.has(key)) continue;
      if (!out.has(key)) out.set(key, new Map());
      out.get(key)!.set(column!.toLowerCase(), columnTypeOfName(dataType!));
    }
    return out;
  }

  /** DuckDB scans local files, so there is nothing to bill; the statement is still parsed and bound to surface errors early. */
  async dryRun(sql: string, _parameters: Record<string, ParameterValue>): Promise<DryRunResult> {
    const check = this.withConnection(async (connection) => {
      const prepared = await connection.prepare(sql);
      prepared.destroySync();
    });
    this.track(check);
    await check;
    return { bytesProcessed: 0 };
  }

  /** Interrupts running statements, waits for them to settle, then closes the instance. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.pool.close();
    await Promise.allSettled([...this.inFlight]);
    this.instance.closeSync();
  }

  private async run(sql: string, parameters: Record<string, ParameterValue>, timeoutMs: number | undefined): Promise<WarehouseResult> {
    this.assertOpen();
    const timeoutError = () =>
      new WarehouseError(`DuckDB query exceeded its ${timeoutMs} ms timeout and was interrupted`, 'WAREHOUSE_TIMEOUT');
    let timer: NodeJS.Timeout | undefined;
    let timedOut = false;
    let running: DuckDBConnection | undefined;
    const acquisition = this.pool.acquireCancellable();
    // The timeout covers waiting for a free connection as well as running the statement.
    const connection = await new Promise<DuckDBConnection>((resolve, reject) => {
      acquisition.promise.then(resolve, (error: unknown) => reject(new WarehouseError(messageOf(error))));
      if (timeoutMs !== undefined) {
        timer = setTimeout(() => {
          timedOut = true;
          if (running) {
            running.interrupt();
          } else {
            acquisition.cancel();
            reject(timeoutError());
          }
        }, timeoutMs);
      }
    }).catch((error: unknown) => {
      clearTimeout(timer);
      throw error;
    });
    running = connection;

    const values = Object.keys(parameters).length > 0 ? parameters : undefined;
    try {
      const result = await connection.run(sql, values);
      return convertResult(result);
    } catch (error) {
      if (timedOut) throw timeoutError();
      throw new WarehouseError(messageOf(error));
    } finally {
      clearTimeout(timer);
      // An interrupt that lands just as a statement finishes could linger on the connection; never reuse it.
      if (timedOut) this.pool.discard(connection);
      else this.pool.release(connection);
    }
  }

  private async withConnection<T>(work: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
    this.assertOpen();
    let connection: DuckDBConnection;
    try {
      connection = await this.pool.acquire();
    } catch (error) {
      throw new WarehouseError(messageOf(error));
    }
    try {
      return await work(connection);
    } catch (error) {
      throw new WarehouseError(messageOf(error));
    } finally {
      this.pool.release(connection);
    }
  }

  private track(work: Promise<unknown>): void {
    this.inFlight.add(work);
    const forget = () => this.inFlight.delete(work);
    work.then(forget, forget);
  }

  private assertOpen(): void {
    if (this.closed) throw new WarehouseError('the DuckDB warehouse is closed');
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
