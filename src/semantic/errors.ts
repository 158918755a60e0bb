/**
 * Errors of the semantic engine. Every error carries a stable code (the GraphQL API and the CLI
 * expose it), a message saying what was wrong, and where it helps, a "did you mean" suggestion.
 */

export type SemanticErrorCode =
  | 'INVALID_DEFINITION'
  | 'UNKNOWN_METRIC'
  | 'UNKNOWN_SAVED_QUERY'
  | 'INVALID_GROUP_BY'
  | 'INVALID_FILTER'
  | 'INVALID_ORDER_BY'
  | 'INVALID_LIMIT'
  | 'INVALID_TIME_CONSTRAINT'
  | 'INVALID_QUERY'
  | 'AMBIGUOUS_JOIN'
  | 'UNKNOWN_DIALECT'
  /** A construct of the spec that this version does not compile yet. */
  | 'UNSUPPORTED';

export class SemanticError extends Error {
  constructor(
    readonly code: SemanticErrorCode,
    message: string,
    readonly suggestions: string[] = [],
  ) {
    super(suggestions.length > 0 ? `${message} Did you mean ${suggestions.map((s) => `'${s}'`).join(' or ')}?` : message);
    this.name = 'SemanticError';
  }
}

/** One problem found while loading or validating definitions. */
export interface DefinitionProblem {
  /** File the problem is in (relative to the semantic-layer root). */
  file: string;
  /** Path inside the file, e.g. `semantic_models[0].measures[2].agg`. */
  path: string;
  /** What is wrong. */
  message: string;
  /** How to fix it. */
  fix?: string;
  line?: number;
}

export function formatProblem(p: DefinitionProblem): string {
  const where = p.line ? `${p.file}:${p.line}` : p.file;
  return `${where} at ${p.path || '(root)'}: ${p.message}${p.fix ? ` Fix: ${p.fix}` : ''}`;
}

/** Raised once with every problem found, as Cube's ErrorReporter does. */
export class DefinitionError extends SemanticError {
  constructor(readonly problems: DefinitionProblem[]) {
    super(
      'INVALID_DEFINITION',
      `${problems.length} problem${problems.length === 1 ? '' : 's'} in the semantic layer:\n` +
        problems.map((p) => `  - ${formatProblem(p)}`).join('\n'),
    );
  }
}

/** Accumulates problems under a context (file + path) and raises them all at once. */
export class ErrorReporter {
  readonly problems: DefinitionProblem[] = [];

  add(problem: DefinitionProblem): void {
    this.problems.push(problem);
  }

  get hasProblems(): boolean {
    return this.problems.length > 0;
  }

  throwIfAny(): void {
    if (this.problems.length > 0) throw new DefinitionError(this.problems);
  }
}

/** Damerau-free Levenshtein distance, small inputs only (names). */
export function editDistance(a: string, b: string): number {
  const prev = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j]!;
      prev[j] = Math.min(up + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length]!;
}

/** The closest candidates to `name` (up to 3), for "did you mean". */
export function didYouMean(name: string, candidates: Iterable<string>): string[] {
  const lower = name.toLowerCase();
  const scored: { c: string; d: number }[] = [];
  for (const c of candidates) {
    const d = editDistance(lower, c.toLowerCase());
    const limit = Math.max(2, Math.floor(c.length / 3));
    if (d <= limit || c.toLowerCase().includes(lower) || (lower.length >= 4 && lower.includes(c.toLowerCase()))) {
      scored.push({ c, d });
    }
  }
  return scored
    .sort((x, y) => x.d - y.d || x.c.localeCompare(y.c))
    .slice(0, 3)
    .map((s) => s.c);
}
