import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ApnsCodecError, encodeNotification, type Notification } from '@apnskit/codec';
import { FrameQueue, POSSIBLY_DELIVERED } from '../src/frame-queue.js';
import { describeFrame } from '../src/frames.js';

const TOKEN = 'ab'.repeat(32);
const PAYLOAD = '{"aps":{"alert":"Hi"}}';

function queued(notification: Notification, format: 'frame' | 'enhanced' | 'simple' = 'frame'): Buffer {
  const queue = new FrameQueue();
  queue.appendNotification(notification, format, 2048);
  const chunk = queue.shift();
  assert.ok(chunk);
  return Buffer.from(chunk.frameAt(0));
}

test('queued frames are what the codec encodes, identifier 0 until written, and read back as sent', () => {
  const cases: Notification[] = [
    { token: TOKEN, payload: PAYLOAD },
    { token: Buffer.from(TOKEN, 'hex'), payload: Buffer.from(PAYLOAD), expiry: 1600000000, priority: 5 },
    { token: TOKEN.toUpperCase(), payload: PAYLOAD, id: 77, priority: 10 },
  ];
  for (const notification of cases) {
    const frame = queued(notification);
    assert.equal(frame, encodeNotification({ ...notification, id: 0 }, 'frame'));
    const sent = describeFrame(frame);
    assert.is(sent.token, TOKEN);
    assert.is(sent.payload.toString(), PAYLOAD);
    assert.is(sent.id, 0);
    assert.is(sent.expiry, notification.expiry ?? 0);
    assert.is(sent.priority, notification.priority ?? 10);
  }
});

test('one queue, many notifications: each frame reads back as its own (the payload bytes are never stale)', () => {
  const queue = new FrameQueue();
  const payloads = ['{"n":1}', '{"n":2}', '{"n":2}', '{"m":2}', PAYLOAD];
  payloads.forEach((payload, index) => queue.appendNotification({ token: index.toString(16).padStart(64, '0'), payload }, 'frame', 2048));
  const read = [...queue.frames()].map(({ frame }) => describeFrame(frame));
  assert.equal(read.map((sent) => sent.payload.toString()), payloads);
  assert.equal(read.map((sent) => sent.token), payloads.map((_, index) => index.toString(16).padStart(64, '0')));
});

test('one queue, formats and limits changing between appends: each frame in its own format and limit', () => {
  const queue = new FrameQueue();
  queue.appendNotification({ token: TOKEN, payload: PAYLOAD }, 'frame', 2048);
  queue.appendNotification({ token: TOKEN, payload: PAYLOAD }, 'enhanced', 2048);
  queue.appendNotification({ token: TOKEN, payload: 'x'.repeat(3000) }, 'enhanced', 4096);
  assert.throws(() => queue.appendNotification({ token: TOKEN, payload: 'x'.repeat(3000) }, 'enhanced', 2048), (error: unknown) => error instanceof ApnsCodecError);
  assert.equal([...queue.frames()].map(({ frame }) => describeFrame(frame).format), ['frame', 'enhanced', 'enhanced']);
});

test('other shapes go through the codec: objects, Dates, other formats', () => {
  const withObject = { token: TOKEN, payload: { aps: { alert: 'Hi' } }, expiry: new Date(1600000000000) };
  assert.equal(queued(withObject), encodeNotification({ ...withObject, id: 0 }, 'frame'));
  assert.equal(queued({ token: TOKEN, payload: PAYLOAD }, 'enhanced'), encodeNotification({ token: TOKEN, payload: PAYLOAD }, 'enhanced'));
  assert.equal(queued({ token: TOKEN, payload: PAYLOAD }, 'simple'), encodeNotification({ token: TOKEN, payload: PAYLOAD }, 'simple'));
});

test('bad input throws the codec error and queues nothing', () => {
  const queue = new FrameQueue();
  const bad: unknown[] = [
    { token: 'zz'.repeat(32), payload: PAYLOAD },
    { token: 'ab', payload: PAYLOAD },
    { token: TOKEN, payload: '' },
    { token: TOKEN, payload: 'x'.repeat(3000) },
    { token: TOKEN, payload: PAYLOAD, priority: 7 },
    { token: TOKEN, payload: PAYLOAD, expiry: -1 },
    { token: TOKEN, payload: PAYLOAD, id: 2 ** 33 },
    null,
  ];
  for (const notification of bad) {
    assert.throws(() => queue.appendNotification(notification as Notification, 'frame', 2048), (error: unknown) => error instanceof ApnsCodecError);
  }
  assert.is(queue.count, 0);
  assert.is(queue.bytes, 0);
});

/** `count` distinct 32-byte tokens back to back, and the same as hex strings. */
function packedTokens(count: number): { packed: Buffer; hex: string[] } {
  const hex = Array.from({ length: count }, (_, index) => index.toString(16).padStart(8, '0').repeat(8));
  return { packed: Buffer.from(hex.join(''), 'hex'), hex };
}

test('appendForTokens: the same frames as one appendNotification per token, in every format, across chunks', () => {
  const { packed, hex } = packedTokens(40);
  const notification = { token: 'ignored', payload: PAYLOAD, expiry: 1600000000, priority: 5 } as const;
  for (const format of ['frame', 'enhanced', 'simple'] as const) {
    const one = new FrameQueue(300);
    for (const token of hex) one.appendNotification({ ...notification, token }, format, 2048);
    const many = new FrameQueue(300);
    many.appendForTokens(notification, packed, format, 2048);
    assert.is(many.count, 40, format);
    assert.is(many.bytes, one.bytes, format);
    const frames = (queue: FrameQueue) => [...queue.frames()].map(({ frame, mark }) => [frame.toString('hex'), mark]);
    assert.equal(frames(many), frames(one), format);
    assert.ok([...many.frames()].length > 0 && many.shift()!.count < 40, 'several chunks');
  }
});

test('appendForTokens after other appends keeps order; no tokens queues nothing', () => {
  const { packed, hex } = packedTokens(3);
  const queue = new FrameQueue();
  queue.appendNotification({ token: TOKEN, payload: '{"first":1}' }, 'frame', 2048);
  queue.appendForTokens({ payload: PAYLOAD }, packed, 'frame', 2048);
  queue.appendForTokens({ payload: PAYLOAD }, new Uint8Array(0), 'frame', 2048);
  queue.appendNotification({ token: TOKEN, payload: '{"last":1}' }, 'frame', 2048);
  const read = [...queue.frames()].map(({ frame }) => describeFrame(frame));
  assert.equal(read.map((sent) => sent.token), [TOKEN, ...hex, TOKEN]);
  assert.equal(read.map((sent) => sent.payload.toString()), ['{"first":1}', PAYLOAD, PAYLOAD, PAYLOAD, '{"last":1}']);
});

test('appendForTokens: tokens not whole 32-byte tokens, or a bad notification, throw the codec error and queue nothing', () => {
  const queue = new FrameQueue();
  const { packed } = packedTokens(2);
  const cases: Array<[unknown, unknown, RegExp]> = [
    [{ payload: PAYLOAD }, packed.subarray(0, 33), /32-byte device tokens back to back.*33 bytes, not a multiple of 32/],
    [{ payload: PAYLOAD }, TOKEN, /got string/],
    [{ payload: PAYLOAD }, null, /got null/],
    [{ payload: '' }, packed, /payload/],
    [{ payload: PAYLOAD, priority: 7 }, packed, /priority/],
  ];
  for (const [notification, tokens, message] of cases) {
    assert.throws(
      () => queue.appendForTokens(notification as Notification, tokens as Uint8Array, 'frame', 2048),
      (error: unknown) => error instanceof ApnsCodecError && message.test(error.message),
    );
  }
  assert.is(queue.count, 0);
  assert.is(queue.bytes, 0);
});

test('frames read back as notifications in every format', () => {
  for (const format of ['frame', 'enhanced', 'simple'] as const) {
    const frame = encodeNotification({ token: TOKEN, payload: PAYLOAD, id: 9, expiry: 1600000000, priority: 5 }, format);
    const sent = describeFrame(frame);
    assert.is(sent.token, TOKEN);
    assert.is(sent.payload.toString(), PAYLOAD);
    assert.is(sent.format, format);
    assert.is(sent.id, format === 'simple' ? 0 : 9);
    assert.is(sent.expiry, format === 'simple' ? 0 : 1600000000);
    assert.is(sent.priority, format === 'frame' ? 5 : 10);
  }
});

test('a chunk numbers its frames in place, in every format, wrapping past 2^32 - 1 to 1', () => {
  for (const format of ['frame', 'enhanced', 'simple'] as const) {
    const queue = new FrameQueue();
    // Payloads of different lengths, and a resent copy, so that frame ends differ.
    queue.appendNotification({ token: TOKEN, payload: PAYLOAD, id: 7 }, format, 2048);
    queue.appendNotification({ token: TOKEN, payload: '{"a":1}', expiry: 99, priority: 5 }, format, 2048);
    queue.appendFrame(encodeNotification({ token: TOKEN, payload: 'x'.repeat(300) }, format), 0);
    const chunk = queue.shift()!;
    const before = Buffer.from(chunk.buffer.subarray(0, chunk.used));
    chunk.numberFrames(0xfffffffe, format);
    const ids = [0, 1, 2].map((index) => describeFrame(chunk.frameAt(index)).id);
    assert.equal(ids, format === 'simple' ? [0, 0, 0] : [0xfffffffe, 0xffffffff, 1], format);
    if (format === 'simple') assert.equal(chunk.buffer.subarray(0, chunk.used), before);
    // Nothing but the identifiers changed.
    const renumbered = [0, 1, 2].map((index) => ({ ...describeFrame(chunk.frameAt(index)), id: 0 }));
    const original = [0, 1, 2].map((index) => ({ ...describeFrame(before.subarray(chunk.starts[index]!, chunk.starts[index]! + chunk.lengthOf(index))), id: 0 }));
    assert.equal(renumbered, original);
  }
});

test('plain notifications (Buffer token and payload) and converted ones share a chunk and number alike', () => {
  const tokenBytes = Buffer.from(TOKEN, 'hex');
  const notifications: Notification[] = [
    { token: tokenBytes, payload: Buffer.from(PAYLOAD) },
    { token: TOKEN, payload: PAYLOAD, expiry: 60 },
    { token: tokenBytes, payload: Buffer.from('{"n":2}'), expiry: 99, priority: 5, id: 12 },
    { token: tokenBytes, payload: { aps: { alert: 'object' } } },
    { token: new Uint8Array(tokenBytes), payload: new Uint8Array(Buffer.from('{"n":3}')), expiry: new Date(60_000) },
  ];
  const queue = new FrameQueue();
  for (const notification of notifications) queue.appendNotification(notification, 'frame', 2048);
  const chunk = queue.shift()!;
  assert.is(chunk.count, notifications.length);
  chunk.numberFrames(500, 'frame');
  notifications.forEach((notification, index) => {
    assert.equal(Buffer.from(chunk.frameAt(index)), encodeNotification({ ...notification, id: 500 + index }, 'frame'), `notification ${index}`);
  });
});

test('queues keep order across chunks, resends go first, marks travel with frames', () => {
  const queue = new FrameQueue(200);
  for (let index = 0; index < 5; index += 1) queue.appendNotification({ token: index.toString(16).padStart(64, '0'), payload: PAYLOAD }, 'frame', 2048);
  const resend = new FrameQueue(200);
  resend.appendFrame(encodeNotification({ token: 'ff'.repeat(32), payload: PAYLOAD }), POSSIBLY_DELIVERED | 2);
  queue.prependAll(resend);
  assert.is(resend.count, 0);
  queue.appendNotification({ token: 'ee'.repeat(32), payload: PAYLOAD }, 'frame', 2048);
  const order = [...queue.frames()].map(({ frame, mark }) => [describeFrame(frame).token.slice(-2), mark]);
  assert.equal(order, [['ff', POSSIBLY_DELIVERED | 2], ['00', 0], ['01', 0], ['02', 0], ['03', 0], ['04', 0], ['ee', 0]]);
  assert.is(queue.count, 7);
  let taken = 0;
  for (let chunk = queue.shift(); chunk; chunk = queue.shift()) taken += chunk.count;
  assert.is(taken, 7);
  assert.is(queue.count, 0);
  assert.is(queue.bytes, 0);
});

test('prepending into an empty queue keeps appending after the moved frames', () => {
  const queue = new FrameQueue();
  const other = new FrameQueue();
  other.appendNotification({ token: 'aa'.repeat(32), payload: PAYLOAD }, 'frame', 2048);
  queue.prependAll(other);
  queue.appendNotification({ token: 'bb'.repeat(32), payload: PAYLOAD }, 'frame', 2048);
  assert.equal([...queue.frames()].map(({ frame }) => describeFrame(frame).token.slice(0, 2)), ['aa', 'bb']);
  queue.prependAll(new FrameQueue());
  assert.is(queue.count, 2);
});

test.run();
