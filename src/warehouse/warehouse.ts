/**
 * The warehouse port: executing compiled SQL. Adapters (DuckDB, BigQuery) are the only code that
 * touches a database SDK; they never build SQL (SQL comes from src/semantic, already parameterized).
 */

export type Dialect = 'duckdb' | 'bigquery';

/**
 * Value types of result columns, named as GraphQL clients see them. `DATETIME` (a civil time without
 * zone) only describes stored columns (describeTables); results carry its values as TIMESTAMPs in UTC.
 */
export type ColumnType = 'STRING' | 'INTEGER' | 'FLOAT' | 'NUMERIC' | 'BOOLEAN' | 'DATE' | 'TIMESTAMP' | 'DATETIME' | 'JSON';

export interface ResultColumn {
  name: string;
  type: ColumnType;
}

/**
 * Rows are arrays in column order, with values normalized to JSON:
 * DATE → 'YYYY-MM-DD', TIMESTAMP → ISO 8601 'YYYY-MM-DDTHH:MM:SS.sssZ', integers beyond 2^53 → string,
 * NUMERIC/DECIMAL → number, NULL → null.
 */
export interface WarehouseResult {
  columns: ResultColumn[];
  rows: (string | number | boolean | null)[][];
  /** Bytes the warehouse scanned, where it reports them (BigQuery). */
  bytesProcessed?: number;
  /** The warehouse's own job id, where it has one (BigQuery). */
  jobId?: string;
}

export type ParameterValue = string | number | boolean;

export interface ExecuteOptions {
  /** Abort (and fail with a clear error) after this long. */
  timeoutMs?: number;
  /** Job labels (BigQuery), e.g. { app: 'stratum', metric: 'revenue' }. */
  labels?: Record<string, string>;
}

export interface DryRunResult {
  /** Bytes the query would scan. */
  bytesProcessed: number;
}

/** A table, as the semantic layer names it (dbt's database = BigQuery project, schema = dataset). */
export interface TableRef {
  database?: string;
  schema: string;
  table: string;
}

/** Column types of the tables that exist, keyed by `tableKey()`; a missing table has no entry. */
export type TableColumns = Map<string, Map<string, ColumnType>>;

export function tableKey(t: TableRef): string {
  return `${t.schema}.${t.table}`.toLowerCase();
}

export interface Warehouse {
  readonly dialect: Dialect;
  /** Runs one parameterized statement. Named parameters: `$name` in DuckDB SQL, `@name` in BigQuery SQL. */
  execute(sql: string, parameters: Record<string, ParameterValue>, options?: ExecuteOptions): Promise<WarehouseResult>;
  /** The columns and types of these tables (read once at start-up: dbt's spec carries no types). */
  describeTables(tables: TableRef[]): Promise<TableColumns>;
  /** What the statement would scan, without running it (BigQuery); DuckDB reports 0. */
  dryRun(sql: string, parameters: Record<string, ParameterValue>): Promise<DryRunResult>;
  close(): Promise<void>;
}

/** A warehouse failure, with the warehouse's own message kept for the caller. */
export class WarehouseError extends Error {
  constructor(
    message: string,
    readonly code: 'WAREHOUSE_ERROR' | 'WAREHOUSE_TIMEOUT' | 'BYTES_LIMIT_EXCEEDED' = 'WAREHOUSE_ERROR',
  ) {
    super(message);
    this.name = 'WarehouseError';
  }
}
