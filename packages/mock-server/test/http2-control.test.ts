// The control API and the CLI for HTTP/2: faults over HTTP, notifications with format h2, stats, clock, keys, settings, ready line.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { MockServer } from '../src/index.js';
import { parseFault } from '../src/fault-parse.js';
import { useMock } from './helpers.js';
import { H2_TOKEN, closeH2, openH2, send, signToken, tokenHeaders } from './http2-helpers.js';

const test = suite('http2 control API and CLI');
let mock: MockServer;
let base: string;
useMock(test, { controlPort: 0 }, (started) => {
  mock = started;
  base = `http://127.0.0.1:${started.control!.port}`;
});

async function call(method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
  const response = await fetch(`${base}${path}`, { method, body: body === undefined ? undefined : JSON.stringify(body), headers: { 'content-type': 'application/json' } });
  return { status: response.status, json: await response.json() };
}

test('a fault scripted over HTTP, pushes over HTTP/2, the outcome read back over HTTP', async () => {
  assert.is((await call('POST', '/faults', { type: 'reject-token', token: 'cd'.repeat(32), reason: 'Unregistered' })).status, 201);
  const session = openH2(mock, { certificate: true });
  assert.is((await send(session, { 'apns-id': '123e4567-e89b-12d3-a456-426614174000', 'apns-push-type': 'alert' })).status, 200);
  assert.is((await send(session, { ':path': `/3/device/${'cd'.repeat(32)}` })).status, 410);
  await closeH2(session);
  const { json: notifications } = await call('GET', '/notifications');
  assert.equal(notifications, [
    {
      format: 'h2',
      token: H2_TOKEN,
      payload: { aps: { alert: 'hi' } },
      pushType: 'alert',
      priority: 10,
      apnsId: '123e4567-e89b-12d3-a456-426614174000',
      auth: 'certificate',
      connection: 1,
      streamId: 1,
      receivedAt: notifications[0].receivedAt,
      id: null,
      payloadBase64: Buffer.from('{"aps":{"alert":"hi"}}').toString('base64'),
    },
  ]);
  const { json: rejected } = await call('GET', '/rejected');
  assert.equal(rejected.map((rejection: { format: string; status: number; reason: string }) => [rejection.format, rejection.status, rejection.reason]), [['h2', 410, 'Unregistered']]);
  const { json: stats } = await call('GET', '/stats');
  assert.equal([stats.accepted, stats.rejected, stats.http2.streams, stats.http2.answersByStatus, stats.http2.answersByReason], [1, 1, 2, { 200: 1, 410: 1 }, { Unregistered: 1 }]);
});

test('POST /clock moves the mock in time; GET /clock reads it', async () => {
  const before = (await call('GET', '/clock')).json.now as number;
  const { json } = await call('POST', '/clock', { advanceMs: 3_600_000 });
  assert.ok(json.now - before >= 3_600_000);
  assert.is((await call('POST', '/clock', { now: 1_700_000_000_000 })).json.now >= 1_700_000_000_000, true);
  assert.is((await call('POST', '/clock', { later: 1 })).json.error.code, 'APNS_ERR_INVALID_CLOCK');
  mock.http2.clock.reset();
});

test('POST /http2/keys registers a key whose tokens the mock verifies', async () => {
  const { status, json: key } = await call('POST', '/http2/keys', { environment: 'sandbox' });
  assert.is(status, 201);
  assert.match(key.keyId, /^[A-Z0-9]{10}$/);
  assert.ok(existsSync(key.path));
  assert.match(readFileSync(key.path, 'utf8'), /^-----BEGIN PRIVATE KEY-----/);
  assert.ok((await call('GET', '/http2/keys')).json.some((listed: { keyId: string }) => listed.keyId === key.keyId));
  const session = openH2(mock);
  assert.is((await send(session, tokenHeaders(mock, await signToken(key, Date.now() / 1000)))).status, 200);
  await closeH2(session);
  assert.is((await call('POST', '/http2/keys', { keyId: 'bad' })).json.error.code, 'APNS_ERR_INVALID_OPTION');
  assert.is((await call('POST', '/http2/keys', { keyId: key.keyId })).status, 400, 'a key id once only');
  assert.is((await call('POST', '/http2/keys', { publicKey: 'nope' })).status, 400);
});

test('POST /http2/settings changes the stream limit', async () => {
  assert.equal((await call('POST', '/http2/settings', { maxConcurrentStreams: 7 })).json, { maxConcurrentStreams: 7 });
  assert.is(mock.http2.maxConcurrentStreams, 7);
  assert.is((await call('POST', '/http2/settings', { maxConcurrentStreams: 0 })).json.error.code, 'APNS_ERR_INVALID_SETTINGS');
  await call('POST', '/http2/settings', { maxConcurrentStreams: 1000 });
});

test('HTTP/2 fault fields are checked and named', () => {
  const bad: Array<[unknown, RegExp]> = [
    [{ type: 'reject-token', token: 'ab'.repeat(32), reason: 'Nope' }, /"reason" must be one of Apple's reasons/],
    [{ type: 'goaway-after' }, /"n" is required/],
    [{ type: 'goaway-after', n: 1, lastStreamId: 0 }, /"lastStreamId" must be an integer from 1/],
    [{ type: 'rst-stream', code: 99 }, /"code" must be an integer from 0 to 13/],
    [{ type: 'delay-answer', ms: 10, maxMs: 5 }, /"maxMs" must be at least "ms"/],
    [{ type: 'too-many-requests', k: 1 }, /"windowMs" is required/],
    [{ type: 'idle-timeout', ms: 0 }, /"ms" must be an integer from 1/],
    [{ type: 'narrow-after-rejection', repeat: true }, /unknown field "repeat"/],
    [{ type: 'close-mid-stream', n: 0 }, /"n" must be an integer from 1/],
  ];
  for (const [input, message] of bad) assert.throws(() => parseFault(input), message, JSON.stringify(input));
  assert.equal(parseFault({ type: 'goaway-after', n: 2, reason: 'anything at all' }), { type: 'goaway-after', n: 2, reason: 'anything at all' });
});

test('apns-mock --http2-port 0: the ready line names the port, the key, its ids and the topic', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'apnskit-h2-cli-'));
  const cli = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'cli', 'apns-mock.js');
  const child = spawn(process.execPath, [cli, '--gateway-port', '0', '--feedback-port', '0', '--http2-port', '0', '--http2-max-streams', '5', '--topic', 'com.example.cli', '--certs-dir', dir, '--quiet']);
  try {
    const ready = await new Promise<Record<string, unknown>>((resolve) => createInterface({ input: child.stdout }).once('line', (line) => resolve(JSON.parse(line))));
    assert.type(ready.http2Port, 'number');
    assert.ok((ready.http2Port as number) > 0);
    assert.match(String(ready.keyId), /^[A-Z0-9]{10}$/);
    assert.match(String(ready.teamId), /^[A-Z0-9]{10}$/);
    assert.is(ready.authKey, join(dir, `AuthKey_${ready.keyId}.p8`));
    assert.is(ready.topic, 'com.example.cli');
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
