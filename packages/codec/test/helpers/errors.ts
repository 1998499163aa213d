import * as assert from 'uvu/assert';
import { ApnsCodecError, type CodecErrorCode } from '../../src/index.js';

/** Runs `action`, asserts it throws an ApnsCodecError, and returns it. */
export function codecError(action: () => unknown): ApnsCodecError {
  let thrown: unknown;
  try {
    action();
  } catch (error) {
    thrown = error;
  }
  assert.instance(thrown, ApnsCodecError, `expected an ApnsCodecError, got ${String(thrown)}`);
  return thrown as ApnsCodecError;
}

/** Asserts `action` throws an ApnsCodecError with `code` and a message matching `message`. */
export function throwsCode(action: () => unknown, code: CodecErrorCode, message?: RegExp): ApnsCodecError {
  const error = codecError(action);
  assert.is(error.code, code, `code of: ${error.message}`);
  if (message) assert.match(error.message, message);
  return error;
}
