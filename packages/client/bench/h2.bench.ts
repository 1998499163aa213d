// HTTP/2 provider API: notifications per second and CPU per notification, token auth, against a
// gateway in its own process written apart from any client (h2-gateway.ts). Contenders, each in its own
// process, in the same run: apns-send --http2 as a whole process (CPU from /usr/bin/time,
// start-up included), the HTTP/2 sender in-process (CPU of the sending) on its default direct
// transport and on node:http2 (the reference), @parse/node-apn 8.1.0 and a bare node:http2 loop
// with 500 streams in flight. Every run is checked first: the gateway must
// hold exactly the notifications sent, once each. Then memory for 1,000,000 queued notifications.
//
//   node packages/client/bench/dist/h2.bench.js [--count 50000] [--runs 3]
import { fork, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { GatewayCount, GatewayReady, GatewayRequest } from './h2-gateway.js';
import type { RunnerKind, RunnerResult } from './h2-runner.js';
import { h2BenchToken } from './h2-runner-tokens.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const CLI = join(HERE, '..', '..', 'dist', 'bin', 'apns-send.js');
const { values } = parseArgs({ options: { count: { type: 'string', default: '50000' }, runs: { type: 'string', default: '3' }, memory: { type: 'string', default: '1000000' } } });
const count = Number(values.count);
const runs = Number(values.runs);
const memoryCount = Number(values.memory);

type Contender = 'apns-send --http2' | 'library in-process' | 'library, node:http2 transport' | '@parse/node-apn 8.1.0' | 'bare node:http2, 500 in flight';
interface Measured {
  readonly elapsedMs: number;
  /** CPU per notification, microseconds: the whole process for apns-send, the sending otherwise. */
  readonly cpuUs: number;
}

const gateway = fork(join(HERE, 'h2-gateway.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
const ready = (await once(gateway, 'message'))[0] as GatewayReady;
function ask<T>(request: GatewayRequest): Promise<T> {
  const answer = once(gateway, 'message').then(([message]) => message as T);
  gateway.send(request);
  return answer;
}

function runProcess(command: string, args: readonly string[]): Promise<{ stdout: string; stderr: string; code: number | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ stdout, stderr, code }));
  });
}

async function checkGateway(sent: number, contender: string): Promise<void> {
  const held = await ask<GatewayCount>({ type: 'count' });
  if (held.accepted !== sent || held.distinct !== sent) throw new Error(`${contender}: the gateway holds ${held.accepted} (${held.distinct} distinct), expected ${sent}`);
}

const scratch = mkdtempSync(join(tmpdir(), 'apnskit-h2-bench-'));
async function apnsSend(tag: number, n: number): Promise<Measured> {
  const file = join(scratch, `tokens-${tag}.txt`);
  writeFileSync(file, Array.from({ length: n }, (_, index) => h2BenchToken(tag, index)).join('\n') + '\n');
  const args = ['--http2', '--gateway', `${ready.host}:${ready.port}`, '--ca', ready.caPath, '--auth-key', ready.keyPath, '--key-id', ready.keyId, '--team-id', ready.teamId, '--topic', ready.topic];
  const result = await runProcess('/usr/bin/time', ['-f', 'TIME %e %U %S', process.execPath, CLI, ...args, '--tokens-file', file, '--alert', 'Your order #48213 has shipped and arrives tomorrow', '--push-type', 'alert', '--json']);
  const times = /TIME (\S+) (\S+) (\S+)/.exec(result.stderr);
  if (result.code !== 0 || !times) throw new Error(`apns-send failed (${result.code}): ${result.stderr}${result.stdout}`);
  const [, elapsed, user, system] = times.map(Number) as [number, number, number, number];
  return { elapsedMs: elapsed * 1000, cpuUs: ((user + system) * 1e6) / n };
}

async function runner(kind: RunnerKind, tag: number, n: number): Promise<Measured> {
  const result = await runProcess(process.execPath, [join(HERE, 'h2-runner.js'), kind, String(n), String(tag), JSON.stringify(ready)]);
  if (result.code !== 0) throw new Error(`${kind} failed (${result.code}): ${result.stderr}`);
  const measured = JSON.parse(result.stdout.trim().split('\n').pop() as string) as RunnerResult;
  if (measured.delivered !== n || measured.failed !== 0) throw new Error(`${kind}: delivered ${measured.delivered}, failed ${measured.failed} of ${n}`);
  return { elapsedMs: measured.elapsedMs, cpuUs: (measured.cpuMs * 1000) / n };
}

const contenders: readonly [Contender, (tag: number, n: number) => Promise<Measured>][] = [
  ['apns-send --http2', apnsSend],
  ['library in-process', (tag, n) => runner('library', tag, n)],
  ['library, node:http2 transport', (tag, n) => runner('library-node-http2', tag, n)],
  ['@parse/node-apn 8.1.0', (tag, n) => runner('node-apn', tag, n)],
  ['bare node:http2, 500 in flight', (tag, n) => runner('bare', tag, n)],
];

const results = new Map<Contender, Measured[]>();
try {
  console.log(`HTTP/2 gateway (h2-gateway.js, own process) at ${ready.host}:${ready.port}; token auth; ${count} notifications per run, ${runs} runs`);
  let tag = 1;
  for (let round = 0; round <= runs; round += 1) {
    // Round 0 checks every contender on a small batch and is not counted.
    const n = round === 0 ? 2000 : count;
    for (const [name, run] of contenders) {
      await ask({ type: 'reset' });
      const measured = await run(tag++, n);
      await checkGateway(n, name);
      if (round > 0) results.set(name, [...(results.get(name) ?? []), measured]);
    }
  }
  const median = (list: number[]): number => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)]!;
  const table = [...results].map(([name, list]) => ({ name, rate: median(list.map((m) => (count * 1000) / m.elapsedMs)), cpuUs: median(list.map((m) => m.cpuUs)) }));
  const peer = table.find((row) => row.name === '@parse/node-apn 8.1.0')!;
  console.log(`\n${'contender'.padEnd(32)}${'notifications/s'.padStart(16)}${'CPU us/notif.'.padStart(15)}${'vs node-apn rate'.padStart(18)}${'CPU vs node-apn'.padStart(17)}`);
  for (const row of table) {
    console.log(`${row.name.padEnd(32)}${Math.round(row.rate).toLocaleString('en-US').padStart(16)}${row.cpuUs.toFixed(1).padStart(15)}${(row.rate / peer.rate).toFixed(2).padStart(17)}x${(row.cpuUs / peer.cpuUs).toFixed(2).padStart(16)}x`);
  }
  console.log('(medians; CPU: apns-send whole process incl. start-up, the others the sending alone in their own process)');

  const memory = await runProcess(process.execPath, ['--expose-gc', join(HERE, 'h2-memory.js'), String(memoryCount)]);
  const held = JSON.parse(memory.stdout.trim()) as { count: number; queued: number; heapBytes: number; externalBytes: number };
  console.log(
    `\nmemory: ${held.queued.toLocaleString('en-US')} notifications queued: heap +${(held.heapBytes / 2 ** 20).toFixed(0)} MiB, buffers +${(held.externalBytes / 2 ** 20).toFixed(0)} MiB ` +
      `(${Math.round((held.heapBytes + held.externalBytes) / held.count)} bytes each)`,
  );
} finally {
  gateway.send({ type: 'stop' } satisfies GatewayRequest);
  rmSync(scratch, { recursive: true, force: true });
}
