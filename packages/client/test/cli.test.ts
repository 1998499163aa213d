// apns-send end to end: the built CLI as a child process against the mock gateway, over real TLS.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { createMockServer, type MockServer } from '@apnskit/mock-server';
import { TestCertificateAuthority } from '@apnskit/tls/testing';

const CLI = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'cli', 'apns-send.js');
/** Hang guard only: a run takes well under a second here. */
const RUN_TIMEOUT_MS = 60_000;
const WRONG_PASSPHRASE = 'Wr0ng-Passphrase-7f3a';

interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs apns-send asynchronously (the mock in this process must keep serving meanwhile). */
function runCli(args: readonly string[], env: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { ...process.env, APNS_PASSPHRASE: '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
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
  return index.toString(16).padStart(8, '0') + 'c0ffee42'.repeat(7);
}

function jsonLines(text: string): Array<Record<string, unknown>> {
  return text
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

let mock: MockServer;
let scratch: string;

function gatewayFlags(): string[] {
  return ['--gateway', `${mock.host}:${mock.gateway.port}`, '--ca', mock.certs.paths.ca];
}

function pemFlags(): string[] {
  return [...gatewayFlags(), '--cert', mock.certs.paths.clientCert, '--key', mock.certs.paths.clientKey];
}

const cli = suite('apns-send');

cli.before(async () => {
  mock = await createMockServer({ gatewayPort: 0, feedbackPort: 0 });
  scratch = mkdtempSync(join(tmpdir(), 'apns-send-test-'));
});

cli.after(async () => {
  await mock.close();
  rmSync(scratch, { recursive: true, force: true });
});

cli.before.each(() => {
  mock.reset();
});

cli('--help prints usage, every flag, examples and exit codes', async () => {
  const result = await runCli(['--help']);
  assert.is(result.code, 0);
  for (const text of ['Usage:', '--gateway HOST:PORT', '--sandbox', '--production', '--pfx FILE', '--cert FILE --key FILE', '--ca FILE', '--insecure', '--passphrase', 'APNS_PASSPHRASE', '--token HEX', '--tokens-file FILE', '--alert TEXT', '--badge N', '--sound NAME', '--payload JSON', '--priority 10|5', '--expiry SECONDS', '--format NAME', '--connections N', '--checkpoint-every N', '--max-retries N', '--silent-close NAME', '--json', 'Examples:', 'Exit codes:']) {
    assert.ok(result.stdout.includes(text), `help mentions ${text}`);
  }
  assert.is(result.stderr, '');
});

cli('sends an alert with badge and sound, prints a summary, exits 0', async () => {
  const result = await runCli([...pemFlags(), '--token', token(1), '--alert', 'Hello', '--badge', '3', '--sound', 'default', '--priority', '5', '--expiry', '3600']);
  assert.is(result.code, 0, result.stderr);
  assert.match(result.stdout, /Sent 1 notification to 127\.0\.0\.1:\d+ in/);
  assert.match(result.stdout, /delivered\s+1/);
  assert.match(result.stdout, /All delivered\./);
  const [recorded] = mock.notifications;
  assert.is(mock.notifications.length, 1);
  assert.is(recorded.token, token(1));
  assert.equal(recorded.payload, { aps: { alert: 'Hello', badge: 3, sound: 'default' } });
  assert.is(recorded.priority, 5);
  const expiry = recorded.expiry ?? 0;
  assert.ok(expiry > Date.now() / 1000 + 3500 && expiry < Date.now() / 1000 + 3700, `expiry ${expiry}`);
  assert.is(recorded.format, 'frame');
});

cli('a rejected token (status 8): a JSON line for it, the rest delivered, exit 1', async () => {
  mock.faults.add({ type: 'reject-token', token: token(2), status: 8 });
  const tokens = [1, 2, 3, 4].flatMap((index) => ['--token', token(index)]);
  const result = await runCli([...pemFlags(), ...tokens, '--payload', '{"aps":{"alert":"Hi"},"order":7}', '--json']);
  assert.is(result.code, 1, result.stderr);
  const lines = jsonLines(result.stdout);
  assert.equal(lines[0], { token: token(2), status: 8, name: 'invalid-token' });
  const totals = lines[1];
  assert.is(lines.length, 2);
  assert.equal(Object.keys(totals), ['sent', 'delivered', 'failed', 'unconfirmed', 'resent', 'elapsedMs']);
  assert.is(totals.sent, 4);
  assert.is(totals.delivered, 3);
  assert.is(totals.failed, 1);
  assert.is(totals.unconfirmed, 0);
  assert.is(typeof totals.elapsedMs, 'number');
  assert.equal(mock.notifications.map((notification) => notification.token).sort(), [token(1), token(3), token(4)]);
  assert.equal(mock.notifications[0].payload, { aps: { alert: 'Hi' }, order: 7 });
});

cli('a tokens file with thousands of tokens, blank lines and a malformed line', async () => {
  const count = 5000;
  const lines: string[] = [];
  for (let index = 0; index < count; index += 1) {
    lines.push(token(index));
    if (index === 99) lines.push('', 'not-a-token');
  }
  const path = join(scratch, 'tokens.txt');
  writeFileSync(path, lines.join('\r\n') + '\n');
  const result = await runCli([...pemFlags(), '--tokens-file', path, '--alert', 'Sale', '--connections', '2', '--json']);
  assert.is(result.code, 1, result.stderr);
  const output = jsonLines(result.stdout);
  assert.is(output.length, 2);
  assert.is(output[0].token, 'not-a-token');
  assert.is(output[0].status, null);
  assert.is(output[0].name, 'malformed-token');
  assert.is(output[0].line, 102);
  assert.match(String(output[0].reason), /hexadecimal/);
  assert.equal(output[1], { ...output[1], sent: count, delivered: count, failed: 1, unconfirmed: 0 });
  const recorded = new Set(mock.notifications.map((notification) => notification.token));
  assert.is(mock.notifications.length, count);
  assert.is(recorded.size, count);
  assert.ok(recorded.has(token(0)) && recorded.has(token(count - 1)));
});

cli('a clean tokens file in the enhanced format: exit 0', async () => {
  const path = join(scratch, 'clean.txt');
  writeFileSync(path, Array.from({ length: 3000 }, (_, index) => token(index)).join('\n'));
  const result = await runCli([...pemFlags(), '--tokens-file', path, '--alert', 'Hi', '--format', 'enhanced']);
  assert.is(result.code, 0, result.stderr);
  assert.match(result.stdout, /Sent 3,000 notifications/);
  assert.is(mock.notifications.length, 3000);
  assert.ok(mock.notifications.every((notification) => notification.format === 'enhanced'));
});

cli('usage errors: exit 2 with what to fix, nothing sent', async () => {
  const cases: Array<[string[], RegExp]> = [
    [[], /no server given/],
    [[...pemFlags(), '--token', token(1)], /--alert TEXT .* or --payload JSON/],
    [[...pemFlags(), '--token', token(1), '--alert', 'Hi', '--priority', '7'], /--priority must be 10 .* or 5/],
    [[...pemFlags(), '--token', 'abc', '--alert', 'Hi'], /is not a device token/],
    [[...pemFlags(), '--tokens-file', join(scratch, 'missing.txt'), '--alert', 'Hi'], /missing\.txt does not exist/],
    [[...gatewayFlags(), '--token', token(1), '--alert', 'Hi'], /no client certificate/],
  ];
  for (const [args, message] of cases) {
    const result = await runCli(args);
    assert.is(result.code, 2, `exit code for ${args.join(' ')}`);
    assert.match(result.stderr, message);
    assert.match(result.stderr, /Run "apns-send --help" for usage\./);
    assert.is(result.stdout, '');
  }
  assert.is(mock.stats().connections, 0);
});

cli('credential errors: exit 2 before connecting, the passphrase never printed', async () => {
  const missing = await runCli([...gatewayFlags(), '--cert', join(scratch, 'nope.pem'), '--key', mock.certs.paths.clientKey, '--token', token(1), '--alert', 'Hi']);
  assert.is(missing.code, 2);
  assert.match(missing.stderr, /not found: .*nope\.pem.*check the path \[APNS_ERR_TLS_FILE_NOT_FOUND\]/);

  const pfx = [...gatewayFlags(), '--pfx', mock.certs.paths.clientP12, '--token', token(1), '--alert', 'Hi'];
  for (const result of [await runCli([...pfx, '--passphrase', WRONG_PASSPHRASE]), await runCli(pfx, { APNS_PASSPHRASE: WRONG_PASSPHRASE })]) {
    assert.is(result.code, 2);
    assert.match(result.stderr, /wrong passphrase/);
    assert.not.ok(result.stderr.includes(WRONG_PASSPHRASE) || result.stdout.includes(WRONG_PASSPHRASE), 'passphrase printed');
  }

  const production = await runCli(['--production', '--cert', mock.certs.paths.clientCert, '--key', mock.certs.paths.clientKey, '--token', token(1), '--alert', 'Hi']);
  assert.is(production.code, 2);
  assert.match(production.stderr, /APNS_ERR_TLS_WRONG_ENVIRONMENT/);
  assert.is(mock.stats().connections, 0);
});

cli('a client certificate the gateway refuses: a clear error and exit 2 at the first attempt', async () => {
  const stranger = new TestCertificateAuthority('stranger CA').issueClient();
  writeFileSync(join(scratch, 'stranger-cert.pem'), stranger.cert);
  writeFileSync(join(scratch, 'stranger-key.pem'), stranger.key);
  const result = await runCli([...gatewayFlags(), '--cert', join(scratch, 'stranger-cert.pem'), '--key', join(scratch, 'stranger-key.pem'), '--token', token(1), '--alert', 'Hi']);
  assert.is(result.code, 2, result.stderr);
  assert.match(result.stderr, /connection 1 to .* failed: .*refused the client certificate.*; not retrying/);
  assert.not.match(result.stderr, 'connection 2');
  assert.not.match(result.stdout, /resent\s+[1-9]/);
  assert.is(mock.stats().tlsErrors, 1);
  assert.is(mock.acceptedCount, 0);
});

cli('an untrusted gateway certificate (no --ca): exit 2 at the first attempt, naming --ca', async () => {
  const result = await runCli(['--gateway', `${mock.host}:${mock.gateway.port}`, '--cert', mock.certs.paths.clientCert, '--key', mock.certs.paths.clientKey, '--token', token(1), '--alert', 'Hi']);
  assert.is(result.code, 2, result.stderr);
  assert.match(result.stderr, /does not verify .*--ca FILE.*not retrying/);
  assert.not.match(result.stderr, 'connection 2');
});

cli('a key pasted into --pfx or --tokens-file is never echoed; every --passphrase is redacted', async () => {
  const key = readFileSync(mock.certs.paths.clientKey, 'utf8');
  const secretLine = key.split('\n')[1]!;
  for (const flag of ['--pfx', '--tokens-file']) {
    const args = flag === '--pfx' ? [...gatewayFlags(), `--pfx=${key}`, '--token', token(1)] : [...pemFlags(), `--tokens-file=${key}`];
    const result = await runCli([...args, '--alert', 'Hi']);
    assert.is(result.code, 2, flag);
    assert.match(result.stderr, '<key material, not shown>');
    assert.not.match(result.stderr, 'PRIVATE KEY');
    assert.not.match(result.stderr, secretLine);
  }
  const decoy = await runCli([...gatewayFlags(), '--passphrase', 'decoy', '--passphrase', 'S3cr3t-value', '--pfx', 'S3cr3t-value', '--token', token(1), '--alert', 'Hi']);
  assert.is(decoy.code, 2);
  assert.not.match(decoy.stderr, 'S3cr3t-value');
  assert.match(decoy.stderr, '<redacted>');
});

cli('a 10 MB line in a tokens file is cut in the --json report', async () => {
  const path = join(scratch, 'long-line.txt');
  writeFileSync(path, `${token(1)}\n${'z'.repeat(10 * 1024 * 1024)}\n`);
  const result = await runCli([...pemFlags(), '--tokens-file', path, '--alert', 'Hi', '--json']);
  assert.is(result.code, 1, result.stderr);
  assert.ok(result.stdout.length < 2000, `${result.stdout.length} characters of output`);
  const [failure] = jsonLines(result.stdout);
  assert.is(failure!.name, 'malformed-token');
  assert.is(failure!.line, 2);
  assert.ok(String(failure!.token).length <= 200, 'the line is cut');
  assert.match(String(failure!.token), /^z+\.\.\./);
});

cli('a .p12 with its passphrase from APNS_PASSPHRASE sends', async () => {
  const result = await runCli([...gatewayFlags(), '--pfx', mock.certs.paths.clientP12, '--token', token(9), '--alert', 'Hi', '--json'], {
    APNS_PASSPHRASE: mock.certs.p12Passphrase,
  });
  assert.is(result.code, 0, result.stderr);
  assert.equal(jsonLines(result.stdout)[0], { ...jsonLines(result.stdout)[0], sent: 1, delivered: 1, failed: 0 });
  assert.is(mock.notifications[0].token, token(9));
});

cli('an unreachable gateway: the reason at once; Ctrl-C stops, a second Ctrl-C quits (130)', async () => {
  const child = spawn(process.execPath, [CLI, '--gateway', '127.0.0.1:1', ...pemFlags().slice(2), '--token', token(1), '--alert', 'Hi'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  const seen = (pattern: RegExp) =>
    new Promise<void>((resolve) => {
      const check = () => pattern.test(stderr) && resolve();
      child.stderr.on('data', check);
      check();
    });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const timer = setTimeout(() => child.kill('SIGKILL'), RUN_TIMEOUT_MS);
  const closed = once(child, 'close');
  await seen(/connection 1 to 127\.0\.0\.1:1 failed: .*retrying/);
  child.kill('SIGINT');
  await seen(/stopping: confirming what was sent \(Ctrl-C again to quit at once\)/);
  child.kill('SIGINT');
  const [code] = await closed;
  clearTimeout(timer);
  assert.is(code, 130);
});

cli('a reader that closes stdout early: the run stops quietly', async () => {
  const path = join(scratch, 'unreadable.txt');
  writeFileSync(path, Array.from({ length: 20_000 }, (_, index) => `line-${index}`).join('\n'));
  const child = spawn(process.execPath, [CLI, ...pemFlags(), '--tokens-file', path, '--alert', 'Hi', '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  child.stdout.once('data', () => child.stdout.destroy());
  const timer = setTimeout(() => child.kill('SIGKILL'), RUN_TIMEOUT_MS);
  const [code] = await once(child, 'close');
  clearTimeout(timer);
  assert.is(code, 1);
  assert.is(stderr, '');
});

cli.run();
