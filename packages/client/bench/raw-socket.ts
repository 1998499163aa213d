// The ceiling: one TLS socket writing pre-encoded frames in large batches, nothing else.
import { once } from 'node:events';
import tls from 'node:tls';
import { toWireNotification, wireLength, writeWire } from '@apnskit/codec/wire';
import { collectGarbage } from './collect.js';
import { benchTokens, PAYLOAD_BYTES } from './fixtures.js';
import { clock } from './mock-protocol.js';
import type { MockHost } from './mock-host.js';
import { cpuMeter, type SinkRun } from './sink.js';

/** Bytes per socket write: large enough that per-write overhead vanishes. */
const BATCH_BYTES = 256 * 1024;

/** Encodes every notification (ids from 1) into buffers of about BATCH_BYTES, before any timing. */
export function encodeBatches(tokens: readonly Buffer[]): Buffer[] {
  const batches: Buffer[] = [];
  let batch = Buffer.allocUnsafe(BATCH_BYTES);
  let offset = 0;
  for (let index = 0; index < tokens.length; index += 1) {
    const wire = toWireNotification({ token: tokens[index], payload: PAYLOAD_BYTES, id: index + 1 });
    const length = wireLength(wire, 'frame');
    if (offset + length > batch.length) {
      batches.push(batch.subarray(0, offset));
      batch = Buffer.allocUnsafe(BATCH_BYTES);
      offset = 0;
    }
    offset = writeWire(wire, batch, offset, 'frame');
  }
  if (offset > 0) batches.push(batch.subarray(0, offset));
  return batches;
}

export async function connectRaw(host: MockHost, port: number): Promise<tls.TLSSocket> {
  const { gateway } = host;
  const socket = tls.connect({
    host: gateway.host,
    port,
    ca: gateway.ca,
    cert: gateway.clientCert,
    key: gateway.clientKey,
  });
  await once(socket, 'secureConnect');
  return socket;
}

/** Milliseconds from the first write until the mock recorded the last of `count` notifications. */
export async function runRawSocket(host: MockHost, tag: number, count: number, timeoutMs: number): Promise<number> {
  const batches = encodeBatches(benchTokens(tag, count));
  const socket = await connectRaw(host, host.gateway.port);
  const reached = host.waitFor(count, timeoutMs);
  collectGarbage();
  const start = clock();
  for (const batch of batches) {
    if (!socket.write(batch)) await once(socket, 'drain');
  }
  const elapsedMs = (await reached) - start;
  socket.end();
  await once(socket, 'close');
  await host.validate('raw socket', [{ tag, count }]);
  await host.reset();
  return elapsedMs;
}

/** The same writes into the byte-counting sink: what TLS alone allows, with no mock decoding. */
export async function runRawIntoSink(host: MockHost, tag: number, count: number, timeoutMs: number): Promise<SinkRun> {
  const batches = encodeBatches(benchTokens(tag, count));
  const total = batches.reduce((sum, batch) => sum + batch.length, 0);
  await host.resetSink();
  const socket = await connectRaw(host, host.gateway.sinkPort);
  const reached = host.waitForBytes(total, timeoutMs);
  collectGarbage();
  const cpu = cpuMeter();
  const start = clock();
  for (const batch of batches) {
    if (!socket.write(batch)) await once(socket, 'drain');
  }
  const elapsedMs = (await reached) - start;
  const cpuMicros = cpu(count);
  socket.destroy();
  return { elapsedMs, cpuMicros };
}
