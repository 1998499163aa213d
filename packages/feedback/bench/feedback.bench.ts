// Feedback reader throughput and memory: 1M tuples over loopback TLS, against a ceiling measured
// in the same run (a raw TLS socket that only decodes the tuples). Run: pnpm --filter @apnskit/feedback-bench bench
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { connect, createServer, type TLSSocket } from 'node:tls';
import { FeedbackDecoder } from '@apnskit/codec';
import { feedback } from '@apnskit/feedback';
import { resolveCredentials } from '@apnskit/tls';
import { TestCertificateAuthority } from '@apnskit/tls/testing';

const TUPLES = Number(process.env.TUPLES ?? 1_000_000);
const TUPLE_LENGTH = 38;
const BATCH = 10_000;
const MB = 1024 * 1024;

const ca = new TestCertificateAuthority();
const serverCert = ca.issueServer();
const client = ca.issueClient({ uid: 'com.example.bench', environments: ['sandbox'] });
const credentials = resolveCredentials({ ...client, ca: ca.cert });

/** One batch of tuples, reused: tokens carry their index in the last 4 bytes, rewritten per batch. */
const batch = Buffer.alloc(BATCH * TUPLE_LENGTH);
function fillBatch(first: number): Buffer {
  for (let i = 0; i < BATCH; i++) {
    const at = i * TUPLE_LENGTH;
    batch.writeUInt32BE(1_700_000_000, at);
    batch.writeUInt16BE(32, at + 4);
    batch.writeUInt32BE(first + i, at + TUPLE_LENGTH - 4);
  }
  return Buffer.from(batch);
}

async function serve(socket: TLSSocket): Promise<void> {
  socket.on('error', () => {});
  for (let sent = 0; sent < TUPLES; sent += BATCH) {
    if (!socket.write(fillBatch(sent))) await once(socket, 'drain');
  }
  socket.end();
}

const server = createServer({ ...serverCert, ca: ca.cert, requestCert: true, rejectUnauthorized: true }, (socket) => void serve(socket));
server.listen(0, '127.0.0.1');
await once(server, 'listening');
const address = { host: '127.0.0.1', port: (server.address() as AddressInfo).port };

let peakRss = 0;
let peakHeap = 0;
const sampler = setInterval(() => {
  const usage = process.memoryUsage();
  peakRss = Math.max(peakRss, usage.rss);
  peakHeap = Math.max(peakHeap, usage.heapUsed);
}, 20);

/** Ceiling: the same bytes through the codec's decoder on a bare TLS socket, no iteration. */
async function rawCeiling(): Promise<number> {
  const socket = connect({ ...address, ...credentials.connectOptions });
  const decoder = new FeedbackDecoder();
  let count = 0;
  socket.on('data', (chunk: Buffer) => (count += decoder.push(chunk).length));
  await once(socket, 'close');
  return count;
}

async function reader(): Promise<number> {
  let count = 0;
  let lastIndex = -1;
  for await (const entry of feedback(address, credentials, { highWaterMark: Number(process.env.HWM ?? 4096) })) {
    lastIndex = parseInt(entry.token.slice(-8), 16);
    count++;
  }
  if (lastIndex !== TUPLES - 1) throw new Error(`last token index ${lastIndex}, expected ${TUPLES - 1}`);
  return count;
}

async function timed(name: string, run: () => Promise<number>): Promise<number> {
  const started = process.hrtime.bigint();
  const count = await run();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (count !== TUPLES) throw new Error(`${name}: read ${count} tuples, expected ${TUPLES}`);
  const rate = count / seconds;
  console.log(`${name.padEnd(28)} ${count} tuples in ${seconds.toFixed(2)} s: ${(rate / 1e6).toFixed(2)}M tuples/s`);
  return rate;
}

// Validate once (the reader checks order and count), then time each contender.
await reader();
const ceiling = await timed('raw TLS socket + decoder', rawCeiling);
peakRss = 0;
peakHeap = 0;
global.gc?.();
const rate = await timed('feedback() async iterable', reader);
clearInterval(sampler);
console.log(`ratio to ceiling: ${((rate / ceiling) * 100).toFixed(0)}%`);
console.log(`peak while reading ${TUPLES} tuples (${((TUPLES * TUPLE_LENGTH) / MB).toFixed(0)} MB on the wire): rss ${(peakRss / MB).toFixed(0)} MB, heap ${(peakHeap / MB).toFixed(0)} MB`);
server.close();
