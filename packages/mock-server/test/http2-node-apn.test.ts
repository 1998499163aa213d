// Interop: @parse/node-apn 8.1.0, a real third-party HTTP/2 client, against the mock.
import apn from '@parse/node-apn';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { MockServer } from '../src/index.js';
import { useMock } from './helpers.js';

const test = suite('http2 interop: @parse/node-apn');
let mock: MockServer;
useMock(test, { closeGraceMs: 100 }, (started) => (mock = started));

const DEVICE = 'ab'.repeat(32);
const OTHER = 'cd'.repeat(32);

function tokenProvider(): apn.Provider {
  const key = mock.http2.defaultKey;
  return new apn.Provider({
    token: { key: key.path!, keyId: key.keyId, teamId: key.teamId },
    production: false,
    address: '127.0.0.1',
    port: mock.http2.port,
    ca: [mock.certs.ca],
  } as apn.ProviderOptions);
}

function certificateProvider(): apn.Provider {
  return new apn.Provider({
    cert: mock.certs.clientCert,
    key: mock.certs.clientKey,
    production: false,
    address: '127.0.0.1',
    port: mock.http2.port,
    ca: [mock.certs.ca],
  } as apn.ProviderOptions);
}

function note(alert = 'Hello'): apn.Notification {
  const notification = new apn.Notification();
  notification.alert = alert;
  notification.topic = mock.certs.topic;
  notification.pushType = 'alert';
  return notification;
}

test('token auth: its second stream before the first valid token is refused, as APNs allows one', async () => {
  const provider = tokenProvider();
  try {
    const result = await provider.send(note(), [DEVICE, OTHER]);
    assert.equal(result.sent.map((sent) => sent.device), [DEVICE]);
    assert.equal(result.failed.map((failed) => [failed.device, failed.status]), [[OTHER, undefined]]);
    assert.match(String((result.failed[0] as { error?: Error }).error?.message), /REFUSED_STREAM/);
    assert.is(mock.notifications.length, 1);
  } finally {
    await provider.shutdown();
  }
});

test('token auth: sent, recorded with its fields, and a 410 with its timestamp', async () => {
  mock.faults.add({ type: 'reject-token', token: OTHER, status: 8 });
  const provider = tokenProvider();
  try {
    // One push first: the token connection allows more streams once a token was accepted.
    assert.is((await provider.send(note(), DEVICE)).sent.length, 1);
    mock.reset();
    mock.faults.add({ type: 'reject-token', token: OTHER, status: 8 });
    const result = await provider.send(note(), [DEVICE, OTHER]);
    assert.equal(result.sent.map((sent) => sent.device), [DEVICE]);
    assert.is(result.failed.length, 1);
    const [failed] = result.failed;
    assert.equal([failed?.device, failed?.status, failed?.response?.reason], [OTHER, 410, 'Unregistered']);
    assert.type((failed?.response as { timestamp?: number } | undefined)?.timestamp, 'number');
    const [recorded] = mock.notifications;
    assert.equal(recorded?.format === 'h2' && [recorded.auth, recorded.token, recorded.topic, recorded.pushType], ['token', DEVICE, mock.certs.topic, 'alert']);
    assert.equal(recorded?.payload, { aps: { alert: 'Hello' } });
  } finally {
    await provider.shutdown();
  }
});

test('certificate auth: sent, recorded as certificate', async () => {
  const provider = certificateProvider();
  try {
    const result = await provider.send(note(), DEVICE);
    assert.is(result.sent.length, 1);
    assert.is(mock.notifications[0]?.format === 'h2' && mock.notifications[0].auth, 'certificate');
  } finally {
    await provider.shutdown();
  }
});

test('its retries: a 500 InternalServerError and a 429 TooManyRequests are resent and delivered', async () => {
  mock.faults.addAll([
    { type: 'reject-nth', n: 1, reason: 'InternalServerError' },
    // Counted from the push after the first fault fired: the resend.
    { type: 'reject-nth', n: 1, reason: 'TooManyRequests' },
  ]);
  const provider = tokenProvider();
  try {
    const result = await provider.send(note(), DEVICE);
    assert.equal(result.sent.map((sent) => sent.device), [DEVICE]);
    assert.is(mock.notifications.length, 1);
    assert.equal(
      mock.rejected.map((rejection) => [rejection.status, rejection.reason]),
      [
        [500, 'InternalServerError'],
        [429, 'TooManyRequests'],
      ],
    );
  } finally {
    await provider.shutdown();
  }
});

test('its GOAWAY handling: every push ends sent or failed, and the next send reconnects', async () => {
  mock.faults.add({ type: 'goaway-after', n: 2, reason: 'Shutdown' });
  const provider = certificateProvider();
  try {
    const devices = [1, 2, 3, 4].map((index) => index.toString(16).padStart(2, '0').repeat(32));
    const first = await provider.send(note(), devices);
    assert.is(first.sent.length + first.failed.length, 4, 'the whole ledger');
    assert.ok(first.sent.length <= 2, `at most the streams up to lastStreamId are delivered, got ${first.sent.length}`);
    assert.is(mock.notifications.length, first.sent.length);
    assert.is(mock.stats().http2.goaways, 1);
    const again = await provider.send(note('again'), DEVICE);
    assert.is(again.sent.length, 1);
    assert.is(mock.stats().http2.connections, 2);
  } finally {
    await provider.shutdown();
  }
});

test('a bad request answers its reason to the client', async () => {
  const provider = tokenProvider();
  try {
    const notification = note();
    notification.pushType = 'voip';
    const result = await provider.send(notification, DEVICE);
    assert.equal([result.failed[0]?.status, result.failed[0]?.response?.reason], [400, 'BadTopic']);
  } finally {
    await provider.shutdown();
  }
});

test.run();
