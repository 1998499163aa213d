/*
 * How fast the mock accepts notifications on one connection, beside a plain TLS sink that only
 * counts bytes (same certificates, same writer, same run). Run: pnpm --filter @apnskit/mock-server-bench bench
 */
import { createServer, type Server } from 'node:tls';
import { Worker } from 'node:worker_threads';
import { encodeNotification } from '@apnskit/codec';
import { createMockServer, type MockServer } from '@apnskit/mock-server';
import type { WriterJob } from './writer.js';

const FRAMES_PER_BATCH = 10_000;
const BATCHES = Number(process.env.BATCHES ?? 100);
const TOTAL = FRAMES_PER_BATCH * BATCHES;
const ROUNDS = Number(process.env.ROUNDS ?? 3);

/** ~150-byte frames with distinct tokens and identifiers. */
function encodeBatch(): Buffer {
  const frames: Buffer[] = [];
  for (let index = 0; index < FRAMES_PER_BATCH; index++) {
    const token = (index + 1).toString(16).padStart(64, '0');
    const payload = { aps: { alert: `Notification number ${String(index).padStart(8, '0')} for you`, badge: 1, sound: 'default' } };
    frames.push(encodeNotification({ token, payload, id: index + 1, expiry: 0, priority: 10 }, 'frame'));
  }
  return Buffer.concat(frames);
}

interface Target {
  readonly name: string;
  readonly port: number;
  /** Resolves once everything written has arrived. */
  arrived(): Promise<void>;
  reset(): void;
}

function mockTarget(mock: MockServer): Target {
  return {
    name: 'mock server (decode + record)',
    port: mock.gateway.port,
    arrived: async () => {
      await mock.waitForNotifications(TOTAL, { timeoutMs: 120_000 });
    },
    reset: () => mock.reset(),
  };
}

function sinkTarget(sink: Server, expectedBytes: number): Target {
  let received = 0;
  let waiter: (() => void) | undefined;
  sink.on('secureConnection', (socket) => {
    socket.on('error', () => undefined);
    socket.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received >= expectedBytes && waiter) waiter();
    });
  });
  const address = sink.address();
  return {
    name: 'plain TLS sink (count bytes)',
    port: typeof address === 'object' && address ? address.port : 0,
    arrived: () => (received >= expectedBytes ? Promise.resolve() : new Promise<void>((resolve) => (waiter = resolve))),
    reset: () => {
      received = 0;
      waiter = undefined;
    },
  };
}

async function measure(target: Target, mock: MockServer, batch: Buffer): Promise<number> {
  target.reset();
  const job: WriterJob = { port: target.port, ca: mock.certs.ca, cert: mock.certs.clientCert, key: mock.certs.clientKey, batch, batches: BATCHES };
  const worker = new Worker(new URL('./writer.js', import.meta.url), { workerData: job });
  const next = (): Promise<{ kind: string; message?: string }> =>
    new Promise((resolve) => worker.once('message', resolve));
  const ready = await next();
  if (ready.kind !== 'ready') throw new Error(`writer failed: ${ready.message}`);
  const started = process.hrtime.bigint();
  worker.postMessage('go');
  await target.arrived();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  worker.postMessage('stop');
  await worker.terminate();
  return TOTAL / seconds;
}

async function main(): Promise<void> {
  const batch = encodeBatch();
  const mock = await createMockServer();
  const sink = createServer({ cert: mock.certs.serverCert, key: mock.certs.serverKey, ca: mock.certs.ca, requestCert: true, rejectUnauthorized: true });
  await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', resolve));
  const targets = [mockTarget(mock), sinkTarget(sink, batch.length * BATCHES)];

  // Check the output before timing: the mock must record exactly what was sent, correctly.
  await measure(targets[0]!, mock, batch);
  const stats = mock.stats();
  const last = mock.notificationsFrom(TOTAL - 1)[0];
  if (stats.accepted !== TOTAL || stats.rejected !== 0 || last?.id !== FRAMES_PER_BATCH || last.token !== FRAMES_PER_BATCH.toString(16).padStart(64, '0')) {
    throw new Error(`validation failed: accepted ${stats.accepted} of ${TOTAL}, rejected ${stats.rejected}, last ${JSON.stringify(last)}`);
  }

  const rates: Record<string, number[]> = {};
  for (let round = 0; round < ROUNDS; round++) {
    for (const target of targets) {
      const rate = await measure(target, mock, batch);
      if (target === targets[0] && mock.acceptedCount !== TOTAL) throw new Error(`mock recorded ${mock.acceptedCount}, sent ${TOTAL}`);
      (rates[target.name] ??= []).push(rate);
    }
  }
  const best = (name: string): number => Math.max(...rates[name]!);
  const frameBytes = batch.length / FRAMES_PER_BATCH;
  console.log(`one connection, ${TOTAL.toLocaleString('en')} notifications of ${frameBytes.toFixed(0)} bytes per run, best of ${ROUNDS} (all runs in parentheses)`);
  for (const target of targets) {
    const runs = rates[target.name]!.map((rate) => (rate / 1e6).toFixed(2)).join(', ');
    console.log(`${target.name.padEnd(32)} ${(best(target.name) / 1e6).toFixed(2)}M notifications/s  (${runs})`);
  }
  const ratio = best(targets[0]!.name) / best(targets[1]!.name);
  console.log(`mock / sink: ${(ratio * 100).toFixed(0)}%  (target >= 70%, and >= 1M/s)`);
  await mock.close();
  await new Promise<void>((resolve) => sink.close(() => resolve()));
}

await main();
