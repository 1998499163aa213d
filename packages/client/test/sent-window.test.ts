import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FrameChunk, FrameQueue } from '../src/frame-queue.js';
import { describeFrame } from '../src/frames.js';
import { SentWindow } from '../src/sent-window.js';

const limits = (over: Partial<{ maxAgeMs: number; maxCount: number; maxBytes: number }> = {}) => ({ maxAgeMs: 15_000, maxCount: 1_000_000, maxBytes: 1 << 30, ...over });

/** A written chunk of `count` frames of `length` bytes, frame i filled with `(first + i) & 0xff`. */
function chunkOf(count: number, first = 0, length = 10, mark = 1): FrameChunk {
  // Room for the offset table too: chunks size it for the smallest real frame (up to 62 bytes).
  const queue = new FrameQueue(Math.max(1, count * Math.max(length, 62)));
  for (let index = 0; index < count; index += 1) queue.appendFrame(Buffer.alloc(length, (first + index) & 0xff), mark);
  const chunk = queue.shift()!;
  assert.is(chunk.count, count);
  return chunk;
}

/** Pushes `count` frames in chunks of `perChunk`; frame of sequence s is filled with (s - firstSequence) & 0xff. */
function pushFrames(window: SentWindow, count: number, now = 0, perChunk = count, length = 10): void {
  for (let done = 0; done < count; done += perChunk) window.pushChunk(chunkOf(Math.min(perChunk, count - done), done, length), now);
}

test('frames are views of the chunk they were written from, read back by sequence', () => {
  const window = new SentWindow(limits(), 1);
  const chunk = chunkOf(5);
  window.pushChunk(chunk, 0);
  assert.is(window.size, 5);
  assert.is(window.bytes, 50);
  assert.is(window.nextSequence, 6);
  assert.equal([...window.frame(3)], Array(10).fill(2));
  assert.is(window.frame(3).buffer, chunk.buffer.buffer);
  assert.is(window.mark(3), 1);
  assert.throws(() => window.frame(6), /not in the window/);
  assert.throws(() => window.mark(0), /not in the window/);
});

test('many chunks: every sequence reads back from its own, across expiry and count eviction', () => {
  const window = new SentWindow(limits({ maxAgeMs: 100, maxCount: 60_000 }), 1);
  pushFrames(window, 10_000, 0, 700);
  window.expire(50);
  pushFrames(window, 6_000, 150, 333);
  window.expire(160);
  assert.is(window.firstSequence, 10_001);
  assert.is(window.size, 6_000);
  pushFrames(window, 60_000, 150, 1_000);
  assert.is(window.size, 60_000);
  assert.is(window.firstSequence, 16_001);
  for (const sequence of [16_001, 16_002, 26_385, 50_000, 76_000]) assert.is(window.frame(sequence)[0], (sequence - 16_001) % 256);
  assert.is(window.evicted, 16_000);
});

test('a long run of small chunks under the count bound: dropped entries are let go of, lookups stay right', () => {
  const window = new SentWindow(limits({ maxCount: 10 }), 1);
  for (let index = 0; index < 500; index += 1) window.pushChunk(chunkOf(1, index), 0);
  assert.is(window.size, 10);
  assert.is(window.firstSequence, 491);
  assert.equal([491, 495, 500].map((sequence) => window.frame(sequence)[0]), [490 & 0xff, 494 & 0xff, 499 & 0xff]);
});

test('the count bound forgets the oldest, also inside a chunk', () => {
  const window = new SentWindow(limits({ maxCount: 3 }), 1);
  pushFrames(window, 5);
  assert.is(window.size, 3);
  assert.is(window.firstSequence, 3);
  assert.is(window.evicted, 2);
  assert.is(window.bytes, 30);
  assert.is(window.frame(3)[0], 2);
});

test('the byte bound forgets the oldest, whole chunks where it can', () => {
  const window = new SentWindow(limits({ maxBytes: 25 }), 1);
  pushFrames(window, 4);
  assert.is(window.size, 2);
  assert.is(window.bytes, 20);
  assert.is(window.firstSequence, 3);
  const chunked = new SentWindow(limits({ maxBytes: 95 }), 1);
  pushFrames(chunked, 30, 0, 4);
  assert.is(chunked.size, 9);
  assert.is(chunked.bytes, 90);
  assert.is(chunked.firstSequence, 22);
  assert.is(chunked.frame(22)[0], 21);
});

test('the age bound forgets frames older than maxAgeMs', () => {
  const window = new SentWindow(limits({ maxAgeMs: 100 }), 1);
  pushFrames(window, 2, 0);
  pushFrames(window, 2, 150);
  window.expire(160);
  assert.is(window.size, 2);
  assert.is(window.firstSequence, 3);
  window.expire(1_000);
  assert.is(window.size, 0);
  assert.is(window.nextSequence, 5);
});

test('a zero window or an oversized frame remembers nothing but keeps sequences', () => {
  const zero = new SentWindow(limits({ maxCount: 0 }), 1);
  pushFrames(zero, 3);
  assert.is(zero.size, 0);
  assert.is(zero.nextSequence, 4);
  const small = new SentWindow(limits({ maxBytes: 5 }), 7);
  pushFrames(small, 2);
  assert.is(small.size, 0);
  assert.is(small.bytes, 0);
  assert.is(small.nextSequence, 9);
  zero.pushChunk(chunkOf(1), 0);
  assert.is(zero.nextSequence, 5);
});

test('whole chunks of notifications are remembered with the bounds still applied', () => {
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

test('clear drops every entry; sequences go on', () => {
  const window = new SentWindow(limits(), 1);
  pushFrames(window, 3);
  window.clear();
  assert.is(window.size, 0);
  assert.is(window.bytes, 0);
  assert.is(window.nextSequence, 4);
  window.pushChunk(chunkOf(2, 40), 0);
  assert.equal([4, 5].map((sequence) => window.frame(sequence)[0]), [40, 41]);
});

test('an empty chunk changes nothing', () => {
  const window = new SentWindow(limits(), 1);
  window.pushChunk(new FrameChunk(100), 0);
  assert.is(window.size, 0);
  assert.is(window.nextSequence, 1);
});

test.run();
