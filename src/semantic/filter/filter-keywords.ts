import type { CastType } from './filter-ast';
import { quoteToken } from './filter-syntax-error';

/** Words the grammar itself uses; they can never be bare identifiers. */
export const GRAMMAR_KEYWORDS = new Set([
  'AND',
  'OR',
  'NOT',
  'IN',
  'IS',
  'NULL',
  'BETWEEN',
  'LIKE',
  'ILIKE',
  'TRUE',
  'FALSE',
  'CAST',
  'AS',
  'CASE',
  'WHEN',
  'THEN',
  'ELSE',
  'END',
  'DATE',
  'TIMESTAMP',
  'CURRENT_DATE',
  'CURRENT_TIMESTAMP',
]);

/**
 * SQL words outside the grammar that show up in injection attempts or in filters copied from SQL.
 * They get a specific message instead of "bare identifier", and are refused even where
 * identifiers are allowed.
 */
export const FORBIDDEN_SQL_KEYWORDS = new Set([
  'SELECT',
  'FROM',
  'WHERE',
  'UNION',
  'INTERSECT',
  'EXCEPT',
  'DROP',
  'DELETE',
  'INSERT',
  'UPDATE',
  'MERGE',
  'CREATE',
  'ALTER',
  'TRUNCATE',
  'GRANT',
  'REVOKE',
  'EXEC',
  'EXECUTE',
  'CALL',
  'DECLARE',
  'SET',
  'WITH',
  'JOIN',
  'ON',
  'USING',
  'GROUP',
  'ORDER',
  'BY',
  'HAVING',
  'LIMIT',
  'OFFSET',
  'INTO',
  'VALUES',
  'TABLE',
  'EXISTS',
  'ANY',
  'ALL',
  'SOME',
  'DISTINCT',
  'OVER',
  'PARTITION',
  'WINDOW',
  'QUALIFY',
  'UNNEST',
  'ARRAY',
  'STRUCT',
  'INTERVAL',
  'ESCAPE',
  'COLLATE',
  'BEGIN',
  'COMMIT',
  'ROLLBACK',
  'LOAD',
  'EXPORT',
  'ATTACH',
  'COPY',
  'PRAGMA',
  'RETURN',
]);

/** Accepted spellings of each cast type (upper-case), BigQuery and DuckDB names alike. */
export const CAST_TYPE_ALIASES: Record<string, CastType> = {
  STRING: 'STRING',
  VARCHAR: 'STRING',
  TEXT: 'STRING',
  INTEGER: 'INTEGER',
  INT: 'INTEGER',
  INT64: 'INTEGER',
  BIGINT: 'INTEGER',
  FLOAT: 'FLOAT',
  FLOAT64: 'FLOAT',
  DOUBLE: 'FLOAT',
  NUMERIC: 'NUMERIC',
  DECIMAL: 'NUMERIC',
  BOOLEAN: 'BOOLEAN',
  BOOL: 'BOOLEAN',
  DATE: 'DATE',
  TIMESTAMP: 'TIMESTAMP',
  DATETIME: 'TIMESTAMP',
};

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIMESTAMP_RE =
  /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?)?(?:Z| ?[+-]\d{2}(?::?\d{2})?| UTC)?$/;

function validDate(y: number, m: number, d: number): boolean {
  if (y < 1 || m < 1 || m > 12 || d < 1) return false;
  const days = [31, y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  return d <= days[m - 1]!;
}

/** Why `text` is not a valid DATE / TIMESTAMP literal, or undefined when it is. */
export function temporalLiteralProblem(type: 'DATE' | 'TIMESTAMP', text: string): string | undefined {
  const match = (type === 'DATE' ? DATE_RE : TIMESTAMP_RE).exec(text);
  const expected = type === 'DATE' ? "'YYYY-MM-DD'" : "'YYYY-MM-DD', 'YYYY-MM-DD HH:MM[:SS[.ffffff]]' with an optional 'Z' or '+HH:MM'";
  if (!match) return `${quoteToken(text)} is not a valid ${type} literal; expected ${expected}`;
  const [, y, m, d, hh, mm, ss] = match;
  if (!validDate(Number(y), Number(m), Number(d))) return `${quoteToken(text)} is not a valid ${type}: no such calendar day`;
  if (hh !== undefined && (Number(hh) > 23 || Number(mm) > 59 || (ss !== undefined && Number(ss) > 59))) {
    return `${quoteToken(text)} is not a valid ${type}: time out of range`;
  }
  return undefined;
}
