// Hostile HTTP/2 input: garbage, stream and CONTINUATION floods, huge headers, huge bodies, connection churn.
// After each, the mock still serves a push and its memory stays bounded.
import { connect, type TLSSocket } from 'node:tls';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { MockServer } from '../src/index.js';
import { until, useMock } from './helpers.js';
import { closeH2, openH2, send } from './http2-helpers.js';

const test = suite('http2 hostile input');
let mock: MockServer;
// A short idle timeout (the listeners' limit) frees the sessions node:http2 stops reading after a
// header block it refused with GOAWAY alone.
useMock(test, { closeGraceMs: 100, idleTimeoutMs: 1000 }, (started) => (mock = started));

const PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n');
const FrameType = { Data: 0, Headers: 1, Settings: 4, Continuation: 9 } as const;
const Flags = { EndStream: 0x1, EndHeaders: 0x4 } as const;
/** Heap growth allowed over a hostile test: far below what buffering the input would cost. */
const HEAP_SLACK_BYTES = 48 * 1024 * 1024;

function frame(type: number, flags: number, streamId: number, payload: Buffer = Buffer.alloc(0)): Buffer {
  const header = Buffer.alloc(9);
  header.writeUIntBE(payload.length, 0, 3);
  header[3] = type;
  header[4] = flags;
  header.writeUInt32BE(streamId, 5);
  return Buffer.concat([header, payload]);
}

/** HPACK: an indexed static entry, or a literal without indexing with an indexed name (RFC 7541 6.2.2). */
function literal(nameIndex: number, value: string): Buffer {
  const bytes = Buffer.from(value);
  if (bytes.length < 127) return Buffer.concat([Buffer.from([nameIndex, bytes.length]), bytes]);
  const length: number[] = [127];
  for (let rest = bytes.length - 127; ; rest >>= 7) {
    if (rest < 128) {
      length.push(rest);
      break;
    }
    length.push((rest & 0x7f) | 0x80);
  }
  return Buffer.concat([Buffer.from([nameIndex, ...length]), bytes]);
}

/** POST /3/device/<token> over https, by the static table (:method POST = 3, :scheme https = 7, :path name = 4). */
function pushHeaderBlock(): Buffer {
  return Buffer.concat([Buffer.from([0x83, 0x87]), literal(4, `/3/device/${'ab'.repeat(32)}`)]);
}

function rawClient(alpn = true): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: mock.host, port: mock.http2.port, ca: mock.certs.ca, servername: 'localhost', ...(alpn ? { ALPNProtocols: ['h2'] } : {}) }, () => resolve(socket));
    socket.on('error', reject);
  });
}

function closed(socket: TLSSocket): Promise<void> {
  return new Promise((resolve) => {
    if (socket.destroyed) return resolve();
    socket.on('error', () => undefined);
    socket.resume();
    socket.once('close', () => resolve());
  });
}

async function stillServes(): Promise<void> {
  const session = openH2(mock, { certificate: true });
  assert.is((await send(session, {})).status, 200);
  await closeH2(session);
}

setFlagsFromString('--expose-gc');
/** The collector, exposed at run time so that heap figures are not the previous test's garbage. */
const collect = runInNewContext('gc') as () => void;

function heapUsed(): number {
  collect();
  return process.memoryUsage().heapUsed;
}

test('garbage before the preface: the connection is closed, the mock serves on', async () => {
  const socket = await rawClient();
  socket.write(Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n' + 'garbage'.repeat(1000)));
  await closed(socket);
  const noAlpn = await rawClient(false);
  noAlpn.write(Buffer.alloc(64 * 1024, 0xff));
  await closed(noAlpn);
  await stillServes();
});

test('a flood of streams beyond the limit is refused with RST_STREAM, without harm', async () => {
  const socket = await rawClient();
  const frames: Buffer[] = [PREFACE, frame(FrameType.Settings, 0, 0)];
  // A token connection allows 1 stream: 2000 opened at once, none ever finished.
  for (let stream = 1; stream < 4000; stream += 2) frames.push(frame(FrameType.Headers, Flags.EndHeaders, stream, pushHeaderBlock()));
  let received = 0;
  socket.on('data', (chunk: Buffer) => (received += chunk.length));
  const done = closed(socket);
  socket.write(Buffer.concat(frames));
  // Refusals (RST_STREAM REFUSED_STREAM, 13 bytes each) until node:http2 gives up on the peer and the mock ends the connection.
  await done;
  assert.ok(received > 13 * 50, `refusals seen: ${received} bytes`);
  assert.ok(mock.stats().http2.sessionErrors >= 1);
  await stillServes();
  await until(() => mock.stats().http2.openConnections === 0);
});

/** Writes every buffer (waiting for each to be flushed), stopping if the mock closes the connection. */
async function writeAll(socket: TLSSocket, buffers: readonly Uint8Array[]): Promise<void> {
  for (const buffer of buffers) {
    if (socket.destroyed || socket.writableEnded) return;
    await new Promise<void>((resolve) => socket.write(buffer, () => resolve()));
  }
}

test('huge headers and a CONTINUATION flood: refused or cut off, memory bounded', async () => {
  const before = heapUsed();
  const huge = await rawClient();
  const hugeDone = closed(huge);
  // A 200 kB header value (a literal with a new name, 0x00) in CONTINUATION frames.
  const bigValue = Buffer.concat([Buffer.from([0x00, 1, 0x78]), literal(0, 'x'.repeat(200_000)).subarray(1)]);
  const hugeFrames: Uint8Array[] = [Buffer.concat([PREFACE, frame(FrameType.Settings, 0, 0), frame(FrameType.Headers, 0, 1, pushHeaderBlock())])];
  for (let offset = 0; offset < bigValue.length; offset += 16_384) hugeFrames.push(frame(FrameType.Continuation, 0, 1, bigValue.subarray(offset, offset + 16_384)));
  hugeFrames.push(frame(FrameType.Continuation, Flags.EndHeaders, 1));
  await writeAll(huge, hugeFrames);

  const flood = await rawClient();
  const floodDone = closed(flood);
  const empty = frame(FrameType.Continuation, 0, 1);
  // 200,000 empty CONTINUATION frames (the 2024 "CONTINUATION flood").
  const batches: Uint8Array[] = [Buffer.concat([PREFACE, frame(FrameType.Settings, 0, 0), frame(FrameType.Headers, 0, 1, pushHeaderBlock())])];
  for (let batch = 0; batch < 20; batch++) batches.push(Buffer.concat(Array.from({ length: 10_000 }, () => empty)));
  await writeAll(flood, batches);

  await stillServes();
  huge.destroy();
  flood.destroy();
  await Promise.all([hugeDone, floodDone]);
  assert.is(mock.notifications.length, 1, 'only the healthy push was recorded');
  assert.ok(heapUsed() - before < HEAP_SLACK_BYTES, `heap grew ${heapUsed() - before} bytes`);
  await until(() => mock.stats().http2.openConnections === 0);
});

test('bodies far over the limit are read, dropped and answered 413, the connection kept', async () => {
  const before = heapUsed();
  const session = openH2(mock, { certificate: true });
  const big = Buffer.alloc(8 * 1024 * 1024, 0x61);
  const answers = await Promise.allSettled([send(session, {}, big), send(session, {}, big), send(session, {}, big)]);
  for (const answer of answers) {
    assert.is(answer.status, 'fulfilled', answer.status === 'rejected' ? (answer.reason as Error).message : '');
    if (answer.status === 'fulfilled') assert.equal([answer.value.status, JSON.parse(answer.value.body)], [413, { reason: 'PayloadTooLarge' }]);
  }
  assert.is(mock.notifications.length, 0);
  assert.ok(heapUsed() - before < HEAP_SLACK_BYTES, `heap grew ${heapUsed() - before} bytes`);
  session.destroy();
  await stillServes();
});

test('500 connections opened and dropped: the mock keeps serving and forgets them', async () => {
  const before = heapUsed();
  const sockets: TLSSocket[] = [];
  for (let index = 0; index < 500; index++) {
    const socket = connect({ host: mock.host, port: mock.http2.port, ca: mock.certs.ca, servername: 'localhost', ALPNProtocols: ['h2'] });
    socket.on('error', () => undefined);
    sockets.push(socket);
    // Half are dropped during the handshake, half after sending the preface.
    if (index % 2 === 0) socket.destroy();
    else socket.once('secureConnect', () => socket.end(PREFACE));
  }
  await Promise.all(sockets.map(closed));
  await stillServes();
  await until(() => mock.stats().http2.openConnections === 0);
  assert.ok(heapUsed() - before < HEAP_SLACK_BYTES, `heap grew ${heapUsed() - before} bytes`);
});

test.run();
