// Heap held by 1,000,000 notifications queued in the HTTP/2 sender (run with --expose-gc): the
// sender points at a port nothing listens on, so everything stays queued while it is measured.
import { generateKeyPairSync } from 'node:crypto';
import { createSender } from '@apnskit/client';
import { PAYLOAD_TEXT } from './fixtures.js';
import { h2BenchToken } from './h2-runner-tokens.js';

const COUNT = Number(process.argv[2] ?? 1_000_000);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');
const key = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
const sender = createSender({
  protocol: 'h2',
  address: '127.0.0.1:1',
  token: { key, keyId: 'ABCDEFGHIJ', teamId: 'ABCDEFGHIJ' },
  topic: 'com.example.app',
  highWaterMark: COUNT + 1,
  reconnectLimit: 100,
  backoff: { initialMs: 60_000, maxMs: 60_000 },
});
sender.on('error', () => undefined);
gc();
const before = process.memoryUsage();
for (let index = 0; index < COUNT; index += 1) sender.write({ token: h2BenchToken(9, index), payload: PAYLOAD_TEXT, pushType: 'alert' });
gc();
const after = process.memoryUsage();
const queued = sender.stats().queued;
process.stdout.write(JSON.stringify({ count: COUNT, queued, heapBytes: after.heapUsed - before.heapUsed, externalBytes: after.external + after.arrayBuffers - before.external - before.arrayBuffers, rssBytes: after.rss - before.rss }) + '\n');
process.exit(0);
