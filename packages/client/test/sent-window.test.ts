import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SentWindow } from '../src/sent-window.js';
import { describeFrame } from '../src/frames.js';

const limits = (over: Partial<{ maxAgeMs: number; maxCount: number; maxBytes: number }> = {}) => ({ maxAgeMs: 15_000, maxCount: 1_000_000, maxBytes: 1 << 30, ...over });

function pushFrames(window: SentWindow, count: number, now = 0, length = 10): Buffer {
  const batch = Buffer.alloc(count * length);
  for (let index = 0; index < count; index += 1) {
    batch.fill(index & 0xff, index * length, (index + 1) * length);
    window.push(batch, index * length, length, 1, now);
  }
  return batch;
}

test('frames are views of the batch, read back by sequence', () => {
  const window = new SentWindow(limits(), 1);
  const batch = pushFrames(window, 5);
  assert.is(window.size, 5);
  assert.is(window.nextSequence, 6);
  assert.equal([...window.frame(3)], Array(10).fill(2));
  assert.is(window.frame(3).buffer, batch.buffer);
  assert.is(window.mark(3), 1);
  assert.throws(() => window.frame(6), /not in the window/);
});

test('grows past its first capacity in order, also when the ring has wrapped', () => {
  const window = new SentWindow(limits({ maxAgeMs: 100 }), 1);
  const batch = Buffer.alloc(70_000);
  for (let index = 0; index < 70_000; index += 1) batch[index] = index % 251;
  for (let index = 0; index < 10_000; index += 1) window.push(batch, index, 1, 1, 0);
  window.expire(50);
  for (let index = 10_000; index < 16_000; index += 1) window.push(batch, index, 1, 1, 150);
  window.expire(160);
  assert.is(window.firstSequence, 10_001);
  for (let index = 16_000; index < 70_000; index += 1) window.push(batch, index, 1, 1, 150);
  assert.is(window.size, 60_000);
  for (const sequence of [10_001, 26_385, 26_386, 50_000, 70_000]) assert.is(window.frame(sequence)[0], (sequence - 1) % 251);
});

test('the count bound forgets the oldest', () => {
  const window = new SentWindow(limits({ maxCount: 3 }), 1);
  pushFrames(window, 5);
  assert.is(window.size, 3);
  assert.is(window.firstSequence, 3);
  assert.is(window.evicted, 2);
  assert.is(window.frame(3)[0], 2);
});

test('the byte bound forgets the oldest', () => {
  const window = new SentWindow(limits({ maxBytes: 25 }), 1);
  pushFrames(window, 4);
  assert.is(window.size, 2);
  assert.is(window.bytes, 20);
  assert.is(window.firstSequence, 3);
});

test('the age bound forgets frames older than maxAgeMs', () => {
  const window = new SentWindow(limits({ maxAgeMs: 100 }), 1);
  pushFrames(window, 2, 0);
  pushFrames(window, 2, 150);
  window.expire(160);
  assert.is(window.size, 2);
  assert.is(window.firstSequence, 3);
});

test('a zero window or an oversized frame remembers nothing but keeps sequences', () => {
  const zero = new SentWindow(limits({ maxCount: 0 }), 1);
  pushFrames(zero, 3);
  assert.is(zero.size, 0);
  assert.is(zero.nextSequence, 4);
  const small = new SentWindow(limits({ maxBytes: 5 }), 7);
  pushFrames(small, 2);
  assert.is(small.size, 0);
  assert.is(small.nextSequence, 9);
});

test('whole chunks are remembered in one pass, with the bounds still applied', async () => {
  const { FrameQueue } = await import('../src/frame-queue.js');
  const queue = new FrameQueue(1000);
  for (let index = 0; index < 30; index += 1) queue.appendNotification({ token: index.toString(16).padStart(64, '0'), payload: '{"n":' + index + '}' }, 'frame', 2048);
  const roomy = new SentWindow(limits(), 1);
  const bounded = new SentWindow(limits({ maxCount: 12 }), 1);
  for (let chunk = queue.shift(); chunk; chunk = queue.shift()) {
    roomy.pushChunk(chunk, 0);
    bounded.pushChunk(chunk, 0);
  }
  assert.is(roomy.size, 30);
  assert.is(describeFrame(roomy.frame(30)).payload.toString(), '{"n":29}');
  assert.is(bounded.size, 12);
  assert.is(bounded.firstSequence, 19);
  assert.equal(bounded.frame(19), roomy.frame(19));
});

test('frames of many batches read back from the right batch across evictions and a clear', () => {
  const window = new SentWindow(limits({ maxCount: 5 }), 1);
  const batches = [0, 1, 2, 3].map((tag) => Buffer.alloc(30, tag));
  // Three 10-byte frames per batch, 12 in all: the count bound keeps the last five.
  for (const batch of batches) for (let index = 0; index < 3; index += 1) window.push(batch, index * 10, 10, 0, 0);
  assert.is(window.firstSequence, 8);
  assert.equal([8, 9, 10, 11, 12].map((sequence) => window.frame(sequence)[0]), [2, 2, 3, 3, 3]);
  window.clear();
  const later = Buffer.alloc(10, 9);
  window.push(later, 0, 10, 0, 0);
  window.push(batches[0], 0, 10, 0, 0);
  assert.equal([13, 14].map((sequence) => window.frame(sequence)[0]), [9, 0]);
});

test('clear drops every entry', () => {
  const window = new SentWindow(limits(), 1);
  pushFrames(window, 3);
  window.clear();
  assert.is(window.size, 0);
  assert.is(window.bytes, 0);
  assert.is(window.nextSequence, 4);
});

test.run();
