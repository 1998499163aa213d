import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SentWindow } from '../src/sent-window.js';

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

test('grows past its first capacity in order', () => {
  const window = new SentWindow(limits(), 1);
  pushFrames(window, 5000, 0, 1);
  assert.is(window.size, 5000);
  assert.is(window.frame(4000)[0], 3999 & 0xff);
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

test('clear drops every entry', () => {
  const window = new SentWindow(limits(), 1);
  pushFrames(window, 3);
  window.clear();
  assert.is(window.size, 0);
  assert.is(window.bytes, 0);
  assert.is(window.nextSequence, 4);
});

test.run();
