// The request checks APNs makes, one vector per rule, and the headers a client builds.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  Headers,
  bearerToken,
  checkPushBody,
  checkPushHeaders,
  devicePath,
  isApnsId,
  payloadLimitOf,
  pushRequestHeaders,
  type AuthKind,
} from '../src/http2/index.js';

const test = suite('http2 request checks');

const TOKEN = 'ab'.repeat(32);
const UUID = '123e4567-e89b-12d3-a456-426614174000';

/** A valid token-auth alert request, with `changes` applied (undefined deletes a header). */
function request(changes: Record<string, string | undefined> = {}, auth: AuthKind = 'token', extra: string[] = []) {
  const headers: Record<string, string | undefined> = {
    ':method': 'POST',
    ':scheme': 'https',
    ':path': `/3/device/${TOKEN}`,
    'apns-topic': 'com.example.app',
    'apns-push-type': 'alert',
    ...changes,
  };
  const rawHeaders: string[] = [];
  for (const [name, value] of Object.entries(headers)) if (value !== undefined) rawHeaders.push(name, value);
  rawHeaders.push(...extra);
  return { method: headers[':method'], path: headers[':path'], rawHeaders, auth };
}

function reasonOf(changes: Record<string, string | undefined>, auth: AuthKind = 'token', extra: string[] = []): string {
  const check = checkPushHeaders(request(changes, auth, extra));
  return check.ok ? 'ok' : check.reason;
}

const VECTORS: ReadonlyArray<[name: string, changes: Record<string, string | undefined>, expected: string, auth?: AuthKind, extra?: string[]]> = [
  ['valid token request', {}, 'ok'],
  ['GET', { ':method': 'GET' }, 'MethodNotAllowed'],
  ['no method', { ':method': undefined }, 'MethodNotAllowed'],
  ['path without token', { ':path': '/3/device/' }, 'MissingDeviceToken'],
  ['path without slash', { ':path': '/3/device' }, 'MissingDeviceToken'],
  ['other path', { ':path': '/2/device/ab' }, 'BadPath'],
  ['no path', { ':path': undefined }, 'BadPath'],
  ['odd-length token', { ':path': '/3/device/abc' }, 'BadDeviceToken'],
  ['non-hex token', { ':path': '/3/device/zz' }, 'BadDeviceToken'],
  ['short token: no length assumed', { ':path': '/3/device/ab' }, 'ok'],
  ['long token: no length assumed', { ':path': `/3/device/${'cd'.repeat(100)}` }, 'ok'],
  ['repeated header', {}, 'DuplicateHeaders', 'token', ['apns-topic', 'com.example.app']],
  ['repeated header in another case', {}, 'DuplicateHeaders', 'token', ['APNS-PRIORITY', '10', 'apns-priority', '5']],
  ['apns-id not a UUID', { 'apns-id': 'nope' }, 'BadMessageId'],
  ['apns-id UUID', { 'apns-id': UUID }, 'ok'],
  ['unknown push type', { 'apns-push-type': 'fax' }, 'InvalidPushType'],
  ['location on a certificate', { 'apns-push-type': 'location', 'apns-topic': 'com.example.app.location-query' }, 'InvalidPushType', 'certificate'],
  ['liveactivity on a certificate', { 'apns-push-type': 'liveactivity', 'apns-topic': 'com.example.app.push-type.liveactivity' }, 'InvalidPushType', 'certificate'],
  ['liveactivity with a token', { 'apns-push-type': 'liveactivity', 'apns-topic': 'com.example.app.push-type.liveactivity' }, 'ok'],
  ['priority 7', { 'apns-priority': '7' }, 'BadPriority'],
  ['priority text', { 'apns-priority': 'high' }, 'BadPriority'],
  ['priority 10.0', { 'apns-priority': '10.0' }, 'BadPriority'],
  ['priority 1', { 'apns-priority': '1' }, 'ok'],
  ['background at 10', { 'apns-push-type': 'background', 'apns-priority': '10' }, 'BadPriority'],
  ['background without priority (10 by default)', { 'apns-push-type': 'background' }, 'BadPriority'],
  ['background at 5', { 'apns-push-type': 'background', 'apns-priority': '5' }, 'ok'],
  ['pushtotalk at 5', { 'apns-push-type': 'pushtotalk', 'apns-topic': 'com.example.app.voip-ptt', 'apns-priority': '5' }, 'BadPriority'],
  ['expiration text', { 'apns-expiration': 'tomorrow' }, 'BadExpirationDate'],
  ['expiration negative', { 'apns-expiration': '-1' }, 'BadExpirationDate'],
  ['expiration 0', { 'apns-expiration': '0' }, 'ok'],
  ['collapse id of 64 bytes', { 'apns-collapse-id': 'x'.repeat(64) }, 'ok'],
  ['collapse id of 65 bytes', { 'apns-collapse-id': 'x'.repeat(65) }, 'BadCollapseId'],
  ['collapse id of 33 two-byte characters', { 'apns-collapse-id': 'é'.repeat(33) }, 'BadCollapseId'],
  ['no topic with a token', { 'apns-topic': undefined }, 'MissingTopic'],
  ['no topic with a certificate', { 'apns-topic': undefined }, 'ok', 'certificate'],
  ['voip without its suffix', { 'apns-push-type': 'voip' }, 'BadTopic'],
  ['voip with its suffix', { 'apns-push-type': 'voip', 'apns-topic': 'com.example.app.voip' }, 'ok'],
  ['alert to a voip topic', { 'apns-topic': 'com.example.app.voip' }, 'BadTopic'],
  ['suffix alone', { 'apns-push-type': 'voip', 'apns-topic': '.voip' }, 'BadTopic'],
  ['empty topic', { 'apns-topic': '' }, 'BadTopic'],
  ['mdm with any topic', { 'apns-push-type': 'mdm', 'apns-topic': 'com.apple.mgmt.External.1' }, 'ok'],
  ['complication', { 'apns-push-type': 'complication', 'apns-topic': 'com.example.app.complication' }, 'ok'],
  ['widgets', { 'apns-push-type': 'widgets', 'apns-topic': 'com.example.app.push-type.widgets' }, 'ok'],
];

for (const [name, changes, expected, auth, extra] of VECTORS) {
  test(`${name}: ${expected}`, () => {
    assert.is(reasonOf(changes, auth, extra), expected);
  });
}

test('a checked request carries the fields, token in lower case', () => {
  const check = checkPushHeaders(
    request({ ':path': `/3/device/${TOKEN.toUpperCase()}`, 'apns-id': UUID, 'apns-priority': '5', 'apns-expiration': '1700000000', 'apns-collapse-id': 'c', authorization: 'bearer x.y.z' }),
  );
  assert.ok(check.ok);
  if (!check.ok) return;
  assert.equal(check.request, {
    token: TOKEN,
    topic: 'com.example.app',
    pushType: 'alert',
    priority: 5,
    expiration: 1_700_000_000,
    collapseId: 'c',
    apnsId: UUID,
    authorization: 'bearer x.y.z',
  });
});

test('body: empty, at the limit, over it, VoIP limit', () => {
  assert.is(checkPushBody(0, 'alert'), 'PayloadEmpty');
  assert.is(checkPushBody(4096, 'alert'), undefined);
  assert.is(checkPushBody(4097, undefined), 'PayloadTooLarge');
  assert.is(checkPushBody(5120, 'voip'), undefined);
  assert.is(checkPushBody(5121, 'voip'), 'PayloadTooLarge');
  assert.is(payloadLimitOf('nonsense'), 4096);
});

test('a client builds headers that the checks accept', () => {
  const headers = pushRequestHeaders({
    token: TOKEN,
    topic: 'com.example.app.voip',
    pushType: 'voip',
    priority: 10,
    expiration: 0,
    collapseId: 'game',
    apnsId: UUID,
    providerToken: 'a.b.c',
  });
  assert.equal(headers, {
    ':method': 'POST',
    ':scheme': 'https',
    ':path': devicePath(TOKEN),
    authorization: 'bearer a.b.c',
    'apns-topic': 'com.example.app.voip',
    'apns-push-type': 'voip',
    'apns-priority': '10',
    'apns-expiration': '0',
    'apns-collapse-id': 'game',
    'apns-id': UUID,
  });
  const check = checkPushHeaders({ method: 'POST', path: headers[Headers.Path], rawHeaders: Object.entries(headers).flat(), auth: 'token' });
  assert.ok(check.ok);
  assert.equal(Object.keys(pushRequestHeaders({ token: 'ab' })), [':method', ':scheme', ':path']);
});

test('bearer tokens and apns-id syntax', () => {
  assert.is(bearerToken('bearer a.b.c'), 'a.b.c');
  assert.is(bearerToken('Bearer a.b.c'), 'a.b.c');
  for (const bad of [undefined, '', 'bearer ', 'bearer    ', 'basic a.b.c', 'a.b.c']) assert.is(bearerToken(bad), undefined, String(bad));
  assert.ok(isApnsId(UUID));
  assert.ok(isApnsId(UUID.toUpperCase()));
  assert.not.ok(isApnsId(UUID.replace(/-/g, '')));
});

test.run();
