// The control API against web pages (cross-site requests, DNS rebinding), other local users and
// bodies meant to exhaust memory or the stack; script files likewise.
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { connect as connectTcp } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createMockServer, MockServerError, type MockServer } from '../src/index.js';
import { loadScript } from '../src/script.js';
import { MAX_SCRIPT_BYTES } from '../src/script.js';

const JSON_TYPE = { 'content-type': 'application/json' };
const TOKEN = 'a-control-token-0123456789';

let mock: MockServer;
let guarded: MockServer;
let scratch: string;
test.before(async () => {
  mock = await createMockServer({ controlPort: 0, maxBodyBytes: 4096 });
  guarded = await createMockServer({ controlPort: 0, controlToken: TOKEN });
  scratch = mkdtempSync(join(tmpdir(), 'apnskit-control-hardening-'));
});
test.before.each(() => mock.reset());
test.after(async () => {
  await mock.close();
  await guarded.close();
  rmSync(scratch, { recursive: true, force: true });
});

interface Answer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly json: { error?: { code: string; message: string } } & Record<string, unknown>;
}

/** A request with any headers (fetch cannot set Host or Origin). */
function call(server: MockServer, method: string, path: string, headers: Record<string, string | number>, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port: server.control!.port, method, path, headers: { host: `127.0.0.1:${server.control!.port}`, ...headers } }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, json: JSON.parse(Buffer.concat(chunks).toString('utf8')) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

function noCors(answer: Answer): void {
  assert.equal(Object.keys(answer.headers).filter((name) => name.startsWith('access-control-')), []);
}

test('a web page\'s "simple" POST (text/plain, foreign Origin) is refused and arms nothing', async () => {
  const body = JSON.stringify({ type: 'zero-id' });
  const plain = await call(mock, 'POST', '/faults', { 'content-type': 'text/plain', origin: 'http://evil.example' }, body);
  assert.is(plain.status, 403);
  assert.is(plain.json.error?.code, 'APNS_ERR_FORBIDDEN_ORIGIN');
  noCors(plain);
  const noOrigin = await call(mock, 'POST', '/faults', { 'content-type': 'text/plain' }, body);
  assert.is(noOrigin.status, 415);
  assert.match(noOrigin.json.error!.message, 'application/json');
  const reset = await call(mock, 'POST', '/reset', {});
  assert.is(reset.status, 415);
  const form = await call(mock, 'DELETE', '/faults', { 'content-type': 'application/x-www-form-urlencoded' });
  assert.is(form.status, 415);
  assert.is(mock.faults.list().length, 0);
  const ok = await call(mock, 'POST', '/faults', { ...JSON_TYPE, origin: `http://localhost:${mock.control!.port}` }, body);
  assert.is(ok.status, 201);
  noCors(ok);
});

test('a foreign Host (DNS rebinding) cannot read the client key or write', async () => {
  for (const host of ['evil.example', `evil.example:${mock.control!.port}`, 'localhost:1', '127.0.0.2']) {
    const read = await call(mock, 'GET', '/certs/client-key', { host });
    assert.is(read.status, 403, host);
    assert.is(read.json.error?.code, 'APNS_ERR_FORBIDDEN_HOST');
    const write = await call(mock, 'POST', '/faults', { ...JSON_TYPE, host }, JSON.stringify({ type: 'zero-id' }));
    assert.is(write.status, 403);
  }
  for (const host of [`localhost:${mock.control!.port}`, `LOCALHOST:${mock.control!.port}`, `127.0.0.1:${mock.control!.port}`]) {
    assert.is((await call(mock, 'GET', '/stats', { host })).status, 200, host);
  }
  assert.is(mock.faults.list().length, 0);
});

test('--control-token: requests without the bearer token get 401', async () => {
  assert.is((await call(guarded, 'GET', '/stats', {})).status, 401);
  assert.is((await call(guarded, 'GET', '/stats', { authorization: 'Bearer wrong' })).status, 401);
  assert.is((await call(guarded, 'GET', '/certs/client-key', { authorization: `Basic ${TOKEN}` })).status, 401);
  const ok = await call(guarded, 'POST', '/faults', { ...JSON_TYPE, authorization: `Bearer ${TOKEN}` }, JSON.stringify({ type: 'zero-id' }));
  assert.is(ok.status, 201);
  for (const token of ['short', 'has spaces in it, sixteen+']) {
    try {
      await createMockServer({ controlPort: 0, controlToken: token });
      assert.unreachable();
    } catch (error) {
      assert.is((error as MockServerError).code, 'APNS_ERR_INVALID_OPTION');
      assert.not.match((error as Error).message, token);
    }
  }
});

test('a body over maxBodyBytes gets 413 naming the limit: declared, or streamed without a length', async () => {
  const big = JSON.stringify([{ token: 'ab'.repeat(32), timestamp: 1 }]).padEnd(5000, ' ');
  const declared = await call(mock, 'POST', '/feedback', JSON_TYPE, big);
  assert.is(declared.status, 413);
  assert.match(declared.json.error!.message, 'limit of 4096 bytes');
  const streamed = await call(mock, 'POST', '/feedback', { ...JSON_TYPE, 'transfer-encoding': 'chunked' }, big);
  assert.is(streamed.status, 413);
  assert.is(mock.pendingFeedback().length, 0);
});

test('the default limit (16 MiB) refuses a 60 MB body from its length, before reading it', async () => {
  const port = guarded.control!.port;
  const answer = await new Promise<string>((resolve, reject) => {
    const socket = connectTcp({ host: '127.0.0.1', port }, () => {
      // Headers only: the server must answer without waiting for the 60 MB.
      socket.write(`POST /feedback HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAuthorization: Bearer ${TOKEN}\r\nContent-Type: application/json\r\nContent-Length: ${60 * 1024 * 1024}\r\n\r\n[`);
    });
    let text = '';
    socket.on('data', (chunk) => (text += chunk.toString('latin1')));
    socket.on('close', () => resolve(text));
    socket.on('error', reject);
  });
  assert.match(answer, /^HTTP\/1\.1 413/);
  assert.match(answer, `limit of ${16 * 1024 * 1024} bytes`);
});

test('JSON nested 100,000 deep is a 400, not a stack overflow; so is a nested script', async () => {
  const deep = '['.repeat(100_000) + ']'.repeat(100_000);
  const local = await createMockServer({ controlPort: 0 });
  try {
    const answer = await call(local, 'POST', '/faults', JSON_TYPE, deep);
    assert.is(answer.status, 400);
    assert.is(answer.json.error?.code, 'APNS_ERR_JSON_TOO_DEEP');
    assert.match(answer.json.error!.message, '64 levels');
  } finally {
    await local.close();
  }
  const path = join(scratch, 'deep.json');
  writeFileSync(path, `{"faults":${deep}}`);
  assert.throws(() => loadScript(path), /deeper than 64 levels/);
});

test('POST /feedback/options refuses unknown keys, [], null and out-of-range numbers, changing nothing', async () => {
  const before = (await call(mock, 'POST', '/feedback/options', JSON_TYPE, '{}')).json;
  for (const body of ['{"chunkSize":8,"bogus":1}', '[]', 'null', '{"chunkDelayMs":1e15}', '{"chunkSize":-1}', '{"holdOpen":"yes"}']) {
    const answer = await call(mock, 'POST', '/feedback/options', JSON_TYPE, body);
    assert.is(answer.status, 400, body);
    assert.is(answer.json.error?.code, 'APNS_ERR_INVALID_OPTION');
  }
  assert.equal(mock.feedbackOptions, before);
  const unknown = await call(mock, 'POST', '/feedback/options', JSON_TYPE, '{"bogus":1}');
  assert.match(unknown.json.error!.message, 'unknown feedback option "bogus"');
  const delay = await call(mock, 'POST', '/feedback/options', JSON_TYPE, '{"chunkDelayMs":1e15}');
  assert.match(delay.json.error!.message, 'from 0 to 600000');
});

test('200,000 faults in one request are refused with the limit; none is added', async () => {
  const local = await createMockServer({ controlPort: 0 });
  try {
    const body = JSON.stringify(Array.from({ length: 200_000 }, () => ({ type: 'zero-id' })));
    const answer = await call(local, 'POST', '/faults', JSON_TYPE, body);
    assert.is(answer.status, 400);
    assert.is(answer.json.error?.code, 'APNS_ERR_TOO_MANY_FAULTS');
    assert.match(answer.json.error!.message, 'at most 10000 faults');
    assert.is(local.faults.list().length, 0);
  } finally {
    await local.close();
  }
});

test('scripts: /dev/zero, a directory and a file over the size limit are refused unread', () => {
  assert.throws(() => loadScript('/dev/zero'), /not a regular file/);
  assert.throws(() => loadScript(scratch), /not a regular file/);
  const huge = join(scratch, 'huge.json');
  writeFileSync(huge, '');
  truncateSync(huge, MAX_SCRIPT_BYTES + 1);
  assert.throws(() => loadScript(huge), new RegExp(`over the limit of ${MAX_SCRIPT_BYTES}`));
});

test.run();
