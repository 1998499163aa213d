import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { encodeNotification } from '@apnskit/codec';
import { MockServerError, type MockServer } from '../src/index.js';
import { PAYLOAD, TOKEN_A, errorPacket, exchange, frame, frames, openClient, secure, tokenFor, transcript, useMock } from './helpers.js';

let mock!: MockServer;
useMock(test, { closeGraceMs: 200 }, (started) => (mock = started));

test('accepts commands 2, 1 and 0 on one connection and records every field', async () => {
  const expiry = 1_600_000_000;
  const bytes = Buffer.concat([
    encodeNotification({ token: TOKEN_A, payload: PAYLOAD, id: 1, expiry, priority: 5 }, 'frame'),
    encodeNotification({ token: TOKEN_A, payload: '{"n":2}', id: 2, expiry }, 'enhanced'),
    encodeNotification({ token: TOKEN_A, payload: 'not json' }, 'simple'),
  ]);
  const socket = openClient(mock);
  await secure(socket);
  socket.write(bytes);
  await mock.waitForNotifications(3, { timeoutMs: 5000 });
  const [first, second, third] = mock.notifications;
  assert.equal(
    { ...first, payloadRaw: first!.payloadRaw.toString(), receivedAt: 0 },
    { token: TOKEN_A, payload: PAYLOAD, payloadRaw: JSON.stringify(PAYLOAD), id: 1, expiry, priority: 5, format: 'frame', connection: first!.connection, receivedAt: 0 },
  );
  assert.ok(first!.receivedAt > Date.now() - 60_000);
  assert.is(second!.format, 'enhanced');
  assert.equal(second!.payload, { n: 2 });
  assert.is(second!.priority, 10);
  assert.is(third!.format, 'simple');
  assert.is(third!.id, undefined);
  assert.is(third!.payload, null);
  assert.is(third!.payloadRaw.toString(), 'not json');
  assert.is(mock.stats().accepted, 3);
  assert.is(mock.acceptedCount, 3);
  const closed = transcript(socket);
  socket.end();
  const { data } = await closed;
  assert.is(data.length, 0, 'no answer to good notifications');
});

test('numbers connections from 1 in the order they come', async () => {
  const before = mock.stats().connections;
  const one = openClient(mock);
  await secure(one);
  one.write(frame(1));
  await mock.waitForNotifications(1);
  const two = openClient(mock);
  await secure(two);
  two.write(frame(2));
  await mock.waitForNotifications(2);
  const [a, b] = mock.notifications;
  assert.is(b!.connection, a!.connection + 1);
  assert.is(mock.stats().connections, before + 2);
  one.destroy();
  two.destroy();
});

test('a bad token size gets status 5 naming its id, one 6-byte write, close, and the rest is discarded', async () => {
  const badFrame = encodeBadTokenFrame(3);
  const { data } = await exchange(mock, Buffer.concat([frames(1, 2), badFrame, frames(4, 6)]));
  assert.equal(data, errorPacket(5, 3));
  assert.equal(mock.notifications.map((n) => n.id), [1, 2]);
  const [rejection] = mock.rejected;
  assert.is(rejection!.status, 5);
  assert.is(rejection!.id, 3);
  assert.is(rejection!.answered, true);
  assert.is(mock.stats().rejected, 1);
});

/** A frame whose token item is 31 bytes: items still tile the frame. */
function encodeBadTokenFrame(id: number): Buffer {
  const token = Buffer.alloc(31, 1);
  const payload = Buffer.from(JSON.stringify(PAYLOAD));
  const items = Buffer.concat([
    Buffer.from([1, 0, 31]),
    token,
    Buffer.from([2, payload.length >> 8, payload.length & 0xff]),
    payload,
    Buffer.from([3, 0, 4]),
    Buffer.from([0, 0, 0, id]),
  ]);
  const header = Buffer.alloc(5);
  header[0] = 2;
  header.writeUInt32BE(items.length, 1);
  return Buffer.concat([header, items]);
}

test('a payload over the limit gets status 7; a missing payload status 4', async () => {
  const tooLarge = encodeNotification({ token: TOKEN_A, payload: 'x'.repeat(2049), id: 9 }, 'enhanced', { payloadLimit: 4096 });
  assert.equal((await exchange(mock, tooLarge)).data, errorPacket(7, 9));
  const noPayload = Buffer.concat([Buffer.from([1, 0, 0, 0, 7, 0, 0, 0, 0, 0, 32]), Buffer.from(TOKEN_A, 'hex'), Buffer.from([0, 0])]);
  assert.equal((await exchange(mock, noPayload)).data, errorPacket(4, 7));
});

test('a bad command-0 notification closes the connection with no error packet', async () => {
  const simpleBad = Buffer.concat([Buffer.from([0, 0, 31]), Buffer.alloc(31), Buffer.from([0, 2]), Buffer.from('{}')]);
  const { data } = await exchange(mock, Buffer.concat([frame(1, TOKEN_A, 'simple'), simpleBad, frame(2, TOKEN_A, 'simple')]));
  assert.is(data.length, 0);
  assert.is(mock.notifications.length, 1);
  assert.is(mock.rejected[0]!.answered, false);
  assert.is(mock.rejected[0]!.status, 5);
});

test('garbage gets status 128 with identifier 0, and a frame claiming 4 GB too', async () => {
  assert.equal((await exchange(mock, Buffer.from('GET / HTTP/1.1\r\n\r\n'))).data, errorPacket(128, 0));
  const huge = Buffer.from([2, 0xff, 0xff, 0xff, 0xff, 1, 0, 32]);
  assert.equal((await exchange(mock, Buffer.concat([frames(1, 2), huge]))).data, errorPacket(128, 0));
  assert.is(mock.notifications.length, 2);
  assert.is(mock.stats().rejected, 2);
});

test('waitForNotifications rejects with APNS_ERR_WAIT_TIMEOUT and says how many came', async () => {
  try {
    await mock.waitForNotifications(1, { timeoutMs: 50 });
    assert.unreachable('should time out');
  } catch (error) {
    assert.instance(error, MockServerError);
    assert.is((error as MockServerError).code, 'APNS_ERR_WAIT_TIMEOUT');
    assert.match((error as Error).message, /got 0/);
  }
});

test('frames split at every byte arrive whole', async () => {
  const bytes = frames(1, 3);
  const socket = openClient(mock);
  await secure(socket);
  for (let offset = 0; offset < bytes.length; offset += 7) {
    socket.write(bytes.subarray(offset, offset + 7));
  }
  await mock.waitForNotifications(3);
  assert.equal(mock.notifications.map((n) => n.token), [tokenFor(1), tokenFor(2), tokenFor(3)]);
  socket.destroy();
});

/** 3000 notifications: frames in item order 1-5, frames in another order, commands 1 and 0. */
function mixedStream(): { bytes: Buffer; expected: { id: number | undefined; format: string; token: string; n: number }[] } {
  const packets: Buffer[] = [];
  const expected: { id: number | undefined; format: string; token: string; n: number }[] = [];
  for (let n = 1; n <= 3000; n++) {
    const token = tokenFor(n);
    const payload = { n };
    const kind = n % 10;
    if (kind === 7) {
      // Items 3, 1, 2: an order some clients write, parsed through binary-parser.
      const item = (id: number, data: Buffer): Buffer => Buffer.concat([Buffer.from([id, data.length >> 8, data.length & 0xff]), data]);
      const id = Buffer.alloc(4);
      id.writeUInt32BE(n);
      const body = Buffer.concat([item(3, id), item(1, Buffer.from(token, 'hex')), item(2, Buffer.from(JSON.stringify(payload)))]);
      const header = Buffer.alloc(5);
      header[0] = 2;
      header.writeUInt32BE(body.length, 1);
      packets.push(header, body);
      expected.push({ id: n, format: 'frame', token, n });
    } else {
      const format = kind === 8 ? 'enhanced' : kind === 9 ? 'simple' : 'frame';
      packets.push(encodeNotification({ token, payload, id: n }, format));
      expected.push({ id: format === 'simple' ? undefined : n, format, token, n });
    }
  }
  return { bytes: Buffer.concat(packets), expected };
}

for (const withFault of [false, true]) {
  test(`a long mixed stream in odd-sized writes is recorded exactly${withFault ? ', also while a fault watches each notification' : ''}`, async () => {
    if (withFault) mock.faults.add({ type: 'reject-nth', n: 1_000_000, status: 8 });
    const { bytes, expected } = mixedStream();
    const socket = openClient(mock);
    await secure(socket);
    for (let offset = 0, size = 1; offset < bytes.length; offset += size, size = (size * 7 + 3) % 40_000) socket.write(bytes.subarray(offset, offset + size));
    await mock.waitForNotifications(expected.length, { timeoutMs: 20_000 });
    const recorded = mock.notifications.map((n) => ({ id: n.id, format: n.format, token: n.token, n: (n.payload as { n: number }).n }));
    assert.equal(recorded, expected);
    assert.is(mock.stats().rejected, 0);
    socket.destroy();
  });
}

test.run();
