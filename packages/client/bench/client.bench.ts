// Notifications per second on one connection, from the first send until the mock gateway has
// recorded the last: @apnskit/client's sender against a raw TLS socket writing pre-encoded
// batches (the ceiling) and node-apn 1.7.8, all in the same run against the same mock, which
// runs on its own thread. Every run is checked first: the mock must hold exactly the sent set.
// The sender runs twice per round: with the bulk idiom (write() until it says the queue is full,
// then await ready()), on which the targets are checked, and awaiting send() for each notification.
//
//   node packages/client/bench/dist/client.bench.js [--count 200000] [--node-apn-count 20000] [--runs 7]
import { parseArgs } from 'node:util';
import { encodedLength } from '@apnskit/codec';
import { benchToken, PAYLOAD_BYTES } from './fixtures.js';
import { runSender, runSenderIntoSink } from './apnskit-sender.js';
import { MockHost } from './mock-host.js';
import { runNodeApn } from './node-apn.js';
import { runRawIntoSink, runRawSocket } from './raw-socket.js';
import type { SinkRun } from './sink.js';
import { best, formatRate, printRoundRatios, printTable, printTargets, type ContenderResult } from './report.js';

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '200000' },
    'node-apn-count': { type: 'string', default: '20000' },
    runs: { type: 'string', default: '7' },
  },
});
function positiveInteger(name: string, text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 1) throw new Error(`--${name} must be a whole number >= 1, got ${JSON.stringify(text)}`);
  return value;
}
const count = positiveInteger('count', values.count);
const nodeApnCount = positiveInteger('node-apn-count', values['node-apn-count']);
const runs = positiveInteger('runs', values.runs);
/** Hang guard per run; a run normally takes well under a second (node-apn: a few). */
const RUN_TIMEOUT_MS = 120_000;
/** First round (not timed): every contender sends this many and the mock's record is checked. */
const CHECK_COUNT = 20_000;
const CHECK_COUNT_NODE_APN = 2_000;
const TAGS = { raw: 1, sender: 2, nodeApn: 3 } as const;

const FRAME_BYTES = encodedLength({ token: benchToken(0, 0), payload: PAYLOAD_BYTES });

const rate = (n: number, elapsedMs: number): number => (n * 1000) / elapsedMs;

const host = await MockHost.start();
try {
  console.log(`mock gateway on its own thread at ${host.gateway.host}:${host.gateway.port}; ${PAYLOAD_BYTES.length}-byte payload, ${FRAME_BYTES}-byte frames`);
  await runRawSocket(host, TAGS.raw, CHECK_COUNT, RUN_TIMEOUT_MS);
  await runSender(host, TAGS.sender, CHECK_COUNT, RUN_TIMEOUT_MS, 'write');
  await runSender(host, TAGS.sender, CHECK_COUNT, RUN_TIMEOUT_MS, 'send');
  await runSender(host, TAGS.sender, CHECK_COUNT, RUN_TIMEOUT_MS, 'writeMany');
  await runNodeApn(host, TAGS.nodeApn, CHECK_COUNT_NODE_APN, RUN_TIMEOUT_MS);
  console.log('checked: each contender delivered exactly the set it sent (count, every token once, payload samples)\n');

  const raw: number[] = [];
  const sender: number[] = [];
  const senderAwaiting: number[] = [];
  const senderMany: number[] = [];
  const nodeApn: number[] = [];
  for (let round = 1; round <= runs; round += 1) {
    raw.push(rate(count, await runRawSocket(host, TAGS.raw, count, RUN_TIMEOUT_MS)));
    sender.push(rate(count, (await runSender(host, TAGS.sender, count, RUN_TIMEOUT_MS, 'write')).elapsedMs));
    senderAwaiting.push(rate(count, (await runSender(host, TAGS.sender, count, RUN_TIMEOUT_MS, 'send')).elapsedMs));
    senderMany.push(rate(count, (await runSender(host, TAGS.sender, count, RUN_TIMEOUT_MS, 'writeMany')).elapsedMs));
    nodeApn.push(rate(nodeApnCount, await runNodeApn(host, TAGS.nodeApn, nodeApnCount, RUN_TIMEOUT_MS)));
    console.log(
      `round ${round}: raw ${formatRate(raw.at(-1)!)}/s, sender ${formatRate(sender.at(-1)!)}/s ` +
        `(awaiting send() ${formatRate(senderAwaiting.at(-1)!)}/s, writeMany() ${formatRate(senderMany.at(-1)!)}/s), node-apn ${formatRate(nodeApn.at(-1)!)}/s`,
    );
  }
  const ceiling: ContenderResult = { name: 'raw TLS socket (ceiling)', count, rates: raw };
  const subject: ContenderResult = { name: '@apnskit/client sender', count, rates: sender };
  const awaiting: ContenderResult = { name: '  same, await send() each', count, rates: senderAwaiting };
  const many: ContenderResult = { name: '  same, writeMany() 512 tokens at a time', count, rates: senderMany };
  const baseline: ContenderResult = { name: 'node-apn 1.7.8', count: nodeApnCount, rates: nodeApn };
  console.log('');
  printTable([ceiling, subject, awaiting, many, baseline], ceiling, baseline);
  printRoundRatios(subject, ceiling);
  printTargets(subject, ceiling, baseline, { shareOfCeiling: 0.6, rate: 1_000_000, timesNodeApn: 30 });

  // Where the limit lies: the same two clients into a TLS server that only counts bytes.
  const rawSink: SinkRun[] = [];
  const senderSink: SinkRun[] = [];
  const awaitingSink: SinkRun[] = [];
  const manySink: SinkRun[] = [];
  for (let round = 1; round <= runs; round += 1) {
    rawSink.push(await runRawIntoSink(host, TAGS.raw, count, RUN_TIMEOUT_MS));
    senderSink.push(await runSenderIntoSink(host, TAGS.sender, count, RUN_TIMEOUT_MS, 'write'));
    awaitingSink.push(await runSenderIntoSink(host, TAGS.sender, count, RUN_TIMEOUT_MS, 'send'));
    manySink.push(await runSenderIntoSink(host, TAGS.sender, count, RUN_TIMEOUT_MS, 'writeMany'));
  }
  const sinkRate = (sinkRuns: SinkRun[]) => formatRate(best(sinkRuns.map((run) => rate(count, run.elapsedMs))));
  const sinkCpu = (sinkRuns: SinkRun[]) => Math.min(...sinkRuns.map((run) => run.cpuMicros)).toFixed(2);
  console.log(
    `\ninto a TLS server that only counts bytes (no decoding, no records), best of ${runs}:\n` +
      `  raw socket ${sinkRate(rawSink)}/s, ${sinkCpu(rawSink)} us of CPU per notification (both threads)\n` +
      `  sender     ${sinkRate(senderSink)}/s, ${sinkCpu(senderSink)} us of CPU per notification (both threads)\n` +
      `  same, await send() each ${sinkRate(awaitingSink)}/s, ${sinkCpu(awaitingSink)} us of CPU per notification (both threads)\n` +
      `  same, writeMany() ${sinkRate(manySink)}/s, ${sinkCpu(manySink)} us of CPU per notification (both threads)`,
  );

  const held = await runSender(host, TAGS.sender, count, RUN_TIMEOUT_MS, 'write', true);
  console.log(
    `\nmemory held per remembered notification (sent window full: ${count + 1} frames of ${FRAME_BYTES} bytes): ` +
      `${Math.round(held.bytesPerRemembered!)} bytes (heap ${Math.round(held.heapBytes! / count)}, external ${Math.round(held.externalBytes! / count)})`,
  );
} finally {
  await host.close();
}
