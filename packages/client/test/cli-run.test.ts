// apns-send's run loop in process: giving up on an unreachable gateway, and stopping early.
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { resolveCredentials } from '@apnskit/tls';
import { createMockServer, type MockServer } from '@apnskit/mock-server';
import { parseSendCommand, type SendCommand } from '../src/cli/options.js';
import { runSend, type RunControl } from '../src/cli/run.js';

class Capture {
  text = '';
  write(chunk: string): boolean {
    this.text += chunk;
    return true;
  }
}

function token(index: number): string {
  return index.toString(16).padStart(8, '0') + 'feedbeef'.repeat(7);
}

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  await once(server, 'close');
  return typeof address === 'object' && address ? address.port : 0;
}

let mock: MockServer;
let scratch: string;

async function command(port: number, recipients: string[]): Promise<SendCommand> {
  const paths = mock.certs.paths;
  const parsed = await parseSendCommand(
    ['--gateway', `127.0.0.1:${port}`, '--ca', paths.ca, '--cert', paths.clientCert, '--key', paths.clientKey, ...recipients, '--alert', 'Hi', '--json'],
    {},
  );
  if (parsed.help) throw new Error('unexpected --help');
  return parsed;
}

const run = suite('apns-send run');

run.before(async () => {
  mock = await createMockServer({ gatewayPort: 0, feedbackPort: 0 });
  scratch = mkdtempSync(join(tmpdir(), 'apns-send-run-'));
});

run.after(async () => {
  await mock.close();
  rmSync(scratch, { recursive: true, force: true });
});

run('an unreachable gateway: the reason at the first failure, then everything accepted is unconfirmed, exit 1', async () => {
  // More tokens than the sender's high-water mark, so that sending is still under way when it gives up.
  const path = join(scratch, 'many.txt');
  writeFileSync(path, Array.from({ length: 70_000 }, (_, index) => token(index)).join('\n'));
  const sendCommand = await command(await closedPort(), ['--tokens-file', path]);
  const stdout = new Capture();
  const stderr = new Capture();
  const code = await runSend(sendCommand, resolveCredentials(sendCommand.tls), { stdout, stderr }, undefined, {
    reconnectLimit: 1,
    backoff: { initialMs: 1, maxMs: 1 },
  });
  assert.is(code, 1);
  assert.match(stderr.text, /connection 1 to 127\.0\.0\.1:\d+ failed: .*; retrying\n/);
  assert.match(stderr.text, /could not connect to 127\.0\.0\.1:\d+ after 2 attempts/);
  assert.match(stderr.text, /stopped early \(see above\); the tokens not read yet were not sent/);
  assert.is(stderr.text.match(/could not connect/g)?.length, 1, 'the reason for stopping is given once');
  assert.is(stderr.text.match(/; retrying/g)?.length, 1, 'the reason is given once');
  const totals = JSON.parse(stdout.text.trim().split('\n').at(-1) as string) as Record<string, number>;
  assert.is(totals.delivered, 0);
  assert.is(totals.failed, 0);
  assert.ok(totals.sent > 0 && totals.sent < 70_000, `sent ${totals.sent}`);
  assert.is(totals.unconfirmed, totals.sent);
  const unconfirmedLines = stdout.text.trim().split('\n').slice(0, -1).map((line) => JSON.parse(line) as Record<string, unknown>);
  assert.is(unconfirmedLines.length, totals.unconfirmed, 'one line per unconfirmed notification');
  assert.ok(unconfirmedLines.every((line) => line.unconfirmed === true && line.reason === 'connect-failed' && /^[0-9a-f]{64}$/.test(String(line.token))));
});

run('--json lists each unconfirmed notification next to the failed ones; the reliability flags reach the sender', async () => {
  const path = join(scratch, 'doubt.txt');
  const list = Array.from({ length: 3000 }, (_, index) => token(0x10000 + index));
  writeFileSync(path, list.join('\n'));
  mock.reset();
  mock.faults.add({ type: 'reject-token', token: list[10]!, status: 8 });
  mock.faults.add({ type: 'close-after', n: 1500 });
  const sendCommand = await command(mock.gateway.port, ['--tokens-file', path, '--silent-close', 'unconfirmed', '--checkpoint-every', '0', '--max-retries', '2']);
  assert.equal(sendCommand.reliability, { checkpointEvery: 0, maxRetries: 2, silentClose: 'unconfirmed' });
  const stdout = new Capture();
  const code = await runSend(sendCommand, resolveCredentials(sendCommand.tls), { stdout, stderr: new Capture() });
  assert.is(code, 1);
  const lines = stdout.text.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
  const totals = lines.pop() as Record<string, number>;
  const unconfirmed = lines.filter((line) => line.unconfirmed === true);
  const failed = lines.filter((line) => line.status !== undefined);
  assert.equal(failed, [{ token: list[10], status: 8, name: 'invalid-token' }]);
  assert.ok(unconfirmed.length > 0, 'the silent close left some unconfirmed');
  assert.is(unconfirmed.length, totals.unconfirmed, "the summary's unconfirmed counts the lines");
  assert.ok(unconfirmed.every((line) => line.reason === 'silent-close' && list.includes(String(line.token))));
  assert.is(unconfirmed.length + failed.length, lines.length);
  assert.is(totals.delivered + totals.failed + totals.unconfirmed, 3000);
  mock.reset();
});

run('stop() ends reading: what was accepted is confirmed, the rest never sent', async () => {
  const path = join(scratch, 'few.txt');
  writeFileSync(path, Array.from({ length: 100 }, (_, index) => token(index)).join('\n'));
  const sendCommand = await command(mock.gateway.port, ['--tokens-file', path]);
  const stdout = new Capture();
  let control: RunControl | undefined;
  const code = await runSend(sendCommand, resolveCredentials(sendCommand.tls), { stdout, stderr: new Capture() }, (given) => {
    control = given;
    given.stop();
  });
  assert.ok(control);
  assert.is(code, 0);
  const totals = JSON.parse(stdout.text.trim()) as Record<string, number>;
  assert.equal({ sent: totals.sent, delivered: totals.delivered, failed: totals.failed }, { sent: 0, delivered: 0, failed: 0 });
  assert.is(mock.notifications.length, 0);
});

run.run();
