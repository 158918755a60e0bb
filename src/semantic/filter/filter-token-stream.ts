import type { SemanticError } from '../errors';
import { filterSyntaxError, quoteToken } from './filter-syntax-error';
import type { Token } from './filter-tokenizer';

/** A cursor over the tokens of one filter, with the error helpers both parsers share. */
export class FilterTokenStream {
  private index = 0;

  constructor(
    readonly source: string,
    private readonly tokens: Token[],
  ) {}

  peek(ahead = 0): Token {
    return this.tokens[Math.min(this.index + ahead, this.tokens.length - 1)]!;
  }

  next(): Token {
    const token = this.peek();
    if (this.index < this.tokens.length - 1) this.index++;
    return token;
  }

  /** True when the current token is the keyword `upper` (case-insensitive). */
  isWord(upper: string, ahead = 0): boolean {
    const token = this.peek(ahead);
    return token.kind === 'word' && token.text.toUpperCase() === upper;
  }

  acceptWord(upper: string): boolean {
    if (!this.isWord(upper)) return false;
    this.next();
    return true;
  }

  isPunct(text: string, ahead = 0): boolean {
    const token = this.peek(ahead);
    return token.kind === 'punct' && token.text === text;
  }

  acceptPunct(text: string): boolean {
    if (!this.isPunct(text)) return false;
    this.next();
    return true;
  }

  expectPunct(text: string, context: string, fix?: string): Token {
    if (!this.isPunct(text)) throw this.unexpected(this.peek(), `expected '${text}' ${context}`, fix);
    return this.next();
  }

  expectWord(upper: string, context: string, fix?: string): Token {
    if (!this.isWord(upper)) throw this.unexpected(this.peek(), `expected ${upper} ${context}`, fix);
    return this.next();
  }

  error(at: Token | number, what: string, fix?: string, suggestions?: string[]): SemanticError {
    return filterSyntaxError(this.source, typeof at === 'number' ? at : at.start, what, fix, suggestions);
  }

  /** "expected X, found Y" naming the token actually found. */
  unexpected(token: Token, expected: string, fix?: string): SemanticError {
    return this.error(token, `${expected}, found ${describeToken(token)}`, fix);
  }
}

export function describeToken(token: Token): string {
  switch (token.kind) {
    case 'eof':
      return 'the end of the filter';
    case 'string':
      return `string ${quoteToken(token.text)}`;
    case 'dqstring':
      return `double-quoted ${quoteToken(token.text)}`;
    case 'number':
      return `number ${quoteToken(token.text)}`;
    case 'jinjaOpen':
      return "'{{'";
    case 'jinjaClose':
      return "'}}'";
    default:
      return quoteToken(token.text);
  }
}
