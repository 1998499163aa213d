// Every reason in Apple's table, produced by the request that causes it (or a fault for Apple's state), seen from a node:http2 client.
import type { OutgoingHttpHeaders } from 'node:http2';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { REASON_TABLE } from '@apnskit/codec/http2';
import { createMockServer, type Fault, type MockServer } from '../src/index.js';
import { useMock } from './helpers.js';
import { H2_TOKEN, closeH2, openH2, send, signToken, tokenHeaders, type H2Answer } from './http2-helpers.js';

const test = suite('http2 reasons');
let mock: MockServer;
useMock(test, {}, (started) => (mock = started));

const nowSeconds = (): number => mock.http2.clock.now() / 1000;

async function tokenPush(extra: OutgoingHttpHeaders = {}, body?: string): Promise<H2Answer> {
  const session = openH2(mock);
  try {
    return await send(session, tokenHeaders(mock, await signToken(mock.http2.defaultKey, nowSeconds()), extra), body);
  } finally {
    await closeH2(session);
  }
}

async function certificatePush(extra: OutgoingHttpHeaders = {}, credentials?: { cert: string; key: string }): Promise<H2Answer> {
  const session = openH2(mock, { certificate: credentials ?? true });
  try {
    return await send(session, extra);
  } finally {
    await closeH2(session);
  }
}

async function faultPush(fault: Fault): Promise<H2Answer> {
  mock.faults.add(fault);
  return tokenPush();
}

const seen = new Set<string>();

function expectReason(answer: H2Answer, status: number, reason: string): void {
  const body = JSON.parse(answer.body) as { reason: string; timestamp?: number };
  assert.equal([answer.status, body.reason], [status, reason]);
  assert.match(answer.apnsId ?? '', /^[0-9a-f]{8}-/);
  assert.is(answer.headers['content-type'], 'application/json');
  if (status === 410) assert.ok(Math.abs(body.timestamp! - mock.http2.clock.now()) < 5000, 'a 410 body carries a millisecond timestamp');
  else assert.is(body.timestamp, undefined);
  seen.add(reason);
}

const BY_REQUEST: ReadonlyArray<[string, number, () => Promise<H2Answer>]> = [
  ['BadCollapseId', 400, () => tokenPush({ 'apns-collapse-id': 'c'.repeat(65) })],
  ['BadDeviceToken', 400, () => tokenPush({ ':path': '/3/device/not-hex' })],
  ['BadExpirationDate', 400, () => tokenPush({ 'apns-expiration': 'soon' })],
  ['BadMessageId', 400, () => tokenPush({ 'apns-id': 'not-a-uuid' })],
  ['BadPriority', 400, () => tokenPush({ 'apns-push-type': 'background', 'apns-priority': '10' })],
  ['BadTopic', 400, () => tokenPush({ 'apns-push-type': 'voip' })],
  ['DuplicateHeaders', 400, () => tokenPush({ 'apns-collapse-id': ['a', 'b'] })],
  ['InvalidPushType', 400, () => tokenPush({ 'apns-push-type': 'fax' })],
  ['MissingDeviceToken', 400, () => tokenPush({ ':path': '/3/device/' })],
  ['MissingTopic', 400, () => tokenPush({ 'apns-topic': undefined })],
  ['PayloadEmpty', 400, () => tokenPush({}, '')],
  ['TopicDisallowed', 400, () => certificatePush({ 'apns-topic': 'com.other.app' })],
  ['BadCertificate', 403, () => certificatePush({}, { cert: mock.certs.serverCert, key: mock.certs.serverKey })],
  ['BadCertificateEnvironment', 403, () => certificatePush({}, { cert: mock.certs.productionClientCert, key: mock.certs.productionClientKey })],
  ['BadPath', 404, () => tokenPush({ ':path': '/3/devices/' + H2_TOKEN })],
  ['MethodNotAllowed', 405, () => tokenPush({ ':method': 'PUT' })],
  ['PayloadTooLarge', 413, () => tokenPush({}, JSON.stringify({ aps: { alert: 'x'.repeat(4096) } }))],
];

for (const [reason, status, produce] of BY_REQUEST) {
  test(`${reason} (${status}) from the request that causes it`, async () => {
    expectReason(await produce(), status, reason);
  });
}

test('VoIP bodies may reach 5120 bytes, not more', async () => {
  const voip = { 'apns-push-type': 'voip', 'apns-topic': `${mock.certs.topic}.voip` };
  assert.is((await tokenPush(voip, JSON.stringify({ x: 'y'.repeat(5120 - 8) }))).status, 200);
  expectReason(await tokenPush(voip, JSON.stringify({ x: 'y'.repeat(5120 - 7) })), 413, 'PayloadTooLarge');
});

test('MissingProviderToken and InvalidProviderToken', async () => {
  const session = openH2(mock);
  expectReason(await send(session, { 'apns-topic': mock.certs.topic }), 403, 'MissingProviderToken');
  await closeH2(session);
  const garbage = openH2(mock);
  expectReason(await send(garbage, tokenHeaders(mock, 'a.b.c')), 403, 'InvalidProviderToken');
  await closeH2(garbage);
  const otherTeam = openH2(mock);
  expectReason(await send(otherTeam, tokenHeaders(mock, await signToken(mock.http2.defaultKey, nowSeconds(), { teamId: 'ZZZZZZZZZZ' }))), 403, 'InvalidProviderToken');
  await closeH2(otherTeam);
  const unknownKey = openH2(mock);
  expectReason(await send(unknownKey, tokenHeaders(mock, await signToken(mock.http2.defaultKey, nowSeconds(), { kid: 'UNKNOWN000' }))), 403, 'InvalidProviderToken');
  await closeH2(unknownKey);
});

test('ExpiredProviderToken: iat over an hour old', async () => {
  const session = openH2(mock);
  expectReason(await send(session, tokenHeaders(mock, await signToken(mock.http2.defaultKey, nowSeconds() - 3601))), 403, 'ExpiredProviderToken');
  await closeH2(session);
});

test('a token expires on the connection as the clock passes an hour', async () => {
  const session = openH2(mock);
  const headers = tokenHeaders(mock, await signToken(mock.http2.defaultKey, nowSeconds()));
  assert.is((await send(session, headers)).status, 200);
  mock.http2.clock.advance(3601_000);
  try {
    expectReason(await send(session, headers), 403, 'ExpiredProviderToken');
  } finally {
    mock.http2.clock.reset();
    await closeH2(session);
  }
});

test('TooManyProviderTokenUpdates: a new token within 20 minutes; accepted after them', async () => {
  const session = openH2(mock);
  const first = await signToken(mock.http2.defaultKey, nowSeconds());
  assert.is((await send(session, tokenHeaders(mock, first))).status, 200);
  const second = await signToken(mock.http2.defaultKey, nowSeconds() + 1);
  expectReason(await send(session, tokenHeaders(mock, second)), 429, 'TooManyProviderTokenUpdates');
  mock.http2.clock.advance(20 * 60_000);
  try {
    const third = await signToken(mock.http2.defaultKey, nowSeconds());
    assert.is((await send(session, tokenHeaders(mock, third))).status, 200);
  } finally {
    mock.http2.clock.reset();
    await closeH2(session);
  }
});

test('UnrelatedKeyIdInToken and the team pinned by the first push', async () => {
  const related = mock.http2.addKey({ teamId: mock.http2.defaultKey.teamId });
  const otherTeam = mock.http2.addKey();
  const session = openH2(mock);
  assert.is((await send(session, tokenHeaders(mock, await signToken(mock.http2.defaultKey, nowSeconds())))).status, 200);
  expectReason(await send(session, tokenHeaders(mock, await signToken(related, nowSeconds()))), 403, 'UnrelatedKeyIdInToken');
  expectReason(await send(session, tokenHeaders(mock, await signToken(otherTeam, nowSeconds()))), 403, 'InvalidProviderToken');
  await closeH2(session);
  // The same keys are fine as the first key of a connection of their own.
  const fresh = openH2(mock);
  assert.is((await send(fresh, tokenHeaders(mock, await signToken(otherTeam, nowSeconds())))).status, 200);
  await closeH2(fresh);
});

test('BadEnvironmentKeyIdInToken: a key restricted to the other environment', async () => {
  const productionKey = mock.http2.addKey({ environment: 'production' });
  const session = openH2(mock);
  expectReason(await send(session, tokenHeaders(mock, await signToken(productionKey, nowSeconds()))), 403, 'BadEnvironmentKeyIdInToken');
  await closeH2(session);
});

test('BadEnvironmentKeyInToken: the field spelling, chosen by an option', async () => {
  const other = await createMockServer({ environmentKeyReason: 'BadEnvironmentKeyInToken' });
  try {
    const key = other.http2.addKey({ environment: 'production' });
    const session = openH2(other);
    const answer = await send(session, tokenHeaders(other, await signToken(key, other.http2.clock.now() / 1000)));
    assert.equal([answer.status, JSON.parse(answer.body)], [403, { reason: 'BadEnvironmentKeyInToken' }]);
    seen.add('BadEnvironmentKeyInToken');
    await closeH2(session);
  } finally {
    await other.close();
  }
});

const BY_FAULT: ReadonlyArray<[string, number, Fault]> = [
  ['Unregistered', 410, { type: 'reject-token', token: H2_TOKEN, status: 8 }],
  ['ExpiredToken', 410, { type: 'reject-token', token: H2_TOKEN, reason: 'ExpiredToken' }],
  ['DeviceTokenNotForTopic', 400, { type: 'reject-token', token: H2_TOKEN, reason: 'DeviceTokenNotForTopic' }],
  ['Forbidden', 403, { type: 'reject-nth', n: 1, reason: 'Forbidden' }],
  ['IdleTimeout', 400, { type: 'reject-nth', n: 1, reason: 'IdleTimeout' }],
  ['TooManyRequests', 429, { type: 'too-many-requests', k: 0, windowMs: 60_000 }],
  ['InternalServerError', 500, { type: 'reject-nth', n: 1, reason: 'InternalServerError' }],
  ['ServiceUnavailable', 503, { type: 'reject-nth', n: 1, reason: 'ServiceUnavailable' }],
  ['Shutdown', 503, { type: 'reject-random', p: 1, reason: 'Shutdown' }],
];

for (const [reason, status, fault] of BY_FAULT) {
  test(`${reason} (${status}) from a fault`, async () => {
    expectReason(await faultPush(fault), status, reason);
  });
}

test('every reason in the table was produced', () => {
  assert.equal(
    REASON_TABLE.map((info) => info.reason).filter((reason) => !seen.has(reason)),
    [],
  );
});

test.run();
