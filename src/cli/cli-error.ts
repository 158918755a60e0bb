import { didYouMean, SemanticError } from '../semantic';

/** A failure of the CLI itself (bad file, bad batch line), with a stable code like the engine's. */
export class CliError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export interface ErrorDescription {
  code: string;
  message: string;
}

/**
 * The code and message every error is shown with. Engine, warehouse and config errors carry their own
 * codes; anything else is a bug or an unexpected environment failure, reported as INTERNAL.
 */
export function describeError(error: unknown): ErrorDescription {
  if (error instanceof SemanticError || error instanceof CliError) return { code: error.code, message: error.message };
  if (error instanceof Error) {
    // WarehouseError and ConfigError are matched by name so that neither module (nor a database SDK)
    // has to be loaded just to report an error.
    const code = (error as { code?: unknown }).code;
    if (error.name === 'WarehouseError' && typeof code === 'string') return { code, message: error.message };
    if (error.name === 'ConfigError') return { code: 'INVALID_CONFIG', message: error.message };
    return { code: 'INTERNAL', message: error.message };
  }
  return { code: 'INTERNAL', message: String(error) };
}

/** `error [CODE]: message`, as every command prints a failure. */
export function formatError(error: unknown): string {
  const { code, message } = describeError(error);
  return `error [${code}]: ${message}`;
}

/** Rejects keys a JSON object should not have, suggesting the closest allowed key (`group_by` → `groupBy`). */
export function rejectUnknownKeys(value: Record<string, unknown>, allowed: readonly string[], what: string): void {
  for (const key of Object.keys(value)) {
    if (allowed.includes(key)) continue;
    const spelled = allowed.find((a) => a.toLowerCase() === key.replace(/_/g, '').toLowerCase());
    const suggestions = spelled ? [spelled] : didYouMean(key, allowed);
    const hint = suggestions.length > 0 ? ` Did you mean ${suggestions.map((s) => `'${s}'`).join(' or ')}?` : '';
    throw new CliError('INVALID_QUERY', `Unknown key '${key}' in ${what}.${hint} Keys: ${allowed.join(', ')}.`);
  }
}
