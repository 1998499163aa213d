// apns-send --http2 end to end: the built CLI as a child process against the HTTP/2 mock.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { MockServer } from '@apnskit/mock-server';
import { parseSendCommand } from '../src/cli/options.js';
import { startMock } from './helpers.js';

const CLI = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'cli', 'apns-send.js');
const RUN_TIMEOUT_MS = 60_000;

function runCli(args: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, APNS_PASSPHRASE: '' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), RUN_TIMEOUT_MS);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

function token(index: number): string {
  return index.toString(16).padStart(8, '0') + 'a11ce0de'.repeat(7);
}

const test = suite<{ mock: MockServer }>('apns-send --http2');

test.before(async (context) => {
  context.mock = await startMock({ closeGraceMs: 100 });
});
test.before.each(({ mock }) => mock.reset());
test.after(async ({ mock }) => {
  await mock.close();
});

function tokenArgs(mock: MockServer): string[] {
  const key = mock.http2.defaultKey;
  return ['--http2', '--gateway', `127.0.0.1:${mock.http2.port}`, '--ca', mock.certs.paths.ca, '--auth-key', key.path as string, '--key-id', key.keyId, '--team-id', key.teamId, '--topic', mock.certs.topic];
}

test('token auth with --json: a 410 line with an ISO timestamp, then the totals; exit 1', async ({ mock }) => {
  mock.faults.add({ type: 'reject-token', token: token(2), reason: 'Unregistered' });
  const recipients = [0, 1, 2, 3].flatMap((index) => ['--token', token(index)]);
  const result = await runCli([...tokenArgs(mock), ...recipients, '--alert', 'Hi', '--collapse-id', 'c1', '--push-type', 'alert', '--json']);
  assert.is(result.code, 1, result.stderr);
  const lines = result.stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
  assert.is(lines.length, 2);
  const failed = lines[0]!;
  assert.equal(Object.keys(failed), ['token', 'status', 'reason', 'timestamp']);
  assert.is(failed.token, token(2));
  assert.is(failed.status, 410);
  assert.is(failed.reason, 'Unregistered');
  assert.is(new Date(failed.timestamp as string).toISOString(), failed.timestamp);
  assert.is(lines[1]!.sent, 4);
  assert.is(lines[1]!.delivered, 3);
  assert.is(lines[1]!.failed, 1);
  const held = mock.notifications.filter((notification) => notification.format === 'h2');
  assert.is(held.length, 3);
  assert.ok(held.every((notification) => notification.format === 'h2' && notification.collapseId === 'c1' && notification.topic === mock.certs.topic));
});

test('certificate flags with --http2: every one delivered, exit 0, on either transport', async ({ mock }) => {
  const paths = mock.certs.paths;
  for (const transport of [[], ['--transport', 'node-http2'], ['--transport', 'direct']]) {
    mock.reset();
    const result = await runCli(['--http2', '--gateway', `127.0.0.1:${mock.http2.port}`, '--ca', paths.ca, '--cert', paths.clientCert, '--key', paths.clientKey, '--token', token(9), '--alert', 'Hi', ...transport]);
    assert.is(result.code, 0, result.stderr);
    assert.match(result.stdout, /All delivered\./);
    assert.is(mock.notifications.length, 1);
  }
});

test('a stream never answered shows as an unconfirmed JSON line', async ({ mock }) => {
  mock.faults.add({ type: 'no-answer' });
  // The default 10 s timeout would make this test slow: the run loop takes sender options in process instead.
  const { runSendHttp2 } = await import('../src/cli/h2-run.js');
  const parsed = await parseSendCommand([...tokenArgs(mock), '--token', token(20), '--token', token(21), '--alert', 'Hi', '--json'], {});
  if (parsed.help) throw new Error('unexpected --help');
  let stdout = '';
  const io = { stdout: { write: (text: string) => (stdout += text) }, stderr: { write: () => true } };
  const code = await runSendHttp2(parsed, io, () => undefined, { requestTimeoutMs: 200 });
  assert.is(code, 1);
  const lines = stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
  assert.equal(lines[0], { token: token(20), unconfirmed: true, reason: 'timeout' });
  assert.is(lines[1]!.unconfirmed, 1);
  assert.is(lines[1]!.delivered, 1);
});

/** Runs apns-send --http2 in process on a tokens file holding `lines`; resolves with the exit code and stdout. */
async function runOnTokensFile(mock: MockServer, lines: string, flags: readonly string[]): Promise<{ code: number; stdout: string }> {
  const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { runSendHttp2 } = await import('../src/cli/h2-run.js');
  const dir = mkdtempSync(join(tmpdir(), 'apns-send-h2-'));
  try {
    const file = join(dir, 'tokens.txt');
    writeFileSync(file, lines);
    const parsed = await parseSendCommand([...tokenArgs(mock), '--tokens-file', file, ...flags], {});
    if (parsed.help) throw new Error('unexpected --help');
    let stdout = '';
    const io = { stdout: { write: (text: string) => (stdout += text) }, stderr: { write: () => true } };
    const code = await runSendHttp2(parsed, io);
    return { code, stdout };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('a tokens file with an unreadable line, text output, priority and expiry flags, in process', async ({ mock }) => {
  const { code, stdout } = await runOnTokensFile(mock, `${token(30)}\nnot-a-token\n${token(31)}\n`, ['--payload', '{"aps":{"content-available":1}}', '--push-type', 'background', '--priority', '5', '--expiry', '3600']);
  assert.is(code, 1, stdout);
  assert.match(stdout, /delivered\s+2/);
  assert.match(stdout, /line 2: malformed-token/);
  const held = mock.notifications.filter((notification) => notification.format === 'h2');
  assert.is(held.length, 2);
  assert.ok(held.every((notification) => notification.format === 'h2' && notification.pushType === 'background' && notification.priority === 5 && notification.expiration !== undefined));
});

test('tokens of any whole number of bytes go out over HTTP/2 (Apple: do not assume a length); an odd digit count is reported', async ({ mock }) => {
  const long = token(40) + 'beef'.repeat(20);
  const short = '<0a0b 0c0d>';
  const { code, stdout } = await runOnTokensFile(mock, `${long}\n${token(41)}\n${short}\n${token(42).slice(1)}\n${long.toUpperCase()}\n`, ['--alert', 'Hi', '--json']);
  assert.is(code, 1);
  const lines = stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
  assert.is(lines.length, 2);
  assert.is(lines[0]!.line, 4);
  assert.match(String(lines[0]!.reason), /even number of hex digits/);
  assert.equal({ sent: lines[1]!.sent, delivered: lines[1]!.delivered, failed: lines[1]!.failed }, { sent: 4, delivered: 4, failed: 1 });
  const held = mock.notifications.filter((notification) => notification.format === 'h2').map((notification) => notification.token).sort();
  assert.equal(held, [long, long, token(41), '0a0b0c0d'].sort());
});

test('--token takes any whole number of bytes with --http2, 32 bytes only on the binary gateway', async ({ mock }) => {
  const long = token(50) + 'ab'.repeat(8);
  const parsed = await parseSendCommand([...tokenArgs(mock), '--token', long, '--alert', 'Hi'], {});
  if (parsed.help || parsed.tokens.kind !== 'list') throw new Error('expected a token list');
  assert.equal(parsed.tokens.tokens, [Buffer.from(long, 'hex')]);
  const refusal = (argv: string[]) => parseSendCommand(argv, {}).then(() => 'accepted', (error: Error) => error.message);
  assert.match(await refusal([...tokenArgs(mock), '--token', long.slice(1), '--alert', 'Hi']), /give its bytes in hex \(an even number of digits\)/);
  const paths = mock.certs.paths;
  assert.match(await refusal(['--gateway', '127.0.0.1:1', '--cert', paths.clientCert, '--key', paths.clientKey, '--token', long, '--alert', 'Hi']), /give 64 hex digits \(32 bytes\)/);
});

test('a sender that gives up mid-run: stopped early, the rest unconfirmed, exit 1', async ({ mock }) => {
  const { runSendHttp2 } = await import('../src/cli/h2-run.js');
  const key = mock.http2.addKey({ environment: 'production' });
  const args = tokenArgs(mock).map((arg) => (arg === mock.http2.defaultKey.path ? (key.path as string) : arg === mock.http2.defaultKey.keyId ? key.keyId : arg === mock.http2.defaultKey.teamId ? key.teamId : arg));
  const recipients = Array.from({ length: 40 }, (_, index) => ['--token', token(100 + index)]).flat();
  const parsed = await parseSendCommand([...args, ...recipients, '--alert', 'Hi'], {});
  if (parsed.help) throw new Error('unexpected --help');
  let stdout = '';
  let stderr = '';
  const io = { stdout: { write: (text: string) => (stdout += text) }, stderr: { write: (text: string) => (stderr += text) } };
  let stop: (() => void) | undefined;
  const code = await runSendHttp2(parsed, io, (control) => (stop = control.stop), { highWaterMark: 1 });
  assert.is(code, 1);
  assert.ok(stop);
  assert.match(stderr, /BadEnvironmentKeyIdInToken/);
  assert.match(stdout, /failed\s+1/);
});

test('bad credentials and usage: exit 2 before any connection', async ({ mock }) => {
  const before = mock.http2.stats().connections;
  const args = tokenArgs(mock);
  const badKey = args.map((arg) => (arg === mock.http2.defaultKey.path ? '/no/such/AuthKey.p8' : arg));
  const results = await Promise.all([
    runCli([...badKey, '--token', token(1), '--alert', 'Hi']),
    runCli([...args.filter((arg) => arg !== '--topic' && arg !== mock.certs.topic), '--token', token(1), '--alert', 'Hi']),
    runCli(['--http2', '--sandbox', '--token', token(1), '--alert', 'Hi']),
    runCli(['--sandbox', '--pfx', 'x.p12', '--topic', 'com.example', '--token', token(1), '--alert', 'Hi']),
    runCli([...args.filter((arg) => arg !== '--key-id' && arg !== mock.http2.defaultKey.keyId), '--token', token(1), '--alert', 'Hi']),
    runCli([...args, '--token', token(1), '--alert', 'Hi', '--transport', 'nghttp2']),
  ]);
  for (const result of results) assert.is(result.code, 2, result.stderr);
  assert.match(results[0]!.stderr, /no key file/);
  assert.match(results[1]!.stderr, /--topic/);
  assert.match(results[2]!.stderr, /--auth-key/);
  assert.match(results[3]!.stderr, /only work with --http2/);
  assert.match(results[4]!.stderr, /all three/);
  assert.match(results[5]!.stderr, /--transport must be direct or node-http2/);
  assert.is(mock.http2.stats().connections, before);
});

test('--sandbox and --production name the provider API hosts with --http2', async () => {
  const key = ['--auth-key', '/k.p8', '--key-id', 'ABCDEFGHIJ', '--team-id', 'ABCDEFGHIJ', '--topic', 'com.example.app', '--token', token(1), '--alert', 'x'];
  const sandbox = await parseSendCommand(['--http2', '--sandbox', ...key], {});
  const production = await parseSendCommand(['--http2', '--production', ...key], {});
  assert.ok(!sandbox.help && !production.help);
  if (sandbox.help || production.help) return;
  assert.equal(sandbox.address, { host: 'api.sandbox.push.apple.com', port: 443 });
  assert.equal(production.address, { host: 'api.push.apple.com', port: 443 });
  assert.equal(sandbox.http2?.token, { key: '/k.p8', keyId: 'ABCDEFGHIJ', teamId: 'ABCDEFGHIJ' });
});

test.run();
