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
  assert.not.ok(isValidToken(Buffer.alloc(31)));
  assert.not.ok(isValidToken(`${HEX.slice(2)}zz`));
  assert.ok(isValidToken(`<${HEX.toUpperCase()}>`));
});

test('formatToken takes any Uint8Array view and refuses other values', () => {
  const backing = new Uint8Array(40);
  backing.set(Buffer.from(HEX, 'hex'), 4);
  assert.is(formatToken(backing.subarray(4, 36)), HEX);
  assert.is(codeOf(() => formatToken(HEX as unknown as Uint8Array)), 'APNS_ERR_INVALID_TOKEN');
  assert.throws(() => formatToken(null as unknown as Uint8Array), /formatToken takes bytes, got null/);
  assert.throws(() => formatToken([1, 2] as unknown as Uint8Array), /got an array/);
});

test('parseToken names what it got and shortens long input in messages', () => {
  assert.throws(() => parseToken(null as unknown as string), /a hex string or a Buffer, got null/);
  assert.throws(() => parseToken({} as unknown as string), /got object/);
  const long = `${'z'.repeat(100)}`;
  assert.throws(() => parseToken(long), (error: Error) => error.message.includes(`"${'z'.repeat(77)}..."`) && !error.message.includes('z'.repeat(78)));
  assert.is(codeOf(() => parseToken('')), 'APNS_ERR_INVALID_TOKEN');
  assert.is(codeOf(() => parseToken(HEX.slice(0, 62) + 'Zz')), 'APNS_ERR_INVALID_TOKEN');
  assert.equal(parseToken(new Uint8Array(32).fill(255)), Buffer.alloc(32, 255));
});

test('with anyLength, any whole number of bytes is a token (the HTTP/2 provider API), still hex and never empty', () => {
  const long = HEX + HEX.slice(0, 36);
  assert.equal(parseToken(long, { anyLength: true }), Buffer.from(long, 'hex'));
  assert.equal(parseToken(`<${HEX.slice(0, 8)}>`, { anyLength: true }), Buffer.from(HEX.slice(0, 8), 'hex'));
  assert.equal(parseToken(Buffer.alloc(40, 7), { anyLength: true }), Buffer.alloc(40, 7));
  assert.throws(() => parseToken(HEX.slice(1), { anyLength: true }), /even number of hex digits, at least 2\), got 63 digits/);
  assert.throws(() => parseToken('', { anyLength: true }), /got 0 digits/);
  assert.throws(() => parseToken(Buffer.alloc(0), { anyLength: true }), /device token is empty/);
  assert.throws(() => parseToken(`${HEX}zz`, { anyLength: true }), /found "z"/);
  assert.ok(isValidToken(long, { anyLength: true }));
  assert.ok(isValidToken(Buffer.alloc(1), { anyLength: true }));
  assert.not.ok(isValidToken(long));
  assert.not.ok(isValidToken(HEX.slice(1), { anyLength: true }));
  assert.not.ok(isValidToken('', { anyLength: true }));
  assert.not.ok(isValidToken(Buffer.alloc(0), { anyLength: true }));
  assert.not.ok(isValidToken(`${HEX}zz`, { anyLength: true }));
});

test.run();
