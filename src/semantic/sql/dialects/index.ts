import { SemanticError } from '../../errors';
import type { DialectName, SqlDialect } from '../dialect';
import { bigQueryDialect } from './bigquery-dialect';
import { duckDbDialect } from './duckdb-dialect';

/** Every registered dialect; tests loop over this list. */
export const DIALECTS: readonly SqlDialect[] = [bigQueryDialect, duckDbDialect];

export function dialectByName(name: string): SqlDialect {
  const found = DIALECTS.find((d) => d.name === name.toLowerCase());
  if (!found) {
    throw new SemanticError('UNKNOWN_DIALECT', `Unknown SQL dialect '${name}'. Dialects: ${DIALECTS.map((d) => d.name).join(', ')}.`);
  }
  return found;
}

export type { DialectName, SqlDialect };
