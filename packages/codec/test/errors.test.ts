// The error class users match on.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ApnsCodecError, isApnsCodecError, parseToken } from '../src/index.js';
import { codecError } from './helpers/errors.js';

const test = suite('errors');

test('ApnsCodecError carries a stable code, its name and a message saying what to fix', () => {
  const error = new ApnsCodecError('APNS_ERR_INVALID_TOKEN', 'device token must be 32 bytes');
  assert.instance(error, Error);
  assert.is(error.name, 'ApnsCodecError');
  assert.is(error.code, 'APNS_ERR_INVALID_TOKEN');
  assert.is(error.message, 'device token must be 32 bytes');
  assert.ok(error.stack?.includes('ApnsCodecError'));
});

test('isApnsCodecError tells codec errors from others', () => {
  assert.ok(isApnsCodecError(codecError(() => parseToken('12'))));
  assert.not.ok(isApnsCodecError(new RangeError('x')));
  assert.not.ok(isApnsCodecError({ code: 'APNS_ERR_INVALID_TOKEN' }));
  assert.not.ok(isApnsCodecError(undefined));
});

test.run();
