/*
 * How fast the mock's HTTP/2 service accepts pushes on one connection (100 and 1000 streams in
 * flight) and the CPU its thread spends per push, beside a bare node:http2 server that answers 200
 * to everything: same certificates, same client (in a worker thread), same run. Then the memory
 * each recorded push costs. Run: node --expose-gc packages/mock-server/bench/dist/http2.bench.js
 */
import { createPrivateKey, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createSecureServer, type Http2SecureServer } from 'node:http2';
import { Worker } from 'node:worker_threads';
import { createMockServer, type MockServer } from '@apnskit/mock-server';
import type { H2ClientJob, H2ClientResult } from './h2-client.js';
import { mainThreadCpuMs } from './thread-cpu.js';

const TOTAL = Number(process.env.PUSHES ?? 20_000);
const ROUNDS = Number(process.env.ROUNDS ?? 3);
/** Runs of TOTAL pushes recorded for the memory figure. */
const MEMORY_RUNS = Number(process.env.MEMORY_RUNS ?? 5);
const IN_FLIGHT = (process.env.IN_FLIGHT ?? "100,1000").split(",").map(Number);
/**
 * Server stream limit of both servers (1500, as APNs advertised in 2019). node:http2 counts a
 * stream until its JavaScript object is gone, which lags behind the answer on a busy server: a
 * client keeping nearly the limit in flight then gets streams refused (ENHANCE_YOUR_CALM), and
 * after 100 refusals the connection. Headroom keeps the runs about speed.
 */
const SERVER_STREAM_LIMIT = 1500;
/** The bare server's session memory (the mock's is 64 MB): at node's default 10 MB it refuses streams with ENHANCE_YOUR_CALM at 1000 in flight. */
const BARE_SESSION_MEMORY_MB = 256;
const BODY = JSON.stringify({ aps: { alert: 'Notification number 00000001 for you', badge: 1, sound: 'default' } });

/** A provider token signed with node:crypto (JOSE R||S form). */
function providerToken(mock: MockServer): string {
  const { keyId, teamId, path } = mock.http2.defaultKey;
  const encode = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');
  const signed = `${encode({ alg: 'ES256', kid: keyId })}.${encode({ iss: teamId, iat: Math.floor(Date.now() / 1000) })}`;
  const signature = sign('sha256', Buffer.from(signed), { key: createPrivateKey(readFileSync(path!)), dsaEncoding: 'ieee-p1363' });
  return `${signed}.${signature.toString('base64url')}`;
}

function bareServer(mock: MockServer): Promise<Http2SecureServer> {
  const server = createSecureServer({ cert: mock.certs.serverCert, key: mock.certs.serverKey, settings: { maxConcurrentStreams: SERVER_STREAM_LIMIT }, maxSessionMemory: BARE_SESSION_MEMORY_MB });
  server.on('stream', (stream) => {
    stream.on('error', () => undefined);
    stream.resume();
    stream.respond({ ':status': 200, 'apns-id': '123e4567-e89b-12d3-a456-426614174000' }, { endStream: true });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

interface Measured {
  readonly rate: number;
  readonly cpuMicros: number | undefined;
}

async function measure(port: number, mock: MockServer, jwt: string, inFlight: number): Promise<Measured> {
  const job: H2ClientJob = {
    port,
    ca: mock.certs.ca,
    headers: { ':method': 'POST', ':path': `/3/device/${'ab'.repeat(32)}`, authorization: `bearer ${jwt}`, 'apns-topic': mock.certs.topic, 'apns-push-type': 'alert' },
    body: BODY,
    total: TOTAL,
    inFlight,
  };
  const worker = new Worker(new URL('./h2-client.js', import.meta.url), { workerData: job });
  const cpuBefore = mainThreadCpuMs();
  const result = await new Promise<H2ClientResult>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  const cpuAfter = mainThreadCpuMs();
  await worker.terminate();
  if (result.statuses['200'] !== TOTAL) throw new Error(`validation failed on port ${port}: answers ${JSON.stringify(result.statuses)}, expected ${TOTAL} times 200; first error ${result.firstError}`);
  // The CPU window includes the untimed first push and the connection: negligible beside TOTAL pushes.
  const cpuMicros = cpuBefore === undefined || cpuAfter === undefined ? undefined : ((cpuAfter - cpuBefore) * 1000) / TOTAL;
  return { rate: TOTAL / result.seconds, cpuMicros };
}

function memoryInUse(): number {
  (globalThis as { gc?: () => void }).gc?.();
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.arrayBuffers;
}

async function main(): Promise<void> {
  const mock = await createMockServer({ http2MaxConcurrentStreams: SERVER_STREAM_LIMIT });
  const bare = await bareServer(mock);
  const barePort = (bare.address() as { port: number }).port;
  const jwt = providerToken(mock);

  // Check before timing: every push of a mock run is recorded, with its token and payload.
  mock.reset();
  await measure(mock.http2.port, mock, jwt, 100);
  const last = mock.notificationsFrom(mock.acceptedCount - 1)[0];
  if (mock.acceptedCount !== TOTAL + 1 || last?.format !== 'h2' || last.token !== 'ab'.repeat(32) || JSON.stringify(last.payload) !== BODY) {
    throw new Error(`validation failed: recorded ${mock.acceptedCount} of ${TOTAL + 1}, last ${JSON.stringify(last)}`);
  }

  console.log(`one connection, ${TOTAL.toLocaleString('en')} pushes of ${BODY.length} bytes per run, best of ${ROUNDS} (all runs in parentheses); CPU = the server thread's, least`);
  for (const inFlight of IN_FLIGHT) {
    const runs: Record<'mock' | 'bare', Measured[]> = { mock: [], bare: [] };
    for (let round = 0; round < ROUNDS; round++) {
      mock.reset();
      runs.mock.push(await measure(mock.http2.port, mock, jwt, inFlight));
      runs.bare.push(await measure(barePort, mock, jwt, inFlight));
    }
    const best = (name: 'mock' | 'bare'): number => Math.max(...runs[name].map((run) => run.rate));
    const line = (name: 'mock' | 'bare', label: string): string => {
      const cpu = runs[name].map((run) => run.cpuMicros).filter((value) => value !== undefined);
      const all = runs[name].map((run) => Math.round(run.rate)).join(', ');
      return `  ${label.padEnd(26)} ${Math.round(best(name)).toLocaleString('en').padStart(7)} pushes/s (${all})${cpu.length > 0 ? `, ${Math.min(...cpu).toFixed(0)} us CPU/push` : ''}`;
    };
    console.log(`${inFlight} streams in flight`);
    console.log(line('mock', 'mock (check, auth, record)'));
    console.log(line('bare', 'bare node:http2 (200)'));
    console.log(`  mock / bare: ${((best('mock') / best('bare')) * 100).toFixed(0)}%`);
  }

  bare.close();
  await mock.close();
  // A fresh mock (a reset one reuses its slabs), many pushes: the slab granularity (4 MB) washes out.
  const fresh = await createMockServer({ http2MaxConcurrentStreams: SERVER_STREAM_LIMIT });
  const before = memoryInUse();
  for (let run = 0; run < MEMORY_RUNS; run++) await measure(fresh.http2.port, fresh, providerToken(fresh), 100);
  const perPush = (memoryInUse() - before) / fresh.acceptedCount;
  const gc = (globalThis as { gc?: unknown }).gc ? '' : ', run with --expose-gc for a clean figure';
  console.log(`memory per recorded push: ${perPush.toFixed(0)} bytes over ${fresh.acceptedCount.toLocaleString('en')} pushes of ${BODY.length}-byte payloads (heap + buffers after a collection${gc})`);
  await fresh.close();
}

await main();
