import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { connect } from 'node:tls';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { errorPacket, frames, tokenFor, transcript } from './helpers.js';

const CLI = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'cli', 'apns-mock.js');
const dir = mkdtempSync(join(tmpdir(), 'apnskit-cli-test-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

interface Run {
  readonly child: ChildProcessWithoutNullStreams;
  readonly lines: Array<Record<string, unknown>>;
  next(predicate: (line: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>;
  exit: Promise<number | null>;
  stderr(): string;
}

function start(args: string[]): Run {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  const lines: Array<Record<string, unknown>> = [];
  const waiting: Array<{ predicate: (line: Record<string, unknown>) => boolean; resolve: (line: Record<string, unknown>) => void }> = [];
  let errors = '';
  child.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
  createInterface({ input: child.stdout }).on('line', (text) => {
    let line: Record<string, unknown>;
    try {
      line = JSON.parse(text) as Record<string, unknown>;
    } catch {
      line = { text };
    }
    lines.push(line);
    for (const waiter of [...waiting]) {
      if (waiter.predicate(line)) {
        waiting.splice(waiting.indexOf(waiter), 1);
        waiter.resolve(line);
      }
    }
  });
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    lines,
    exit,
    stderr: () => errors,
    next: (predicate) => {
      const found = lines.find(predicate);
      return found ? Promise.resolve(found) : new Promise((resolve) => waiting.push({ predicate, resolve }));
    },
  };
}

test('prints one ready line with ports and certificate paths, logs connections and rejections, closes on SIGTERM', async () => {
  const script = join(dir, 'script.json');
  writeFileSync(script, JSON.stringify({ faults: [{ type: 'reject-token', token: tokenFor(2), status: 8 }] }));
  const run = start(['--gateway-port', '0', '--feedback-port', '0', '--control-port', '0', '--certs-dir', join(dir, 'certs'), '--script', script, '--seed', '5']);
  const ready = await run.next((line) => line.event === 'ready');
  assert.is(run.lines[0], ready, 'the ready line comes first');
  for (const key of ['gatewayPort', 'feedbackPort', 'controlPort']) assert.ok((ready[key] as number) > 0, key);
  for (const key of ['ca', 'clientCert', 'clientKey', 'clientP12']) assert.match(String(ready[key]), new RegExp(`^${join(dir, 'certs')}`));
  const socket = connect({
    host: '127.0.0.1',
    port: ready.gatewayPort as number,
    ca: readFileSync(ready.ca as string),
    pfx: readFileSync(ready.clientP12 as string),
    passphrase: ready.p12Passphrase as string,
  });
  const done = transcript(socket);
  socket.once('secureConnect', () => socket.write(frames(1, 3)));
  assert.equal((await done).data, errorPacket(8, 2));
  const connection = await run.next((line) => line.event === 'connection');
  assert.is(connection.service, 'gateway');
  assert.is(connection.topic, 'com.example.app');
  const rejection = await run.next((line) => line.event === 'rejection');
  assert.equal([rejection.token, rejection.id, rejection.status], [tokenFor(2), 2, 8]);
  const stats = (await (await fetch(`http://127.0.0.1:${ready.controlPort as number}/stats`)).json()) as { accepted: number };
  assert.is(stats.accepted, 1);
  run.child.kill('SIGTERM');
  assert.is(await run.exit, 0);
  const closed = run.lines.at(-1)!;
  assert.is(closed.event, 'closed');
  assert.not.match(run.stderr(), /./);
});

test('--help shows the flags and examples; bad flags exit 2 with what to fix', async () => {
  const help = start(['--help']);
  assert.is(await help.exit, 0);
  await new Promise((resolve) => setImmediate(resolve));
  const text = help.lines.map((line) => String(line.text)).join('\n');
  for (const flag of ['--gateway-port', '--feedback-port', '--control-port', '--certs-dir', '--topic', '--script', '--seed', 'Examples:']) {
    assert.ok(text.includes(flag), flag);
  }
  for (const run of [start(['--gateway-port', 'x']), start(['--environment', 'staging']), start(['--nope']), start(['--seed', '1.5'])]) {
    assert.is(await run.exit, 2);
    assert.match(run.stderr(), /apns-mock: .+\nRun apns-mock --help/);
  }
  const script = start(['--gateway-port', '0', '--feedback-port', '0', '--script', join(dir, 'missing.json')]);
  assert.is(await script.exit, 2);
  assert.match(script.stderr(), /script .*missing\.json/);
});

test('--certs-dir /proc/certs and --script /dev/zero fail at once with what to fix; the control token is not echoed', async () => {
  const proc = start(['--gateway-port', '0', '--feedback-port', '0', '--certs-dir', '/proc/certs']);
  assert.is(await proc.exit, 1);
  assert.match(proc.stderr(), /cannot create the directory \/proc\/certs/);
  const zero = start(['--gateway-port', '0', '--feedback-port', '0', '--certs-dir', join(dir, 'certs'), '--script', '/dev/zero']);
  assert.is(await zero.exit, 2);
  assert.match(zero.stderr(), /script \/dev\/zero: cannot be read: it is not a regular file/);
  const token = 'short-secret';
  const bad = start(['--control-port', '0', '--control-token', token]);
  assert.is(await bad.exit, 2);
  assert.match(bad.stderr(), /controlToken must be 16 to 512/);
  assert.not.match(bad.stderr(), token);
});

test.run();
