// Apple's HTTP/2 reason table, the binary-status mapping and answer interpretation.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  REASON_TABLE,
  failureBody,
  isKnownReason,
  parseFailureBody,
  pushOutcome,
  reasonForBinaryStatus,
  reasonInfo,
  statusOfReason,
} from '../src/http2/index.js';

const test = suite('http2 reasons');

/** Apple's table as documented (status, reason, action), written out by hand. */
const APPLE: ReadonlyArray<[number, string, string]> = [
  [400, 'BadCollapseId', 'fix'],
  [400, 'BadDeviceToken', 'drop'],
  [400, 'BadExpirationDate', 'fix'],
  [400, 'BadMessageId', 'fix'],
  [400, 'BadPriority', 'fix'],
  [400, 'BadTopic', 'fix'],
  [400, 'DeviceTokenNotForTopic', 'drop'],
  [400, 'DuplicateHeaders', 'fix'],
  [400, 'IdleTimeout', 'retry'],
  [400, 'InvalidPushType', 'fix'],
  [400, 'MissingDeviceToken', 'fix'],
  [400, 'MissingTopic', 'fix'],
  [400, 'PayloadEmpty', 'fix'],
  [400, 'TopicDisallowed', 'fix'],
  [403, 'BadCertificate', 'fix'],
  [403, 'BadCertificateEnvironment', 'fix'],
  [403, 'ExpiredProviderToken', 'retry'],
  [403, 'Forbidden', 'fix'],
  [403, 'InvalidProviderToken', 'fix'],
  [403, 'MissingProviderToken', 'fix'],
  [403, 'UnrelatedKeyIdInToken', 'retry'],
  [403, 'BadEnvironmentKeyIdInToken', 'fix'],
  [403, 'BadEnvironmentKeyInToken', 'fix'],
  [404, 'BadPath', 'fix'],
  [405, 'MethodNotAllowed', 'fix'],
  [410, 'ExpiredToken', 'drop'],
  [410, 'Unregistered', 'drop'],
  [413, 'PayloadTooLarge', 'fix'],
  [429, 'TooManyProviderTokenUpdates', 'retry'],
  [429, 'TooManyRequests', 'retry'],
  [500, 'InternalServerError', 'retry'],
  [503, 'ServiceUnavailable', 'retry'],
  [503, 'Shutdown', 'retry'],
];

test('all 32 documented reasons and the field spelling, with status and action', () => {
  assert.equal(
    REASON_TABLE.map((info) => [info.status, info.reason, info.action]),
    APPLE,
  );
  assert.is(REASON_TABLE.length, 33);
  for (const info of REASON_TABLE) {
    assert.ok(Object.isFrozen(info));
    assert.ok(info.known);
    assert.ok(info.meaning.length > 0);
    assert.is(reasonInfo(info.reason), info);
    assert.is(statusOfReason(info.reason), info.status);
    assert.ok(isKnownReason(info.reason));
  }
  assert.ok(Object.isFrozen(REASON_TABLE));
});

test('reasons that need a new connection say so', () => {
  const fresh = REASON_TABLE.filter((info) => info.newConnection).map((info) => info.reason);
  assert.equal(fresh, ['IdleTimeout', 'UnrelatedKeyIdInToken', 'TooManyProviderTokenUpdates', 'ServiceUnavailable', 'Shutdown']);
});

test('an unknown reason is data: its status kept, action from the status class', () => {
  assert.equal(reasonInfo('BrandNew', 503), { reason: 'BrandNew', status: 503, meaning: "not in Apple's table", action: 'retry', newConnection: false, known: false });
  assert.is(reasonInfo('Other', 429).action, 'retry');
  assert.is(reasonInfo('Other', 400).action, 'fix');
  assert.is(reasonInfo('Other').status, 0);
  assert.not.ok(isKnownReason('Other'));
  assert.is(statusOfReason('Other'), undefined);
});

test('binary status bytes map to the reason meaning the same', () => {
  assert.equal(
    [1, 2, 3, 4, 5, 6, 7, 8, 10, 255, 0, 128].map(reasonForBinaryStatus),
    ['InternalServerError', 'MissingDeviceToken', 'MissingTopic', 'PayloadEmpty', 'BadDeviceToken', 'BadTopic', 'PayloadTooLarge', 'Unregistered', 'Shutdown', 'InternalServerError', undefined, undefined],
  );
});

test('failure bodies: 410 carries a millisecond timestamp', () => {
  assert.is(failureBody('BadTopic'), '{"reason":"BadTopic"}');
  assert.is(failureBody('Unregistered', 1_700_000_000_123), '{"reason":"Unregistered","timestamp":1700000000123}');
  assert.equal(parseFailureBody('{"reason":"Unregistered","timestamp":1700000000123}'), { reason: 'Unregistered', timestamp: 1_700_000_000_123 });
  assert.equal(parseFailureBody('{"reason":"BadTopic","timestamp":"x"}'), { reason: 'BadTopic' });
  for (const garbage of ['', 'null', '[]', '{"reason":5}', '{', '"x"']) assert.is(parseFailureBody(garbage), undefined, garbage);
});

test('pushOutcome reads any answer without throwing', () => {
  assert.equal(pushOutcome(200, ''), { status: 200, ok: true, reason: '', timestamp: undefined, info: undefined });
  const gone = pushOutcome(410, '{"reason":"Unregistered","timestamp":5}');
  assert.equal([gone.ok, gone.reason, gone.timestamp, gone.info?.action], [false, 'Unregistered', 5, 'drop']);
  const garbage = pushOutcome(502, '<html>');
  assert.equal([garbage.reason, garbage.info?.known, garbage.info?.action], ['', false, 'retry']);
});

test.run();
