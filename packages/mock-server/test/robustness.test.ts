import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createMockServer, type MockServer } from '../src/index.js';
import { deliver, exchange, frame, frames, openClient, secure, sleep, transcript, until, useMock } from './helpers.js';
import { randomBytes } from 'node:crypto';
import { NotificationScanner } from '@apnskit/codec';

let mock!: MockServer;
useMock(test, { closeGraceMs: 100, partialFrameTimeoutMs: 300, maxConnections: 400 }, (started) => (mock = started));

/** A tiny seeded generator for reproducible garbage. */
function bytesFrom(seed: number, length: number): Buffer {
  let state = seed;
  const bytes = Buffer.alloc(length);
  for (let index = 0; index < length; index++) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    bytes[index] = state >>> 24;
  }
  return bytes;
}

test('random garbage on many connections: each is answered or closed, the server keeps serving', async () => {
  const runs = Array.from({ length: 40 }, (_, seed) => exchange(mock, bytesFrom(seed + 1, 64 + seed * 13)));
  const results = await Promise.all(runs);
  for (const { data } of results) assert.ok(data.length === 0 || (data.length === 6 && data[0] === 8), data.toString('hex'));
  await until(() => mock.stats().openConnections === 0);
  await deliver(mock, frames(1, 3), mock.acceptedCount + 3);
});

test('mutated valid frames: every connection gets nothing or one error response, and the server keeps serving', async () => {
  const valid = frames(1, 5);
  const runs = Array.from({ length: 60 }, (_, seed) => {
    const mutated = Buffer.from(valid);
    const noise = bytesFrom(seed + 100, 8);
    for (let flip = 0; flip < 4; flip++) mutated[noise[flip * 2]! % mutated.length] = noise[flip * 2 + 1]!;
    return exchange(mock, mutated.subarray(0, mutated.length - (seed % 3)), { end: true });
  });
  for (const { data } of await Promise.all(runs)) assert.ok(data.length === 0 || (data.length === 6 && data[0] === 8), data.toString('hex'));
  const before = mock.acceptedCount;
  await deliver(mock, frames(1, 2), before + 2);
});

test('should the scanner ever throw, that connection gets status 128 and the process lives on', async () => {
  const original = NotificationScanner.prototype.scan;
  NotificationScanner.prototype.scan = () => {
    throw new Error('boom');
  };
  try {
    const { data } = await exchange(mock, frame(1));
    assert.equal([...data], [8, 128, 0, 0, 0, 0]);
    assert.match(mock.rejected[0]!.reason, /scanner error: boom/);
  } finally {
    NotificationScanner.prototype.scan = original;
  }
  await deliver(mock, frame(2), 1);
});

test('truncated frames at every length: the connection holds the prefix until it idles, then closes', async () => {
  const whole = frame(1);
  const cuts = [1, 4, 5, 20, whole.length - 1];
  const results = await Promise.all(cuts.map((cut) => exchange(mock, whole.subarray(0, cut))));
  for (const { data } of results) assert.is(data.length, 0);
  assert.is(mock.acceptedCount, 0);
  await until(() => mock.stats().openConnections === 0);
});

test('half a frame then idle does not block other clients, and is closed after the partial-frame timeout', async () => {
  const ended: string[] = [];
  mock.on('disconnect', (event) => ended.push(event.reason));
  const idle = openClient(mock);
  const idleDone = transcript(idle);
  await secure(idle);
  idle.write(Buffer.concat([frame(1), frame(2).subarray(0, 30)]));
  await deliver(mock, frames(10, 12), 4);
  await idleDone;
  await until(() => ended.includes('partial-frame-timeout'));
  mock.removeAllListeners('disconnect');
  assert.ok(ended.includes('partial-frame-timeout'));
  assert.is(mock.acceptedCount, 4);
});

test('a frame claiming 4 GB is refused at once, without waiting for it', async () => {
  const claim = Buffer.from([2, 0xff, 0xff, 0xff, 0xff]);
  const { data } = await exchange(mock, Buffer.concat([frame(1), claim, randomBytes(1000)]));
  assert.equal([...data], [8, 128, 0, 0, 0, 0]);
  assert.is(mock.acceptedCount, 1);
});

test('a client that never reads: the feedback service writes a large list and others are still served', async () => {
  const tuples = Array.from({ length: 100_000 }, (_, index) => ({ token: index.toString(16).padStart(64, '0'), timestamp: index }));
  mock.addFeedback(tuples);
  const lazy = openClient(mock, { service: 'feedback' });
  lazy.pause();
  await secure(lazy);
  await sleep(100);
  await deliver(mock, frames(1, 2), 2);
  lazy.destroy();
});

test('hundreds of connections at once are all served', async () => {
  const count = 300;
  const sockets = Array.from({ length: count }, () => openClient(mock));
  await Promise.all(sockets.map((socket) => secure(socket)));
  sockets.forEach((socket, index) => socket.write(frame(index + 1)));
  await mock.waitForNotifications(count, { timeoutMs: 30_000 });
  assert.is(mock.stats().connections, count);
  assert.equal(new Set(mock.notifications.map((n) => n.connection)).size, count);
  for (const socket of sockets) socket.destroy();
});

test('connections over maxConnections are refused and reported; a busy control port is a clear error', async () => {
  const small = await createMockServer({ maxConnections: 1, controlPort: 0 });
  try {
    const reasons: string[] = [];
    small.on('refused', (event) => reasons.push(event.reason));
    const first = openClient(small);
    await secure(first);
    const second = openClient(small);
    const { error } = await transcript(second);
    assert.ok(error, 'the second handshake failed');
    assert.equal(reasons, ['too-many-connections']);
    assert.is(small.stats().refused, 1);
    first.destroy();
    try {
      await createMockServer({ controlPort: small.control!.port });
      assert.unreachable();
    } catch (cause) {
      assert.is((cause as { code?: string }).code, 'APNS_ERR_INVALID_OPTION');
      assert.match((cause as Error).message, /control API/);
    }
  } finally {
    await small.close();
  }
});

test('close() ends open connections and pending waits', async () => {
  const other = await createMockServer();
  const socket = openClient(other);
  const done = transcript(socket);
  await secure(socket);
  const waiting = other.waitForNotifications(5).catch((error: Error & { code?: string }) => error.code);
  await other.close();
  await other.close();
  await done;
  assert.is(await waiting, 'APNS_ERR_SERVER_CLOSED');
});

test.run();
