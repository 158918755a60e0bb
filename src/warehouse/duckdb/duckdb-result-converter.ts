import {
  DuckDBDateValue,
  DuckDBDecimalType,
  DuckDBDecimalValue,
  DuckDBMaterializedResult,
  DuckDBTimestampMillisecondsValue,
  DuckDBTimestampNanosecondsValue,
  DuckDBTimestampSecondsValue,
  DuckDBTimestampTZValue,
  DuckDBTimestampValue,
  DuckDBType,
  DuckDBTypeId,
  DuckDBValue,
  JsonDuckDBValueConverter,
} from '@duckdb/node-api';
import type { ColumnType, ResultColumn, WarehouseResult } from '../warehouse';

/** One JSON-ready cell. */
export type Cell = string | number | boolean | null;

/** Converts one non-null DuckDB value of a known column type; chosen once per column, not per cell. */
export type CellConverter = (value: DuckDBValue) => Cell;

const MS_PER_DAY = 86_400_000;
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER);

/** The ColumnType GraphQL clients see for a DuckDB column type. */
export function columnTypeOf(typeId: DuckDBTypeId): ColumnType {
  switch (typeId) {
    case DuckDBTypeId.VARCHAR:
    case DuckDBTypeId.ENUM:
    case DuckDBTypeId.UUID:
      return 'STRING';
    case DuckDBTypeId.TINYINT:
    case DuckDBTypeId.SMALLINT:
    case DuckDBTypeId.INTEGER:
    case DuckDBTypeId.BIGINT:
    case DuckDBTypeId.HUGEINT:
    case DuckDBTypeId.UTINYINT:
    case DuckDBTypeId.USMALLINT:
    case DuckDBTypeId.UINTEGER:
    case DuckDBTypeId.UBIGINT:
    case DuckDBTypeId.UHUGEINT:
      return 'INTEGER';
    case DuckDBTypeId.FLOAT:
    case DuckDBTypeId.DOUBLE:
      return 'FLOAT';
    case DuckDBTypeId.DECIMAL:
      return 'NUMERIC';
    case DuckDBTypeId.BOOLEAN:
      return 'BOOLEAN';
    case DuckDBTypeId.DATE:
      return 'DATE';
    case DuckDBTypeId.TIMESTAMP:
    case DuckDBTypeId.TIMESTAMP_TZ:
    case DuckDBTypeId.TIMESTAMP_S:
    case DuckDBTypeId.TIMESTAMP_MS:
    case DuckDBTypeId.TIMESTAMP_NS:
      return 'TIMESTAMP';
    default:
      return 'JSON';
  }
}

/** The ColumnType of a type name as information_schema spells it ('DECIMAL(12,2)', 'TIMESTAMP WITH TIME ZONE', …). */
export function columnTypeOfName(dataType: string): ColumnType {
  const name = dataType.toUpperCase();
  if (name === 'DATE') return 'DATE';
  if (name.startsWith('TIMESTAMP')) return 'TIMESTAMP';
  if (name.startsWith('DECIMAL') || name.startsWith('NUMERIC')) return 'NUMERIC';
  if (['VARCHAR', 'UUID'].includes(name) || name.startsWith('ENUM')) return 'STRING';
  if (['DOUBLE', 'FLOAT', 'REAL'].includes(name)) return 'FLOAT';
  if (name === 'BOOLEAN') return 'BOOLEAN';
  if (/^U?(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT)$/.test(name)) return 'INTEGER';
  return 'JSON';
}

const identity: CellConverter = (value) => value as Cell;

/** BIGINT-like values: exact numbers while they fit a double, strings beyond (the port's contract). */
const bigIntToCell: CellConverter = (value) => {
  const big = value as bigint;
  return big <= MAX_SAFE && big >= MIN_SAFE ? Number(big) : big.toString();
};

/** Epoch milliseconds → ISO 8601 with 'Z'; infinities and out-of-range values keep DuckDB's own spelling. */
function isoTimestamp(ms: number, fallback: { toString(): string }): string {
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? fallback.toString() : date.toISOString();
}

function dateToCell(value: DuckDBValue): Cell {
  const date = value as DuckDBDateValue;
  if (!date.isFinite) return date.toString();
  const parsed = new Date(date.days * MS_PER_DAY);
  if (Number.isNaN(parsed.getTime())) return date.toString();
  const iso = parsed.toISOString();
  // Years outside 0000..9999 are written '+0YYYYY-…' by toISOString; DuckDB's spelling is clearer there.
  return iso.length === 24 ? iso.slice(0, 10) : date.toString();
}

/** Per-column converter for a DuckDB type; everything without a native JSON scalar becomes a JSON string. */
export function converterFor(type: DuckDBType): CellConverter {
  switch (type.typeId) {
    case DuckDBTypeId.VARCHAR:
    case DuckDBTypeId.ENUM:
    case DuckDBTypeId.BOOLEAN:
    case DuckDBTypeId.TINYINT:
    case DuckDBTypeId.SMALLINT:
    case DuckDBTypeId.INTEGER:
    case DuckDBTypeId.UTINYINT:
    case DuckDBTypeId.USMALLINT:
    case DuckDBTypeId.UINTEGER:
    case DuckDBTypeId.FLOAT:
    case DuckDBTypeId.DOUBLE:
      return identity;
    case DuckDBTypeId.BIGINT:
    case DuckDBTypeId.HUGEINT:
    case DuckDBTypeId.UBIGINT:
    case DuckDBTypeId.UHUGEINT:
      return bigIntToCell;
    case DuckDBTypeId.UUID:
      return (value) => String(value);
    case DuckDBTypeId.DECIMAL: {
      const divisor = 10 ** (type as DuckDBDecimalType).scale;
      // Dividing the exact scaled integer gives the correctly rounded double (e.g. 12345n / 100 → 123.45).
      return (value) => Number((value as DuckDBDecimalValue).value) / divisor;
    }
    case DuckDBTypeId.DATE:
      return dateToCell;
    case DuckDBTypeId.TIMESTAMP:
    case DuckDBTypeId.TIMESTAMP_TZ:
      return (value) => {
        const ts = value as DuckDBTimestampValue | DuckDBTimestampTZValue;
        return isoTimestamp(Math.floor(Number(ts.micros) / 1000), ts);
      };
    case DuckDBTypeId.TIMESTAMP_S:
      return (value) => {
        const ts = value as DuckDBTimestampSecondsValue;
        return isoTimestamp(Number(ts.seconds) * 1000, ts);
      };
    case DuckDBTypeId.TIMESTAMP_MS:
      return (value) => {
        const ts = value as DuckDBTimestampMillisecondsValue;
        return isoTimestamp(Number(ts.millis), ts);
      };
    case DuckDBTypeId.TIMESTAMP_NS:
      return (value) => {
        const ts = value as DuckDBTimestampNanosecondsValue;
        return isoTimestamp(Math.floor(Number(ts.nanos) / 1_000_000), ts);
      };
    default:
      return (value) => JSON.stringify(JsonDuckDBValueConverter(value, type, JsonDuckDBValueConverter));
  }
}

/** Reads a materialized result column by column: one vector and one converter per column and chunk. */
export function convertResult(result: DuckDBMaterializedResult): WarehouseResult {
  const columnCount = result.columnCount;
  const columns: ResultColumn[] = [];
  const converters: CellConverter[] = [];
  for (let c = 0; c < columnCount; c++) {
    const type = result.columnType(c);
    columns.push({ name: result.columnName(c), type: columnTypeOf(type.typeId) });
    converters.push(converterFor(type));
  }
  const rows: Cell[][] = new Array(result.rowCount);
  let offset = 0;
  for (let k = 0; k < result.chunkCount; k++) {
    const chunk = result.getChunk(k);
    const rowCount = chunk.rowCount;
    for (let r = 0; r < rowCount; r++) rows[offset + r] = new Array(columnCount);
    for (let c = 0; c < columnCount; c++) {
      const vector = chunk.getColumnVector(c);
      const convert = converters[c];
      for (let r = 0; r < rowCount; r++) {
        const value = vector.getItem(r);
        rows[offset + r][c] = value === null ? null : convert(value);
      }
    }
    offset += rowCount;
  }
  rows.length = offset;
  return { columns, rows };
}
