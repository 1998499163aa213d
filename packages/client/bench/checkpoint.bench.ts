// What a checkpoint costs: the managed sender's rate through the mock (on its own thread) with
// checkpoints every N notifications against none, in the same run, and how many connections
// each setting opened. A checkpoint ends the connection with the probe and opens a fresh one.
//
//   node packages/client/bench/dist/checkpoint.bench.js [--count 300000] [--connections 3] [--runs 3] [--every 0,2500,5000,10000,20000] [--write-buffer BYTES]
import { parseArgs } from 'node:util';
import { createSender, type Sender } from '@apnskit/client';
import { collectGarbage } from './collect.js';
import { benchTokens, PAYLOAD_BYTES } from './fixtures.js';
import { MockHost } from './mock-host.js';
import { clock } from './mock-protocol.js';
import { best, formatRate, median } from './report.js';

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '300000' },
    connections: { type: 'string', default: '3' },
    runs: { type: 'string', default: '3' },
    every: { type: 'string', default: '0,2500,5000,10000,20000' },
    'write-buffer': { type: 'string' },
  },
});
const count = Number(values.count);
const connections = Number(values.connections);
const runs = Number(values.runs);
const settings = values.every.split(',').map(Number);
const writeBufferBytes = values['write-buffer'] === undefined ? undefined : Number(values['write-buffer']);
if (![count, connections, runs, ...settings].every((value) => Number.isSafeInteger(value) && value >= 0) || count < 1 || runs < 1) {
  throw new Error('--count, --connections, --runs: whole numbers >= 1; --every: whole numbers >= 0, comma separated');
}
const RUN_TIMEOUT_MS = 120_000;

async function sendAll(sender: Sender, tokens: readonly Buffer[]): Promise<void> {
  for (const token of tokens) if (!sender.write({ token, payload: PAYLOAD_BYTES })) await sender.ready();
}

/** One run: milliseconds from the first send until close() proved every notification, and connections opened. */
async function run(host: MockHost, tag: number, checkpointEvery: number): Promise<{ elapsedMs: number; connections: number }> {
  const { gateway } = host;
  const sender = createSender({
    address: { host: gateway.host, port: gateway.port },
    tls: { cert: gateway.clientCert, key: gateway.clientKey, ca: gateway.ca },
    connections,
    checkpointEvery,
    ...(writeBufferBytes === undefined ? {} : { writeBufferBytes }),
  });
  const tokens = benchTokens(tag, count);
  collectGarbage();
  const start = clock();
  await sendAll(sender, tokens);
  const report = await sender.close();
  const elapsedMs = clock() - start;
  if (report.delivered !== count || report.unconfirmedCount > 0 || report.failed.length > 0) {
    throw new Error(`checkpointEvery ${checkpointEvery}: report does not add up (delivered ${report.delivered}, failed ${report.failed.length}, unconfirmed ${report.unconfirmedCount})`);
  }
  await host.waitFor(count, RUN_TIMEOUT_MS);
  await host.validate(`sender, checkpointEvery ${checkpointEvery}`, [{ tag, count }]);
  await host.reset();
  return { elapsedMs, connections: report.connections };
}

const host = await MockHost.start();
try {
  console.log(`${count.toLocaleString('en-US')} notifications over ${connections} connections, ${runs} interleaved rounds; time until close() proved them all`);
  const rates = new Map<number, number[]>(settings.map((every) => [every, []]));
  const opened = new Map<number, number>();
  for (let round = 0; round < runs; round += 1) {
    for (const [index, every] of settings.entries()) {
      const result = await run(host, 1 + index, every);
      rates.get(every)!.push((count * 1000) / result.elapsedMs);
      opened.set(every, result.connections);
    }
  }
  const baseline = best(rates.get(settings[0]!)!);
  console.log('\ncheckpointEvery  connections   best (/s)  median (/s)  best vs first setting');
  for (const every of settings) {
    const list = rates.get(every)!;
    console.log(
      `${String(every || 'off').padStart(15)}  ${String(opened.get(every)).padStart(11)}  ${formatRate(best(list)).padStart(10)}  ${formatRate(median(list)).padStart(11)}  ${((best(list) / baseline) * 100).toFixed(1).padStart(6)}%`,
    );
  }
} finally {
  await host.close();
}
