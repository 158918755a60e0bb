import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { jsonBody, LARGEST_STRING_BODY } from './json-body';

/* Units, no I/O: a body is the pieces' text, as a string while small and as its UTF-8 bytes after. */

describe('jsonBody', () => {
  it('joins a small body into a string, up to LARGEST_STRING_BODY code units', () => {
    assert.equal(jsonBody(['{"a":', '"ü"', '}']), '{"a":"ü"}');
    const atLimit = ['[', 'x'.repeat(LARGEST_STRING_BODY - 2), ']'];
    assert.equal(jsonBody(atLimit), atLimit.join(''));
    assert.equal(jsonBody([]), '');
  });

  it('writes a larger body into one Buffer holding exactly the UTF-8 of the joined text', () => {
    // Multi-byte characters, a surrogate pair, a lone surrogate (written as U+FFFD, as Buffer.from does) and empty pieces.
    const pieces = ['{"v":["', 'Zürich ✓ Ørsted 😀 \ud800', '"', ''];
    while (pieces.join('').length <= LARGEST_STRING_BODY) pieces.push(',"Zürich ✓ 😀"', '');
    pieces.push(']}');
    const body = jsonBody(pieces);
    assert.ok(Buffer.isBuffer(body));
    assert.deepEqual(body, Buffer.from(pieces.join(''), 'utf8'));
    assert.ok(body.length > pieces.join('').length, 'more bytes than code units: the length is counted in bytes');
    // One code unit more than the limit is enough.
    assert.ok(Buffer.isBuffer(jsonBody(['x'.repeat(LARGEST_STRING_BODY), 'y'])));
  });
});
