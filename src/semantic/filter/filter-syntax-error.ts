import { SemanticError } from '../errors';

/** Widest slice of the offending line shown in an error, so a 10 000-character filter stays readable. */
const EXCERPT_RADIUS = 40;

/** 1-based line and column of a character offset. */
export function lineAndColumn(source: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < source.length; i++) {
    if (source[i] === '\n') {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/**
 * An INVALID_FILTER error: what was wrong, where (line/column, then the line with a caret under
 * the offending text) and how to fix it. Suggestions go through SemanticError so callers see them
 * in `suggestions` as well as in the text.
 */
export function filterSyntaxError(
  source: string,
  offset: number,
  what: string,
  fix?: string,
  suggestions: string[] = [],
): SemanticError {
  const at = Math.max(0, Math.min(offset, source.length));
  const { line, column } = lineAndColumn(source, at);
  const where = source.includes('\n') ? `line ${line}, column ${column}` : `column ${column}`;
  const headline = `Invalid filter: ${what} (at ${where}).${fix ? ` ${fix}` : ''}`;
  const error = new SemanticError('INVALID_FILTER', headline, suggestions);
  // The excerpt goes after the suggestions SemanticError appends, so the caret block ends the message.
  error.message = `${error.message}\n${excerpt(source, at)}`;
  return error;
}

function excerpt(source: string, offset: number): string {
  // lastIndexOf treats a negative start as 0, which would find a newline at offset 0 itself.
  const lineStart = offset === 0 ? 0 : source.lastIndexOf('\n', offset - 1) + 1;
  const newline = source.indexOf('\n', offset);
  const lineEnd = newline === -1 ? source.length : newline;
  const from = Math.max(lineStart, offset - EXCERPT_RADIUS);
  const to = Math.min(lineEnd, offset + EXCERPT_RADIUS);
  const prefix = from > lineStart ? '…' : '';
  const suffix = to < lineEnd ? '…' : '';
  // Tabs and control characters would shift the caret; show them as single spaces.
  const text = source.slice(from, to).replace(/[\u0000-\u001f\u007f]/g, ' ');
  return `  ${prefix}${text}${suffix}\n  ${' '.repeat(prefix.length + offset - from)}^`;
}

/** A token quoted for a message: short, on one line. */
export function quoteToken(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ');
  return `'${oneLine.length > 30 ? `${oneLine.slice(0, 30)}…` : oneLine}'`;
}
