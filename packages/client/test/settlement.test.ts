import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { statusInfo, type ErrorResponse } from '@apnskit/codec';
import { FrameQueue } from '../src/frame-queue.js';
import { SentWindow } from '../src/sent-window.js';
import { settle } from '../src/settlement.js';

const response = (status: number, id: number): ErrorResponse => ({ kind: 'error-response', status, id, info: statusInfo(status) });

/** A window holding sequences origin.. origin+written-1, of which the oldest `forgotten` were forgotten. */
function windowOf(written: number, forgotten = 0, origin = 1): SentWindow {
  const window = new SentWindow({ maxAgeMs: Infinity, maxCount: written - forgotten, maxBytes: 1 << 30 }, origin);
  pushOneByteFrames(window, written);
  return window;
}

/** Writes `count` one-byte frames into the window as one chunk. */
function pushOneByteFrames(window: SentWindow, count: number): void {
  const queue = new FrameQueue(Math.max(1, count * 38)); // chunks size their offset table for 38-byte frames
  for (let index = 0; index < count; index += 1) queue.appendFrame(Buffer.alloc(1), 1);
  const chunk = queue.shift();
  if (chunk) window.pushChunk(chunk, 0);
}

const base = { origin: 1, cause: 'error-response' as const, anonymous: false, now: 0 };

test('a rejection in the window: before it delivered, it failed, after it discarded', () => {
  const s = settle({ ...base, window: windowOf(10), response: response(8, 4) });
  assert.is(s.cause, 'error-response');
  assert.is(s.delivered, 3);
  assert.equal([s.deliveredFrom, s.deliveredTo], [1, 4]);
  assert.is(s.failedSequence, 4);
  assert.equal([s.tailFrom, s.tailTo, s.tailPossiblyDelivered], [5, 11, false]);
  assert.is(s.forgotten, 0);
  assert.is(s.unknownIdentifier, undefined);
});

test('status 10: the named one was delivered, nothing failed', () => {
  const s = settle({ ...base, window: windowOf(10), response: response(10, 4) });
  assert.is(s.delivered, 4);
  assert.is(s.failedSequence, undefined);
  assert.equal([s.tailFrom, s.tailTo], [5, 11]);
});

test('unknown status bytes fail the named notification', () => {
  const s = settle({ ...base, window: windowOf(3), response: response(77, 2) });
  assert.is(s.failedSequence, 2);
  assert.is(s.delivered, 1);
});

test('a rejection of a forgotten frame: counted, signalled, never a wrong message', () => {
  const s = settle({ ...base, window: windowOf(10, 6), response: response(8, 3) });
  assert.is(s.delivered, 2);
  assert.is(s.failedSequence, undefined);
  assert.ok(s.failedForgotten);
  assert.is(s.unknownIdentifier, 3);
  assert.is(s.forgotten, 3, 'sequences 4..6 were discarded and cannot be resent');
  assert.equal([s.tailFrom, s.tailTo], [7, 11]);
  assert.is(s.delivered + 1 + s.forgotten + (s.tailTo - s.tailFrom), 10);
});

test('status 10 naming a forgotten frame proves it delivered', () => {
  const s = settle({ ...base, window: windowOf(10, 6), response: response(10, 3) });
  assert.is(s.delivered, 3);
  assert.not.ok(s.failedForgotten);
  assert.is(s.forgotten, 3);
});

test('identifier 0 without a probe, or one never written, leaves the whole tail in doubt', () => {
  for (const id of [0, 99]) {
    const s = settle({ ...base, window: windowOf(5, 2), response: response(8, id) });
    assert.is(s.cause, 'unknown-identifier');
    assert.is(s.unknownIdentifier, id);
    assert.is(s.delivered, 0);
    assert.equal([s.tailFrom, s.tailTo, s.tailPossiblyDelivered], [3, 6, true]);
    assert.is(s.forgotten, 2);
  }
});

test('the simple format carries no identifiers: any answer is in doubt', () => {
  const s = settle({ ...base, anonymous: true, window: windowOf(3), response: response(8, 2) });
  assert.is(s.cause, 'unknown-identifier');
});

test('the probe answered (by its identifier or 0) proves everything before it', () => {
  for (const id of [6, 0]) {
    const s = settle({ ...base, window: windowOf(5), response: response(5, id), probeSequence: 6 });
    assert.is(s.cause, 'probe-answered');
    assert.is(s.delivered, 5);
    assert.equal([s.tailFrom, s.tailTo], [6, 6]);
  }
});

test('a rejection before the probe keeps the probe out of the resend tail', () => {
  const s = settle({ ...base, window: windowOf(5), response: response(8, 2), probeSequence: 6 });
  assert.is(s.failedSequence, 2);
  assert.equal([s.tailFrom, s.tailTo], [3, 6]);
});

test('a silent close leaves the remembered tail possibly delivered and counts the forgotten', () => {
  const s = settle({ ...base, cause: 'silent-close', window: windowOf(8, 3) });
  assert.is(s.cause, 'silent-close');
  assert.equal([s.tailFrom, s.tailTo, s.tailPossiblyDelivered], [4, 9, true]);
  assert.is(s.forgotten, 3);
});

test('a failed connect has nothing in doubt', () => {
  const s = settle({ ...base, cause: 'connect-failed', window: windowOf(0 + 1, 0) });
  assert.not.ok(s.tailPossiblyDelivered);
});

test('identifiers keep working across the wrap at 2^32', () => {
  const origin = 0xffffffff - 2;
  const window = new SentWindow({ maxAgeMs: Infinity, maxCount: 100, maxBytes: 1 << 20 }, origin);
  pushOneByteFrames(window, 6);
  // Sequences origin..origin+5 carry 0xfffffffd, 0xfffffffe, 0xffffffff, 1, 2, 3.
  const s = settle({ ...base, origin, window, response: response(8, 2) });
  assert.is(s.failedSequence, origin + 4);
  assert.is(s.delivered, 4);
});

test.run();
