/**
 * Materialization cannot proceed: an empty window, a view the online key cannot hold, a source
 * missing a declared column, a metric view without the semantic engine. The message names the view
 * and says what to change; `code` is stable for the CLI and logs.
 */
export class MaterializationError extends Error {
  constructor(
    readonly code: 'INVALID_WINDOW' | 'UNSUPPORTED_VIEW' | 'SOURCE_MISMATCH' | 'ENGINE_REQUIRED',
    message: string,
  ) {
    super(message);
    this.name = 'MaterializationError';
  }
}
