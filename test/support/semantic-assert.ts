import assert from 'node:assert/strict';
import { SemanticError, type SemanticErrorCode } from '../../src/semantic/errors';

/** Asserts `work` throws a SemanticError with this code and a message matching `message`; returns it. */
export function expectSemanticError(work: () => unknown, code: SemanticErrorCode | string, message: RegExp): SemanticError {
  let caught: SemanticError | undefined;
  assert.throws(work, (e: unknown) => {
    assert.ok(e instanceof SemanticError, String(e));
    assert.equal(e.code, code, e.message);
    assert.match(e.message, message);
    caught = e;
    return true;
  });
  return caught!;
}
