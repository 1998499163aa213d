import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ApnsCodecError, formatToken, isValidToken, parseToken } from '../src/index.js';

const HEX = '740f4707bebcf74f9b7c25d48e3358945f6aa01da5ddb387462c7eaf61bb78ad';

function codeOf(action: () => unknown): string | undefined {
  try {
    action();
  } catch (error) {
    assert.instance(error, ApnsCodecError);
    return (error as ApnsCodecError).code;
  }
  return undefined;
}

test('parses lowercase, uppercase, spaced and <...> hex', () => {
  const expected = Buffer.from(HEX, 'hex');
  assert.equal(parseToken(HEX), expected);
  assert.equal(parseToken(HEX.toUpperCase()), expected);
  assert.equal(parseToken(`<${HEX.match(/.{8}/g)!.join(' ')}>`), expected);
});

test('copies a 32-byte Buffer and formats it back to lowercase hex', () => {
  const bytes = Buffer.from(HEX, 'hex');
  const parsed = parseToken(bytes);
  assert.equal(parsed, bytes);
  assert.is.not(parsed, bytes);
  assert.is(formatToken(parsed), HEX);
});

test('rejects bad tokens with APNS_ERR_INVALID_TOKEN and a message naming the problem', () => {
  assert.is(codeOf(() => parseToken(HEX.slice(2))), 'APNS_ERR_INVALID_TOKEN');
  assert.is(codeOf(() => parseToken(`${HEX.slice(1)}z`)), 'APNS_ERR_INVALID_TOKEN');
  assert.is(codeOf(() => parseToken(Buffer.alloc(31))), 'APNS_ERR_INVALID_TOKEN');
  assert.is(codeOf(() => parseToken(42 as unknown as string)), 'APNS_ERR_INVALID_TOKEN');
  assert.throws(() => parseToken(`${HEX.slice(1)}z`), /found "z"/);
  assert.throws(() => parseToken(HEX.slice(2)), /64 hex digits \(32 bytes\), got 62 digits/);
});

test('isValidToken answers without throwing', () => {
  assert.ok(isValidToken(HEX));
  assert.ok(isValidToken(Buffer.alloc(32)));
  assert.not.ok(isValidToken('abc'));
  assert.not.ok(isValidToken(null));
});

test.run();
