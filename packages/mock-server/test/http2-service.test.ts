// The HTTP/2 service: TLS with and without ALPN, certificate and token auth, recording, stats.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { MockServer } from '../src/index.js';
import { useMock } from './helpers.js';
import { H2_TOKEN, closeH2, openH2, send, signToken, tokenHeaders } from './http2-helpers.js';

const test = suite('http2 service');
let mock: MockServer;
useMock(test, {}, (started) => (mock = started));

test('a token push over ALPN h2 is accepted and recorded', async () => {
  const session = openH2(mock);
  const jwt = await signToken(mock.http2.defaultKey, mock.http2.clock.now() / 1000);
  const answer = await send(session, tokenHeaders(mock, jwt, { 'apns-priority': '5', 'apns-collapse-id': 'c1', 'apns-expiration': '0' }));
  assert.is(answer.status, 200);
  assert.match(answer.apnsId ?? '', /^[0-9a-f-]{36}$/);
  const [recorded] = mock.notifications;
  assert.is(recorded?.format, 'h2');
  if (recorded?.format !== 'h2') return;
  assert.equal(
    { token: recorded.token, topic: recorded.topic, pushType: recorded.pushType, priority: recorded.priority, expiration: recorded.expiration, collapseId: recorded.collapseId, auth: recorded.auth, apnsId: recorded.apnsId, payload: recorded.payload, connection: recorded.connection },
    { token: H2_TOKEN, topic: mock.certs.topic, pushType: 'alert', priority: 5, expiration: 0, collapseId: 'c1', auth: 'token', apnsId: answer.apnsId, payload: { aps: { alert: 'hi' } }, connection: 1 },
  );
  await closeH2(session);
});

test('a client that offers no ALPN is served all the same', async () => {
  const session = openH2(mock, { alpn: false, certificate: true });
  const answer = await send(session, { 'apns-topic': mock.certs.topic });
  assert.is(answer.status, 200);
  assert.is(mock.notifications[0]?.format === 'h2' && mock.notifications[0].auth, 'certificate');
  await closeH2(session);
});

test('certificate auth: topic defaults to the certificate, another bundle is disallowed', async () => {
  const session = openH2(mock, { certificate: true });
  assert.is((await send(session, {})).status, 200);
  const other = await send(session, { 'apns-topic': 'com.other.app' });
  assert.equal([other.status, JSON.parse(other.body)], [400, { reason: 'TopicDisallowed' }]);
  const production = openH2(mock, { certificate: { cert: mock.certs.productionClientCert, key: mock.certs.productionClientKey } });
  const wrong = await send(production, {});
  assert.equal([wrong.status, JSON.parse(wrong.body)], [403, { reason: 'BadCertificateEnvironment' }]);
  await Promise.all([closeH2(session), closeH2(production)]);
  const stats = mock.stats().http2;
  assert.is(stats.accepted, 1);
  assert.is(stats.rejected, 2);
  assert.equal(stats.answersByReason, { TopicDisallowed: 1, BadCertificateEnvironment: 1 });
});

test.run();
