import { filterSyntaxError, quoteToken } from './filter-syntax-error';

/**
 * Splits a filter into tokens. Everything the grammar has no use for is rejected here, with the
 * reason spelled out (comments, semicolons, backticks, typographic quotes, parameters, …), so the
 * parser only ever sees a small, closed set of token kinds.
 */

export type TokenKind =
  | 'number'
  | 'string' // 'single-quoted': a literal
  | 'dqstring' // "double-quoted": only meaningful inside {{ }}
  | 'word' // identifier or keyword, decided by the parser
  | 'op' // = != <> < <= > >= + - * /
  | 'punct' // ( ) , . [ ]
  | 'jinjaOpen' // {{
  | 'jinjaClose' // }}
  | 'eof';

export interface Token {
  kind: TokenKind;
  /** The source text of the token (for strings, including the quotes). */
  text: string;
  /** Offset of the first character. */
  start: number;
  /** For strings: the unescaped content; for numbers: the numeric value. */
  value?: string | number;
}

const WHITESPACE = new Set([' ', '\t', '\n', '\r']);
const PUNCT = new Set(['(', ')', ',', '.', '[', ']']);
const TYPOGRAPHIC_QUOTES = new Set(['\u2018', '\u2019', '\u201a', '\u201b', '\u201c', '\u201d', '\u201e', '\u201f', '\u2032', '\u2033', '\u00ab', '\u00bb', '\u00b4', '\u02bc']);

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';
const isWordStart = (c: string | undefined): boolean =>
  c !== undefined && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_');
const isWordPart = (c: string | undefined): boolean => isWordStart(c) || isDigit(c);

export function tokenizeFilter(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const fail = (at: number, what: string, fix?: string): never => {
    throw filterSyntaxError(source, at, what, fix);
  };
  while (i < source.length) {
    const c = source[i]!;
    const next = source[i + 1];
    if (WHITESPACE.has(c)) {
      i++;
    } else if (c === "'" || c === '"') {
      const end = scanQuoted(source, i, c, fail);
      const raw = source.slice(i, end);
      tokens.push({ kind: c === "'" ? 'string' : 'dqstring', text: raw, start: i, value: raw.slice(1, -1).split(c + c).join(c) });
      i = end;
    } else if (isDigit(c) || (c === '.' && isDigit(next))) {
      const end = scanNumber(source, i, fail);
      tokens.push({ kind: 'number', text: source.slice(i, end), start: i, value: numberValue(source, i, end, fail) });
      i = end;
    } else if (isWordStart(c)) {
      let end = i + 1;
      while (isWordPart(source[end])) end++;
      tokens.push({ kind: 'word', text: source.slice(i, end), start: i });
      i = end;
    } else if (c === '{' || c === '}') {
      if (c === '{' && next === '{') tokens.push({ kind: 'jinjaOpen', text: '{{', start: i });
      else if (c === '}' && next === '}') tokens.push({ kind: 'jinjaClose', text: '}}', start: i });
      else rejectBrace(c, next, i, fail);
      i += 2;
    } else if (PUNCT.has(c)) {
      tokens.push({ kind: 'punct', text: c, start: i });
      i++;
    } else {
      const op = scanOperator(source, i, fail);
      tokens.push({ kind: 'op', text: op, start: i });
      i += op.length;
    }
  }
  tokens.push({ kind: 'eof', text: '', start: source.length });
  return tokens;
}

type Fail = (at: number, what: string, fix?: string) => never;

/** Returns the offset just past the closing quote; a doubled quote is an escaped quote. */
function scanQuoted(source: string, start: number, quote: string, fail: Fail): number {
  let i = start + 1;
  for (;;) {
    const at = source.indexOf(quote, i);
    if (at === -1) {
      return fail(
        start,
        quote === "'" ? 'unterminated string literal' : 'unterminated double-quoted string',
        quote === "'"
          ? "Close the string with a single quote; write a quote inside a string as two quotes ('it''s')."
          : 'Close it with a double quote.',
      );
    }
    if (source[at + 1] === quote) {
      i = at + 2;
      continue;
    }
    return at + 1;
  }
}

function scanNumber(source: string, start: number, fail: Fail): number {
  let i = start;
  while (isDigit(source[i])) i++;
  if (source[i] === '.') {
    i++;
    if (!isDigit(source[i])) fail(start, `malformed number ${quoteToken(source.slice(start, i + 1))}`, 'Write decimals with digits after the point, e.g. 1.0.');
    while (isDigit(source[i])) i++;
  }
  if (source[i] === 'e' || source[i] === 'E') {
    let j = i + 1;
    if (source[j] === '+' || source[j] === '-') j++;
    if (!isDigit(source[j])) fail(start, `malformed number ${quoteToken(source.slice(start, j + 1))}`, 'Write exponents as 1.5e3 or 2E-4.');
    while (isDigit(source[j])) j++;
    i = j;
  }
  if (isWordPart(source[i]) || source[i] === '.') {
    let j = i;
    while (isWordPart(source[j]) || source[j] === '.') j++;
    fail(start, `malformed number ${quoteToken(source.slice(start, j))}`, 'Numbers are decimal digits with an optional fraction and exponent; quote text values as strings.');
  }
  return i;
}

function numberValue(source: string, start: number, end: number, fail: Fail): number {
  const text = source.slice(start, end);
  const value = Number(text);
  if (!Number.isFinite(value)) fail(start, `number ${quoteToken(text)} is out of range`, 'Use a smaller number.');
  if (/^\d+$/.test(text) && !Number.isSafeInteger(value)) {
    fail(start, `integer ${quoteToken(text)} is too large to be represented exactly`, `Integers must be at most ${Number.MAX_SAFE_INTEGER}; compare large identifiers as strings.`);
  }
  return value;
}

function rejectBrace(c: string, next: string | undefined, at: number, fail: Fail): never {
  if (c === '{' && next === '%') {
    return fail(at, 'Jinja statements ({% … %}) are not allowed in filters', "Only references such as {{ Dimension('customer__country') }} may be written in Jinja.");
  }
  if (c === '{' && next === '#') {
    return fail(at, 'Jinja comments ({# … #}) are not allowed in filters', 'Remove the comment.');
  }
  return fail(at, `unexpected '${c}'`, "Jinja references are written with double braces: {{ Dimension('customer__country') }}.");
}

const OPERATORS = ['<=', '>=', '<>', '!=', '=', '<', '>', '+', '-', '*', '/'];

function scanOperator(source: string, at: number, fail: Fail): string {
  const two = source.slice(at, at + 2);
  const c = source[at]!;
  if (two === '--') return fail(at, "SQL comments ('--') are not allowed in filters", "Remove the comment. To subtract a negative number, put a space between the signs: 'a - -1'.");
  if (two === '/*') return fail(at, "SQL comments ('/* … */') are not allowed in filters", 'Remove the comment.');
  if (two === '==') return fail(at, "'==' is not an operator", "Compare with a single '='.");
  if (two === '||') return fail(at, "the '||' operator is not supported", 'Concatenate strings with concat(a, b).');
  if (two === '::') return fail(at, "'::' casts are not supported", 'Write CAST(x AS type), e.g. CAST(x AS INTEGER).');
  for (const op of OPERATORS) if (source.startsWith(op, at)) return op;
  const code = `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
  switch (c) {
    case ';':
      return fail(at, 'semicolons are not allowed in filters', 'A filter is a single expression: remove the semicolon and anything after it.');
    case '#':
      return fail(at, "'#' comments are not allowed in filters", 'Remove the comment.');
    case '`':
      return fail(at, 'backtick-quoted identifiers are not allowed in filters', "Reference dimensions as {{ Dimension('customer__country') }}; string literals use single quotes.");
    case '!':
      return fail(at, "unexpected '!'", "Use NOT for negation and '!=' for inequality.");
    case '%':
      return fail(at, "the '%' operator is not supported", 'Filters support + - * / only.');
    case '@':
    case '$':
    case '?':
      return fail(at, `query parameters ('${c}') are not supported in filters`, 'Write the value as a literal; literals are always sent to the warehouse as query parameters.');
    case ':':
      return fail(at, "unexpected ':'", 'Write casts as CAST(x AS type).');
  }
  if (TYPOGRAPHIC_QUOTES.has(c)) {
    return fail(at, `typographic quote '${c}' (${code})`, "String literals use straight single quotes ('...'); references use {{ Dimension('name') }}.");
  }
  if (/\s/u.test(c)) return fail(at, `unsupported whitespace character (${code})`, 'Use plain spaces.');
  const shown = /[\u0000-\u001f\u007f]/.test(c) ? '' : ` '${String.fromCodePoint(source.codePointAt(at)!)}'`;
  return fail(at, `unexpected character${shown} (${code})`, 'Filters use SQL operators, single-quoted strings and {{ … }} references only.');
}
