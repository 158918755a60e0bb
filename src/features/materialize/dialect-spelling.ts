import type { CastType } from '../../semantic/filter/filter-ast';
import type { SqlDialect } from '../../semantic';

/** How a dialect spells identifiers, parameters and cast types. */
export interface DialectSpelling {
  quote(identifier: string): string;
  placeholder(parameter: string): string;
  castType(type: CastType): string;
}

/**
 * The dialect's own quoting, placeholders and type names, taken from the renderer the semantic engine
 * uses, so SQL written outside the engine's node tree (QUALIFY, ROW_NUMBER, a verbatim source query)
 * quotes exactly as the engine's SQL does instead of re-implementing it per warehouse.
 */
export function dialectSpelling(dialect: SqlDialect): DialectSpelling {
  const hooks = dialect.createRenderer();
  return {
    quote: (identifier) => hooks.quoteIdentifier(identifier),
    placeholder: (parameter) => hooks.parameterPlaceholder(parameter),
    castType: (type) => hooks.castTypeName(type),
  };
}
