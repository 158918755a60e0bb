import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SemanticError } from '../errors';
import { tokenizeFilter } from './filter-tokenizer';

function rejects(text: string, ...fragments: string[]): void {
  assert.throws(
    () => tokenizeFilter(text),
    (err: unknown) => {
      assert.ok(err instanceof SemanticError, `expected a SemanticError for ${text}`);
      assert.equal(err.code, 'INVALID_FILTER');
      for (const f of fragments) assert.ok(err.message.includes(f), `message for ${JSON.stringify(text)} lacks ${JSON.stringify(f)}:\n${err.message}`);
      return true;
    },
  );
}

const kinds = (text: string): string[] => tokenizeFilter(text).map((t) => `${t.kind}:${t.text}`);

describe('tokenizeFilter', () => {
  it('splits operators, punctuation, words, Jinja braces and ends with eof', () => {
    assert.deepEqual(kinds("{{Dimension('a')}}<>1.5e3,[x]"), [
      'jinjaOpen:{{',
      'word:Dimension',
      'punct:(',
      "string:'a'",
      'punct:)',
      'jinjaClose:}}',
      'op:<>',
      'number:1.5e3',
      'punct:,',
      'punct:[',
      'word:x',
      'punct:]',
      'eof:',
    ]);
  });

  it('reads two-character operators before one-character ones', () => {
    assert.deepEqual(kinds('a<=b>=c!=d<e>f=g+h-i*j/k').filter((k) => k.startsWith('op:')), [
      'op:<=', 'op:>=', 'op:!=', 'op:<', 'op:>', 'op:=', 'op:+', 'op:-', 'op:*', 'op:/',
    ]);
  });

  it('unescapes doubled quotes and keeps everything else inside a string verbatim', () => {
    const [token] = tokenizeFilter("'it''s -- ; /* {{ x }} \\n'");
    assert.equal(token!.kind, 'string');
    assert.equal(token!.value, "it's -- ; /* {{ x }} \\n");
    const [dq] = tokenizeFilter('"say ""hi"""');
    assert.equal(dq!.kind, 'dqstring');
    assert.equal(dq!.value, 'say "hi"');
  });

  it('reads integers, decimals, leading-dot decimals and exponents as numbers', () => {
    const values = tokenizeFilter('42 3.25 .5 1e3 2E-2 7e+1').filter((t) => t.kind === 'number').map((t) => t.value);
    assert.deepEqual(values, [42, 3.25, 0.5, 1000, 0.02, 70]);
  });

  it('records the offset of each token', () => {
    assert.deepEqual(tokenizeFilter('  ab = 1').map((t) => t.start), [2, 5, 7, 8]);
  });

  it('accepts newlines, tabs and carriage returns as whitespace', () => {
    assert.deepEqual(kinds('a\n\t\r\nb'), ['word:a', 'word:b', 'eof:']);
  });

  it('rejects malformed and out-of-range numbers', () => {
    rejects('12abc', 'malformed number', "'12abc'");
    rejects('0x10', 'malformed number');
    rejects('1.', 'malformed number');
    rejects('1e', 'malformed number');
    rejects('1.2.3', 'malformed number');
    rejects('1e999', 'out of range');
    rejects('9007199254740993', 'too large', String(Number.MAX_SAFE_INTEGER));
  });

  it('rejects unterminated strings, naming the quoting rule', () => {
    rejects("'abc", 'unterminated string literal', 'column 1', "two quotes ('it''s')");
    rejects("'abc''", 'unterminated string literal');
    rejects('"abc', 'unterminated double-quoted string');
  });

  it('rejects comments, semicolons and backticks with a specific reason', () => {
    rejects('a -- comment', "SQL comments ('--')", 'column 3');
    rejects('a - -1 --', "SQL comments ('--')");
    rejects('a /* x */', "SQL comments ('/* … */')");
    rejects('a # x', "'#' comments");
    rejects('a; b', 'semicolons are not allowed', 'column 2');
    rejects('`orders`.x', 'backtick-quoted identifiers', "{{ Dimension('customer__country') }}");
  });

  it('rejects Jinja statements and comments, and single braces', () => {
    rejects('{% if x %}', 'Jinja statements');
    rejects('{# note #}', 'Jinja comments');
    rejects('{ x }', "unexpected '{'", 'double braces');
    rejects('x }', "unexpected '}'");
  });

  it('rejects operators from other SQL dialects with the supported spelling', () => {
    rejects('a == 1', "'=='", "single '='");
    rejects("a || 'b'", "'||'", 'concat(a, b)');
    rejects('a::int', "'::'", 'CAST(x AS type)');
    rejects('a % 2', "'%'");
    rejects('!a', "unexpected '!'", 'NOT');
    rejects('a = @p', "query parameters ('@')");
    rejects('a = $1', "query parameters ('$')");
    rejects('a = ?', "query parameters ('?')");
  });

  it('rejects typographic quotes, exotic spaces and other characters with their code point', () => {
    rejects('\u2018x\u2019', 'typographic quote', 'U+2018', 'straight single quotes');
    rejects('\u201cx\u201d', 'U+201C');
    rejects('a\u00a0= 1', 'whitespace', 'U+00A0');
    rejects('a \u00e9', 'unexpected character', 'U+00E9');
    rejects('a \\ b', 'unexpected character', 'U+005C');
    rejects('a \u0000', 'unexpected character (U+0000)');
  });

  it('shows the offending line with a caret under the position', () => {
    assert.throws(
      () => tokenizeFilter("x = 1\n  AND y ; z"),
      (err: unknown) => {
        assert.ok(err instanceof SemanticError);
        assert.match(err.message, /line 2, column 9/);
        const lines = err.message.split('\n');
        const caret = lines[lines.length - 1]!;
        const excerpt = lines[lines.length - 2]!;
        assert.equal(excerpt, '    AND y ; z');
        assert.equal(excerpt[caret.indexOf('^')], ';');
        return true;
      },
    );
  });

  it('places the caret on an empty first line', () => {
    assert.throws(() => tokenizeFilter('\n;'), (err: unknown) => err instanceof SemanticError && /line 2, column 1\)[^\n]*\n  ;\n  \^$/.test(err.message));
  });

  it('keeps the excerpt of a long line short, with the caret still under the offending character', () => {
    const text = `${'a + '.repeat(100)}; ${'b + '.repeat(100)}`;
    assert.throws(
      () => tokenizeFilter(text),
      (err: unknown) => {
        assert.ok(err instanceof SemanticError);
        const lines = err.message.split('\n');
        const excerpt = lines[lines.length - 2]!;
        const caret = lines[lines.length - 1]!;
        assert.ok(excerpt.length < 100, excerpt);
        assert.ok(excerpt.includes('…'));
        assert.equal(excerpt[caret.indexOf('^')], ';');
        return true;
      },
    );
  });
});
