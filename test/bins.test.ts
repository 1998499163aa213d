// Every command-line tool as shipped: the file each package.json's "bin" names. The bundles
// (scripts/bundle.mjs) must do what tsc's output does, what they load lazily included: the HTTP/2
// path with jose (a chunk of the bundle), node-forge for a .p12 (found from @apnskit/tls).
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createMockServer, type MockServer } from '@apnskit/mock-server';
import { repositoryRoot } from './helpers/paths.js';

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** The path a package's package.json gives for its tool. */
function binOf(pkg: string, tool: string): string {
  const manifest = JSON.parse(readFileSync(join(repositoryRoot, 'packages', pkg, 'package.json'), 'utf8')) as { bin: Record<string, string> };
  return join(repositoryRoot, 'packages', pkg, manifest.bin[tool]!);
}

function run(file: string, args: readonly string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [file, ...args], { env: { ...process.env, APNS_PASSPHRASE: '', ...env }, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
    });
  });
}

const token = (index: number): string => index.toString(16).padStart(64, '0');
const lastJson = (text: string): Record<string, unknown> => JSON.parse(text.trim().split('\n').at(-1) ?? '{}') as Record<string, unknown>;

const bins = suite<{ mock: MockServer; scratch: string }>('shipped command-line tools');

bins.before(async (context) => {
  context.mock = await createMockServer({ gatewayPort: 0, feedbackPort: 0, http2Port: 0, p12Passphrase: 'Bins-Test-P12-Secret' });
  context.scratch = mkdtempSync(join(tmpdir(), 'apnskit-bins-'));
});

bins.after(async ({ mock, scratch }) => {
  await mock.close();
  rmSync(scratch, { recursive: true, force: true });
});

bins('each bin named in a package.json exists and starts with #! (npm links and marks it executable)', () => {
  for (const [pkg, tool] of [['client', 'apns-send'], ['feedback', 'apns-feedback'], ['mock-server', 'apns-mock']] as const) {
    assert.match(readFileSync(binOf(pkg, tool), 'utf8'), /^#!\/usr\/bin\/env node\n/, `${tool} starts with #!`);
  }
});

bins('apns-send: a tokens file with PEM credentials, then a .p12 (node-forge), over the binary gateway', async ({ mock, scratch }) => {
  const tokens = join(scratch, 'tokens.txt');
  writeFileSync(tokens, `${token(1)}\n${token(2)}\nnot-a-token\n`);
  const gateway = ['--gateway', `${mock.host}:${mock.gateway.port}`, '--ca', mock.certs.paths.ca];
  const pem = await run(binOf('client', 'apns-send'), [...gateway, '--cert', mock.certs.paths.clientCert, '--key', mock.certs.paths.clientKey, '--tokens-file', tokens, '--alert', 'Hi', '--json']);
  assert.is(pem.code, 1, pem.stderr);
  assert.equal(lastJson(pem.stdout), { ...lastJson(pem.stdout), sent: 2, delivered: 2, failed: 1, unconfirmed: 0 });
  const p12 = await run(binOf('client', 'apns-send'), [...gateway, '--pfx', mock.certs.paths.clientP12, '--token', token(3), '--alert', 'Hi', '--json'], { APNS_PASSPHRASE: mock.certs.p12Passphrase });
  assert.is(p12.code, 0, p12.stderr);
  assert.equal(mock.notifications.map((notification) => notification.token), [token(1), token(2), token(3)]);
});

bins('apns-send --http2 with a provider token (the lazily loaded HTTP/2 path and jose)', async ({ mock }) => {
  const key = mock.http2.defaultKey;
  const result = await run(binOf('client', 'apns-send'), [
    '--http2', '--gateway', `127.0.0.1:${mock.http2.port}`, '--ca', mock.certs.paths.ca,
    '--auth-key', key.path as string, '--key-id', key.keyId, '--team-id', key.teamId, '--topic', mock.certs.topic,
    '--token', token(4), '--alert', 'Hi', '--json',
  ]);
  assert.is(result.code, 0, result.stderr);
  assert.equal(lastJson(result.stdout), { ...lastJson(result.stdout), sent: 1, delivered: 1 });
});

bins('apns-feedback reads the feedback service', async ({ mock }) => {
  mock.addFeedback([{ token: token(5), timestamp: 1_700_000_000 }]);
  const feedback = await run(binOf('feedback', 'apns-feedback'), ['--address', `${mock.host}:${mock.feedback.port}`, '--cert', mock.certs.paths.clientCert, '--key', mock.certs.paths.clientKey, '--ca', mock.certs.paths.ca, '--json']);
  assert.is(feedback.code, 0, feedback.stderr);
  assert.is(JSON.parse(feedback.stdout.trim()).token, token(5));
});

bins('apns-mock starts, takes a send from apns-send over HTTP/2 and the binary gateway, and stops on SIGTERM', async ({ scratch }) => {
  const child = spawn(process.execPath, [binOf('mock-server', 'apns-mock'), '--gateway-port', '0', '--feedback-port', '0', '--http2-port', '0', '--certs-dir', join(scratch, 'certs')], { stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
    const nextLine = async (): Promise<Record<string, string | number>> => {
      const line = await lines.next();
      if (line.done) throw new Error('apns-mock ended its output early');
      return JSON.parse(line.value) as Record<string, string | number>;
    };
    const ready = await nextLine();
    assert.is(ready.event, 'ready');
    const send = (args: string[]): Promise<Run> => run(binOf('client', 'apns-send'), [...args, '--ca', String(ready.ca), '--token', token(6), '--alert', 'Hi', '--json']);
    const binary = await send(['--gateway', `${ready.host}:${ready.gatewayPort}`, '--cert', String(ready.clientCert), '--key', String(ready.clientKey)]);
    assert.is(binary.code, 0, binary.stderr);
    const http2 = await send(['--http2', '--gateway', `${ready.host}:${ready.http2Port}`, '--auth-key', String(ready.authKey), '--key-id', String(ready.keyId), '--team-id', String(ready.teamId), '--topic', String(ready.topic)]);
    assert.is(http2.code, 0, http2.stderr);
    child.kill('SIGTERM');
    // Events of the connections above come first (one JSON line each), then the closing summary.
    let event = await nextLine();
    while (event.event !== 'closed') event = await nextLine();
    const [code] = (await once(child, 'exit')) as [number | null];
    assert.is(code, 0);
  } finally {
    child.kill('SIGKILL');
  }
});

bins.run();
