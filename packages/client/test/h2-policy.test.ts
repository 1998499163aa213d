// The HTTP/2 sender's decisions per answer and per unanswered stream, by the codec's reason table.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { pushOutcome, failureBody } from '@apnskit/codec/http2';
import { decideAnswer, decideUnanswered } from '../src/h2/answer-policy.js';
import { preparePush } from '../src/h2/notification.js';

const retry = { maxRetries: 2, initialMs: 10, maxMs: 25 };
const fresh = () => preparePush({ token: 'ab'.repeat(32), payload: { aps: {} } }, { bundleId: 'com.example.app', pushType: undefined, topicRequired: true });
const answer = (status: number, reason: string) => pushOutcome(status, failureBody(reason));

test('200 delivers; drop and fix reasons fail at once', () => {
  assert.equal(decideAnswer(pushOutcome(200, ''), fresh(), retry), { kind: 'delivered' });
  for (const [status, reason] of [[400, 'BadDeviceToken'], [410, 'Unregistered'], [413, 'PayloadTooLarge'], [400, 'BadTopic'], [403, 'Forbidden']] as const) {
    assert.is(decideAnswer(answer(status, reason), fresh(), retry).kind, 'failed', reason);
  }
});

test('429, 500, 503 retry with a doubling delay up to the cap, then fail', () => {
  const push = fresh();
  const first = decideAnswer(answer(429, 'TooManyRequests'), push, retry);
  assert.equal(first.kind === 'retry' && [first.delayMs, first.newConnection], [10, false]);
  push.retries = 1;
  const second = decideAnswer(answer(503, 'ServiceUnavailable'), push, retry);
  assert.equal(second.kind === 'retry' && [second.delayMs, second.newConnection], [20, true]);
  push.retries = 2;
  assert.is(decideAnswer(answer(500, 'InternalServerError'), push, retry).kind, 'failed');
  // An unknown reason keeps its status class: a 5xx retries, a 4xx fails.
  assert.is(decideAnswer(answer(502, 'SomethingNew'), fresh(), retry).kind, 'retry');
  assert.is(decideAnswer(pushOutcome(400, 'not json'), fresh(), retry).kind, 'failed');
});

test('ExpiredProviderToken: a fresh token once, then clock skew; credential reasons stop the sender', () => {
  const push = fresh();
  assert.is(decideAnswer(answer(403, 'ExpiredProviderToken'), push, retry).kind, 'fresh-token');
  push.tokenRetried = true;
  assert.is(decideAnswer(answer(403, 'ExpiredProviderToken'), push, retry).kind, 'clock-skew');
  for (const reason of ['InvalidProviderToken', 'BadEnvironmentKeyIdInToken', 'BadEnvironmentKeyInToken', 'BadCertificateEnvironment', 'MissingProviderToken']) {
    assert.is(decideAnswer(answer(403, reason), fresh(), retry).kind, 'credentials', reason);
  }
});

test('unanswered streams: timeout unconfirmed, refused resent free but bounded, lost and reset charged', () => {
  const push = fresh();
  assert.equal(decideUnanswered('timeout', push, 2), { kind: 'unconfirmed', reason: 'timeout' });
  assert.equal(decideUnanswered('refused', push, 2), { kind: 'resend', cause: 'refused', possiblyDelivered: false, charged: false });
  push.refusals = 10;
  assert.equal(decideUnanswered('refused', push, 2), { kind: 'unconfirmed', reason: 'retry-limit' });
  assert.equal(decideUnanswered('lost', push, 2), { kind: 'resend', cause: 'connection-lost', possiblyDelivered: true, charged: true });
  assert.equal(decideUnanswered('reset', push, 2), { kind: 'resend', cause: 'reset', possiblyDelivered: true, charged: true });
  push.retries = 2;
  assert.equal(decideUnanswered('lost', push, 2), { kind: 'unconfirmed', reason: 'retry-limit' });
});

test.run();
