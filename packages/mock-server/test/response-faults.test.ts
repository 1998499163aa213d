import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createMockServer, type MockServer } from '../src/index.js';
import { TOKEN_A, errorPacket, exchange, frame, frames, openClient, secure, sleep, tokenFor, transcript, useMock } from './helpers.js';

let mock!: MockServer;
useMock(test, { closeGraceMs: 200 }, (started) => (mock = started));

async function firstRandomRejection(seed: number): Promise<number> {
  mock.reset();
  mock.faults.add({ type: 'reject-random', p: 0.2, status: 8, seed });
  const { data } = await exchange(mock, frames(1, 200));
  assert.is(data.length, 6);
  return data.readUInt32BE(2);
}

test('reject-random is reproducible from its seed and respects p = 0 and p = 1', async () => {
  const first = await firstRandomRejection(123);
  assert.is(await firstRandomRejection(123), first);
  assert.is(mock.notifications.length, first - 1);
  mock.reset();
  mock.faults.add({ type: 'reject-random', p: 1, status: 2 });
  assert.equal((await exchange(mock, frames(5, 6))).data, errorPacket(2, 5));
  mock.reset();
  mock.faults.add({ type: 'reject-random', p: 0, repeat: true });
  const socket = openClient(mock);
  await secure(socket);
  socket.write(frames(1, 50));
  await mock.waitForNotifications(50);
  socket.destroy();
});

test('reject-random without a seed draws from the server seed: two servers with one seed agree', async () => {
  const ids: number[] = [];
  for (let run = 0; run < 2; run++) {
    const other = await createMockServer({ seed: 99, closeGraceMs: 100, faults: [{ type: 'reject-random', p: 0.1, repeat: true }] });
    const socket = openClient(other);
    const done = transcript(socket);
    await secure(socket);
    socket.write(frames(1, 300));
    const { data } = await done;
    ids.push(data.readUInt32BE(2));
    await other.close();
  }
  assert.is(ids[0], ids[1]);
});

test('reset-after resets the TCP connection after n notifications', async () => {
  mock.faults.add({ type: 'reset-after', n: 2 });
  const { data, error } = await exchange(mock, frames(1, 5));
  assert.is(data.length, 0);
  assert.is(error?.code, 'ECONNRESET');
  assert.equal(mock.notifications.map((n) => n.id), [1, 2]);
  assert.is(mock.stats().resets, 1);
});

test('delay-error holds the answer while it keeps reading and discarding', async () => {
  mock.faults.add({ type: 'delay-error', ms: 400 });
  mock.faults.add({ type: 'reject-nth', n: 2, status: 8 });
  const socket = openClient(mock);
  const done = transcript(socket);
  await secure(socket);
  socket.write(frames(1, 3));
  await mock.waitForRejections(1);
  await sleep(50);
  const more = frames(4, 400);
  socket.write(more);
  const { data } = await done;
  assert.equal(data, errorPacket(8, 2));
  assert.equal(mock.notifications.map((n) => n.id), [1]);
  assert.ok(mock.stats().discardedBytes >= more.length, 'what came during the delay was read and dropped');
});

test('split-error writes the answer in two writes', async () => {
  mock.faults.add({ type: 'split-error', gapMs: 150 });
  mock.faults.add({ type: 'reject-token', token: tokenFor(3), status: 8 });
  const { data, reads } = await exchange(mock, frames(1, 4));
  assert.equal(data, errorPacket(8, 3));
  assert.is(reads, 2);
});

test('zero-id answers with identifier 0; response faults are one-shot', async () => {
  mock.faults.add({ type: 'zero-id' });
  assert.equal((await exchange(mock, badFrame(7))).data, errorPacket(5, 0));
  assert.equal((await exchange(mock, badFrame(8))).data, errorPacket(5, 8));
});

/** An enhanced notification whose token is 31 bytes: status 5. */
function badFrame(id: number): Buffer {
  const header = Buffer.from([1, 0, 0, 0, id, 0, 0, 0, 0, 0, 31]);
  return Buffer.concat([header, Buffer.alloc(31, 7), Buffer.from([0, 2]), Buffer.from('{}')]);
}

test('zero-id with repeat, and the shutdown answer can be delayed too', async () => {
  mock.faults.add({ type: 'zero-id', repeat: true });
  mock.faults.add({ type: 'shutdown-after', n: 1, repeat: true });
  assert.equal((await exchange(mock, frames(1, 2))).data, errorPacket(10, 0));
  assert.equal((await exchange(mock, frames(3, 4))).data, errorPacket(10, 0));
  assert.equal(mock.notifications.map((n) => n.id), [1, 3]);
});

test('a shutdown on a command-0 stream closes with no packet (nothing to name)', async () => {
  mock.faults.add({ type: 'shutdown-after', n: 1 });
  const { data } = await exchange(mock, Buffer.concat([frame(1, TOKEN_A, 'simple'), frame(2, TOKEN_A, 'simple')]));
  assert.is(data.length, 0);
  assert.is(mock.notifications.length, 1);
});

test('stall-reads stops reading for a while: nothing is accepted meanwhile, then everything is', async () => {
  // Long enough to outlast building and encrypting the 16 MB below on a loaded machine (about 0.4 s).
  mock.faults.add({ type: 'stall-reads', ms: 2000, n: 1 });
  const socket = openClient(mock);
  await secure(socket);
  socket.write(frame(1));
  await mock.waitForNotifications(1);
  // 16 MB: more than loopback socket buffers hold.
  const flood = Buffer.concat(new Array<Buffer>(200_000).fill(frame(2)));
  socket.write(flood);
  await sleep(250);
  assert.is(mock.acceptedCount, 1, 'the stalled connection read nothing');
  assert.ok(socket.writableLength > 0, 'the client holds unsent bytes: backpressure');
  await mock.waitForNotifications(200_001, { timeoutMs: 20_000 });
  assert.is(mock.stats().stalls, 1);
  socket.destroy();
});

test('a stall longer than the partial-frame timeout does not close the stalled connection', async () => {
  const stalling = await createMockServer({ partialFrameTimeoutMs: 100, closeGraceMs: 100 });
  try {
    stalling.faults.add({ type: 'stall-reads', ms: 400, n: 1 });
    const socket = openClient(stalling);
    await secure(socket);
    // The first chunk ends in half a notification, then the stall starts.
    socket.write(Buffer.concat([frame(1), frame(2).subarray(0, 20)]));
    await stalling.waitForNotifications(1);
    socket.write(frame(2).subarray(20));
    await stalling.waitForNotifications(2, { timeoutMs: 5000 });
    assert.is(socket.destroyed, false);
    socket.destroy();
  } finally {
    await stalling.close();
  }
});

test.run();
