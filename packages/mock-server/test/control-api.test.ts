import { createSecureContext } from 'node:tls';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createMockServer, type MockServer } from '../src/index.js';
import { errorPacket, exchange, frame, frames, openClient, secure, tokenFor, transcript } from './helpers.js';

let mock: MockServer;
let base: string;

test.before(async () => {
  mock = await createMockServer({ controlPort: 0, closeGraceMs: 200 });
  base = `http://127.0.0.1:${mock.control!.port}`;
});
test.before.each(async () => {
  const response = await fetch(`${base}/reset`, { method: 'POST', headers: { 'content-type': 'application/json' } });
  assert.equal(await response.json(), { reset: true });
});
test.after(async () => {
  await mock.close();
});

async function call(method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, json: await response.json() };
}

test('GET / lists the routes', async () => {
  const { status, json } = await call('GET', '/');
  assert.is(status, 200);
  assert.ok(json.routes.includes('POST /faults'));
});

test('POST /faults arms faults (one or an array); GET /notifications and GET /stats report', async () => {
  const added = await call('POST', '/faults', { type: 'reject-token', token: tokenFor(3), status: 8, feedback: true });
  assert.is(added.status, 201);
  assert.is(added.json.ids.length, 1);
  const { data } = await exchange(mock, frames(1, 4));
  assert.equal(data, errorPacket(8, 3));
  const notifications = await call('GET', '/notifications');
  assert.is(notifications.json.length, 2);
  const [first] = notifications.json;
  assert.equal(
    { token: first.token, payload: first.payload, id: first.id, expiry: first.expiry, priority: first.priority, format: first.format },
    { token: tokenFor(1), payload: { aps: { alert: 'Hi' } }, id: 1, expiry: 0, priority: 10, format: 'frame' },
  );
  assert.is(typeof first.connection, 'number');
  assert.is(Buffer.from(first.payloadBase64, 'base64').toString(), '{"aps":{"alert":"Hi"}}');
  assert.is((await call('GET', '/notifications?from=1')).json.length, 1);
  assert.equal((await call('GET', '/notifications?from=0&limit=1')).json.map((n: { id: number }) => n.id), [1]);
  const stats = await call('GET', '/stats');
  assert.is(stats.json.accepted, 2);
  assert.is(stats.json.rejected, 1);
  assert.is(stats.json.feedbackQueued, 1);
  const rejected = await call('GET', '/rejected');
  assert.equal([rejected.json[0].token, rejected.json[0].id, rejected.json[0].status], [tokenFor(3), 3, 8]);
  const feedback = await call('GET', '/feedback');
  assert.equal(feedback.json.map((tuple: { token: string }) => tuple.token), [tokenFor(3)]);
});

test('fault list, removal and clearing', async () => {
  const { json } = await call('POST', '/faults', [{ type: 'zero-id' }, { type: 'stall-reads', ms: 10, repeat: true }]);
  assert.is(json.ids.length, 2);
  assert.is((await call('GET', '/faults')).json.length, 2);
  assert.equal((await call('DELETE', `/faults/${json.ids[0]}`)).json, { removed: true });
  assert.is((await call('DELETE', `/faults/${json.ids[0]}`)).status, 404);
  assert.is((await call('DELETE', '/faults')).status, 200);
  assert.equal((await call('GET', '/faults')).json, []);
});

test('bad bodies get 400 with a stable code and a message saying what to fix; nothing half-added', async () => {
  const bad = await call('POST', '/faults', [{ type: 'zero-id' }, { type: 'reject-nth' }]);
  assert.is(bad.status, 400);
  assert.is(bad.json.error.code, 'APNS_ERR_INVALID_FAULT');
  assert.match(bad.json.error.message, /"n" is required/);
  assert.equal((await call('GET', '/faults')).json, []);
  const notJson = await call('POST', '/faults', '{nope');
  assert.equal([notJson.status, notJson.json.error.code], [400, 'APNS_ERR_INVALID_JSON']);
  const feedback = await call('POST', '/feedback', [{ token: 'zz', timestamp: 1 }]);
  assert.equal([feedback.status, feedback.json.error.code], [400, 'APNS_ERR_INVALID_FEEDBACK']);
  assert.is((await call('GET', '/nowhere')).status, 404);
  assert.is((await call('GET', '/notifications?from=-1')).status, 400);
  assert.is((await call('GET', '/certs/server-key')).status, 404);
});

test('POST /feedback queues tuples (per topic) that the feedback service then writes', async () => {
  const queued = await call('POST', '/feedback', [{ token: tokenFor(1), timestamp: 1_700_000_000 }]);
  assert.equal([queued.status, queued.json], [201, { queued: 1 }]);
  assert.equal((await call('POST', '/feedback?topic=com.other', [{ token: tokenFor(2), timestamp: 2 }])).json, { queued: 1 });
  const options = await call('POST', '/feedback/options', { chunkSize: 7 });
  assert.equal(options.json, { chunkSize: 7, chunkDelayMs: 10, holdOpen: false });
  const socket = openClient(mock, { service: 'feedback' });
  const { data } = await transcript(socket);
  assert.is(data.length, 38);
  assert.is(data.readUInt32BE(0), 1_700_000_000);
  assert.is(data.subarray(6).toString('hex'), tokenFor(1));
  assert.is((await call('GET', '/feedback?topic=com.other')).json.length, 1);
  await call('POST', '/feedback/options', { chunkSize: 0 });
});

test('GET /certs/<name> serves the PEM files and the .p12', async () => {
  const ca = await fetch(`${base}/certs/ca.pem`);
  assert.is(ca.headers.get('content-type'), 'application/x-pem-file');
  assert.is(await ca.text(), mock.certs.ca);
  assert.is(await (await fetch(`${base}/certs/client-key`)).text(), mock.certs.clientKey);
  const p12 = Buffer.from(await (await fetch(`${base}/certs/client.p12`)).arrayBuffer());
  createSecureContext({ pfx: p12, passphrase: mock.certs.p12Passphrase });
  assert.is(await (await fetch(`${base}/certs/production-cert`)).text(), mock.certs.productionClientCert);
});

test('POST /reset forgets notifications', async () => {
  const socket = openClient(mock);
  await secure(socket);
  socket.write(frame(1));
  await mock.waitForNotifications(1);
  socket.destroy();
  await call('POST', '/reset');
  assert.equal((await call('GET', '/notifications')).json, []);
});

test.run();
