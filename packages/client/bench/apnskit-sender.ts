// @apnskit/client's managed sender on one connection, as a user would drive it.
import { createSender, type Sender } from '@apnskit/client';
import { encodedLength, TOKEN_LENGTH } from '@apnskit/codec';
import { collectGarbage } from './collect.js';
import { benchToken, benchTokens, PAYLOAD_BYTES } from './fixtures.js';
import { clock } from './mock-protocol.js';
import type { MockHost } from './mock-host.js';
import { cpuMeter, type SinkRun } from './sink.js';

/** Token tag of the one notification that opens the sender's connection before timing. */
const WARM_UP_TAG = 0xa8;

export interface SenderRun {
  readonly elapsedMs: number;
  /** Bytes held per notification remembered in the sent window (when measured). */
  readonly bytesPerRemembered?: number;
  readonly heapBytes?: number;
  readonly externalBytes?: number;
}

/**
 * How the loop hands notifications over: `write` is the bulk idiom (`if (!sender.write(n)) await
 * sender.ready()`, no promise per notification), `send` awaits `sender.send(n)` for each one, and
 * `writeMany` hands over the tokens packed back to back, WRITE_MANY_TOKENS at a time (as apns-send does).
 */
export type Idiom = 'write' | 'send' | 'writeMany';

const WRITE_MANY_TOKENS = 512;

/** What the timed loop hands over: the token Buffers, or (writeMany) the same tokens packed, made before timing. */
interface BenchTokens {
  readonly list: readonly Buffer[];
  readonly packed: Buffer | undefined;
}

function benchInput(tag: number, count: number, idiom: Idiom): BenchTokens {
  const list = benchTokens(tag, count);
  return { list, packed: idiom === 'writeMany' ? Buffer.concat(list) : undefined };
}

async function sendAll(sender: Sender, tokens: BenchTokens, idiom: Idiom): Promise<void> {
  const { list, packed } = tokens;
  if (idiom === 'send') {
    for (let index = 0; index < list.length; index += 1) await sender.send({ token: list[index]!, payload: PAYLOAD_BYTES });
    return;
  }
  if (packed !== undefined) {
    const step = WRITE_MANY_TOKENS * TOKEN_LENGTH;
    for (let start = 0; start < packed.length; start += step) {
      if (!sender.writeMany({ payload: PAYLOAD_BYTES }, packed.subarray(start, start + step))) await sender.ready();
    }
    return;
  }
  for (let index = 0; index < list.length; index += 1) {
    if (!sender.write({ token: list[index]!, payload: PAYLOAD_BYTES })) await sender.ready();
  }
}


function openSender(host: MockHost, port = host.gateway.port, checkpoints = true): Sender {
  const { gateway } = host;
  return createSender({
    address: { host: gateway.host, port },
    tls: { cert: gateway.clientCert, key: gateway.clientKey, ca: gateway.ca },
    connections: 1,
    format: 'frame',
    // Measuring what the window holds: it must keep every frame until the end.
    ...(checkpoints ? {} : { checkpointEvery: 0 }),
  });
}

function memory(): { heap: number; external: number } {
  collectGarbage();
  const usage = process.memoryUsage();
  return { heap: usage.heapUsed, external: usage.external };
}

/**
 * Milliseconds from the first send until the mock recorded the last of `count` notifications;
 * with `measureMemory`, also what the sender holds per notification while its sent window is full.
 */
export async function runSender(host: MockHost, tag: number, count: number, timeoutMs: number, idiom: Idiom, measureMemory = false): Promise<SenderRun> {
  const sender = openSender(host, host.gateway.port, !measureMemory);
  let failure: Error | undefined;
  sender.on('error', (error) => (failure ??= error));
  sender.on('failed', ({ status, name }) => (failure ??= new Error(`the mock rejected a bench notification: status ${status} (${name})`)));
  await sender.send({ token: benchToken(WARM_UP_TAG, 0), payload: PAYLOAD_BYTES });
  await host.waitFor(1, timeoutMs);
  const tokens = benchInput(tag, count, idiom);
  const before = measureMemory ? memory() : undefined;
  const reached = host.waitFor(1 + count, timeoutMs);
  collectGarbage();
  const start = clock();
  await sendAll(sender, tokens, idiom);
  const elapsedMs = (await reached) - start;
  const after = measureMemory ? memory() : undefined;
  // Still in use here, so the tokens (allocated before `before`) cannot be collected in between.
  if (tokens.list.length !== count) throw new Error('tokens changed during the run');
  const report = await sender.close();
  if (failure) throw failure;
  const expected = 1 + count;
  if (report.sent !== expected || report.delivered !== expected || report.failed.length > 0 || report.unconfirmedCount > 0) {
    throw new Error(`sender report does not add up: ${JSON.stringify({ ...report, failed: report.failed.length, unconfirmed: report.unconfirmed.length })}`);
  }
  await host.validate('@apnskit/client sender', [{ tag: WARM_UP_TAG, count: 1 }, { tag, count }]);
  await host.reset();
  if (!before || !after) return { elapsedMs };
  const heapBytes = after.heap - before.heap;
  const externalBytes = after.external - before.external;
  return { elapsedMs, heapBytes, externalBytes, bytesPerRemembered: (heapBytes + externalBytes) / count };
}

/** The same sends into the byte-counting sink (nothing decodes them): the sender's own speed. */
export async function runSenderIntoSink(host: MockHost, tag: number, count: number, timeoutMs: number, idiom: Idiom): Promise<SinkRun> {
  await host.resetSink();
  const sender = openSender(host, host.gateway.sinkPort);
  const frameBytes = encodedLength({ token: benchToken(WARM_UP_TAG, 0), payload: PAYLOAD_BYTES });
  await sender.send({ token: benchToken(WARM_UP_TAG, 0), payload: PAYLOAD_BYTES });
  await host.waitForBytes(frameBytes, timeoutMs);
  const tokens = benchInput(tag, count, idiom);
  const reached = host.waitForBytes((1 + count) * frameBytes, timeoutMs);
  collectGarbage();
  const cpu = cpuMeter();
  const start = clock();
  await sendAll(sender, tokens, idiom);
  const elapsedMs = (await reached) - start;
  const cpuMicros = cpu(count);
  await sender.close();
  return { elapsedMs, cpuMicros };
}
