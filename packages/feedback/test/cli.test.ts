import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFile, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createServer, type AddressInfo } from 'node:net';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMockServer, type MockServer } from '@apnskit/mock-server';
import { TestCertificateAuthority } from '@apnskit/tls/testing';

const CLI = fileURLToPath(new URL('../src/cli/apns-feedback.js', import.meta.url));
const TIMESTAMP = 1_700_000_000;
const token = (index: number): string => index.toString(16).padStart(64, '0');
let mock: MockServer;
/** Every output of every run, searched for secrets at the end. */
const outputs: string[] = [];

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function run(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      { env: { ...process.env, APNS_PASSPHRASE: '', ...env }, timeout: 30_000, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        outputs.push(stdout, stderr);
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

function server(): string {
  return `${mock.host}:${mock.feedback.port}`;
}

function pem(): string[] {
  return ['--cert', mock.certs.paths.clientCert, '--key', mock.certs.paths.clientKey, '--ca', mock.certs.paths.ca];
}

test.before(async () => {
  mock = await createMockServer({ p12Passphrase: 'Cli-Test-P12-Secret' });
});
test.after(async () => {
  await mock.close();
});
test.before.each(() => {
  mock.reset();
  mock.configureFeedback({ chunkSize: 0, holdOpen: false });
});

test('--help: usage with examples, exit 0', async () => {
  const result = await run(['--help']);
  assert.is(result.code, 0);
  assert.match(result.stdout, 'Usage:');
  assert.match(result.stdout, '--address HOST:PORT');
  assert.match(result.stdout, '--timeout MS');
  assert.match(result.stdout, 'APNS_PASSPHRASE');
  assert.match(result.stdout, /Examples:\n  APNS_PASSPHRASE=secret apns-feedback --sandbox --pfx push-dev.p12/);
});

test('--json: one JSON line per tuple, exit 0', async () => {
  mock.addFeedback([0, 1, 2].map((i) => ({ token: token(i), timestamp: TIMESTAMP + i })));
  const result = await run(['--address', server(), ...pem(), '--json']);
  assert.is(result.code, 0, result.stderr);
  const lines = result.stdout.trimEnd().split('\n');
  assert.equal(
    lines,
    [0, 1, 2].map((i) => `{"token":"${token(i)}","timestamp":"${new Date((TIMESTAMP + i) * 1000).toISOString()}","time":${TIMESTAMP + i}}`),
  );
  assert.equal(JSON.parse(lines[0]), { token: token(0), timestamp: '2023-11-14T22:13:20.000Z', time: TIMESTAMP });
  assert.is(result.stderr, '');
});

test('text: token and ISO time per line, a count on stderr; an empty list is a clean read', async () => {
  mock.addFeedback([{ token: token(9), timestamp: TIMESTAMP }]);
  const result = await run(['--gateway', server(), ...pem()]);
  assert.is(result.code, 0, result.stderr);
  assert.is(result.stdout, `${token(9)} 2023-11-14T22:13:20.000Z\n`);
  assert.match(result.stderr, `1 tokens read from ${server()}`);
  const empty = await run(['--address', server(), ...pem()]);
  assert.is(empty.code, 0);
  assert.is(empty.stdout, '');
});

test('--pfx with the passphrase from --passphrase or APNS_PASSPHRASE; the passphrase is never printed', async () => {
  mock.addFeedback([{ token: token(1), timestamp: TIMESTAMP }]);
  const pfx = ['--address', server(), '--pfx', mock.certs.paths.clientP12, '--ca', mock.certs.paths.ca, '--json'];
  const fromFlag = await run([...pfx, '--passphrase', mock.certs.p12Passphrase]);
  assert.is(fromFlag.code, 0, fromFlag.stderr);
  assert.is(fromFlag.stdout.split('\n').length, 2);
  mock.addFeedback([{ token: token(2), timestamp: TIMESTAMP }]);
  const fromEnv = await run(pfx, { APNS_PASSPHRASE: mock.certs.p12Passphrase });
  assert.is(fromEnv.code, 0, fromEnv.stderr);
  assert.match(fromEnv.stdout, token(2));
  const wrong = await run([...pfx, '--passphrase', 'Wr0ng-Passphrase-On-The-Command-Line']);
  assert.is(wrong.code, 2);
  assert.match(wrong.stderr, 'APNS_ERR_TLS_BAD_PASSPHRASE');
  const missing = await run(pfx);
  assert.is(missing.code, 2);
  assert.match(missing.stderr, 'APNS_ERR_TLS_PASSPHRASE_REQUIRED');
});

test('--timeout ends a read from a server that holds the connection open', async () => {
  mock.configureFeedback({ holdOpen: true });
  mock.addFeedback([{ token: token(3), timestamp: TIMESTAMP }]);
  const result = await run(['--address', server(), ...pem(), '--timeout', '200', '--json']);
  assert.is(result.code, 0, result.stderr);
  assert.match(result.stdout, token(3));
});

test('usage and credential errors: exit 2 with what to fix', async () => {
  const cases: Array<[string[], RegExp]> = [
    [[], /no server given: add --sandbox, --production or --address HOST:PORT/],
    [['--address', server()], /no client certificate: add --pfx FILE/],
    [['--address', server(), ...pem(), '--timeout', 'soon'], /--timeout must be a whole number/],
    [['--address', server(), '--pfx', '/nonexistent/push.p12'], /pfx file not found: \/nonexistent\/push.p12/],
    [['--address', server(), '--bogus'], /Unknown option '--bogus'[\s\S]*Run "apns-feedback --help" for usage/],
    [['--address', server(), ...pem(), '--passphrase', 'echoed-secret', '--timeout', 'echoed-secret'], /--timeout must be a whole number from 1 to 2147483647, got "<redacted>"/],
    [['--sandbox', '--cert', mock.certs.paths.productionCert, '--key', mock.certs.paths.productionKey], /APNS_ERR_TLS_WRONG_ENVIRONMENT/],
  ];
  for (const [args, message] of cases) {
    const result = await run(args);
    assert.is(result.code, 2, args.join(' '));
    assert.match(result.stderr, message);
    assert.is(result.stdout, '');
  }
});

test('a connection failure: exit 1 with the reason', async () => {
  const probe = createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  const refused = await run(['--address', `127.0.0.1:${port}`, ...pem()]);
  assert.is(refused.code, 1);
  assert.match(refused.stderr, 'connection refused');
});

test('an untrusted server certificate (no --ca): exit 2 at once, with what to add', async () => {
  const unverified = await run(['--address', server(), '--cert', mock.certs.paths.clientCert, '--key', mock.certs.paths.clientKey]);
  assert.is(unverified.code, 2);
  assert.match(unverified.stderr, /does not verify[\s\S]*--ca FILE/);
});

test('a client certificate of another CA with a tuple queued: exit 2 and a clear error, not "0 tokens read"', async () => {
  mock.addFeedback([{ token: token(9), timestamp: TIMESTAMP }]);
  const stranger = new TestCertificateAuthority('stranger CA').issueClient();
  const dir = mkdtempSync(join(tmpdir(), 'apns-feedback-stranger-'));
  try {
    writeFileSync(join(dir, 'cert.pem'), stranger.cert);
    writeFileSync(join(dir, 'key.pem'), stranger.key);
    const result = await run(['--address', server(), '--cert', join(dir, 'cert.pem'), '--key', join(dir, 'key.pem'), '--ca', mock.certs.paths.ca]);
    assert.is(result.code, 2);
    assert.match(result.stderr, /TLS handshake with .* failed/);
    assert.not.match(result.stderr, 'tokens read');
    assert.is(result.stdout, '');
    assert.is(mock.pendingFeedback().length, 1, 'the list is still there for the right certificate');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a key pasted into --pfx is never echoed; every --passphrase is redacted', async () => {
  const key = readFileSync(mock.certs.paths.clientKey, 'utf8');
  const pasted = await run(['--address', server(), `--pfx=${key}`]);
  assert.is(pasted.code, 2);
  assert.match(pasted.stderr, 'pfx file not found: <key material, not shown>');
  assert.not.match(pasted.stderr, 'PRIVATE KEY');
  assert.not.match(pasted.stderr, key.split('\n')[1]!);
  const decoy = await run(['--address', server(), '--passphrase', 'decoy', '--passphrase', 'S3cr3t-value', '--pfx', 'S3cr3t-value']);
  assert.is(decoy.code, 2);
  assert.not.match(decoy.stderr, 'S3cr3t-value');
  assert.match(decoy.stderr, '<redacted>');
});

test('--insecure connects without the CA', async () => {
  mock.addFeedback([{ token: token(5), timestamp: TIMESTAMP }]);
  const result = await run(['--address', server(), '--cert', mock.certs.paths.clientCert, '--key', mock.certs.paths.clientKey, '--insecure']);
  assert.is(result.code, 0, result.stderr);
  assert.match(result.stdout, token(5));
});

test('a long list streams out in full; a reader that closes stdout early ends the run quietly', async () => {
  const count = 50_000;
  mock.addFeedback(Array.from({ length: count }, (_, i) => ({ token: token(i), timestamp: TIMESTAMP })));
  const result = await run(['--address', server(), ...pem(), '--json']);
  assert.is(result.code, 0, result.stderr);
  const lines = result.stdout.trimEnd().split('\n');
  assert.is(lines.length, count);
  assert.is(JSON.parse(lines[count - 1]).token, token(count - 1));

  mock.addFeedback(Array.from({ length: count }, (_, i) => ({ token: token(i), timestamp: TIMESTAMP })));
  const child = spawn(process.execPath, [CLI, '--address', server(), ...pem()], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  await once(child.stdout, 'data');
  child.stdout.destroy();
  const [code] = (await once(child, 'close')) as [number];
  outputs.push(stderr);
  assert.is(code, 0, stderr);
});

test('no passphrase appears in any output of this suite', () => {
  const all = outputs.join('\n');
  assert.ok(outputs.length > 10);
  assert.not.match(all, mock.certs.p12Passphrase);
  assert.not.match(all, 'Wr0ng-Passphrase-On-The-Command-Line');
  assert.not.match(all, 'echoed-secret');
  assert.not.match(all, 'PRIVATE KEY');
});

test.run();
