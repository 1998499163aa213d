// Property tests (fixed seed and run counts): round trips of random notifications, random and
// mutated bytes into every decoder, and chunking that never changes what is decoded.
import fc from 'fast-check';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  ApnsCodecError,
  DecodedNotification,
  encodedLength,
  encodeErrorResponse,
  encodeFeedbackTuple,
  encodeNotification,
  encodeNotificationInto,
  ErrorResponseDecoder,
  FeedbackDecoder,
  NotificationDecoder,
  type DecodeResult,
  type Notification,
  type NotificationFormat,
} from '../src/index.js';
import { plainErrorResponse, plainResult, plainTuple, reencodeNotification } from './helpers/codecs.js';
import {
  cutsArb,
  formatArb,
  mutate,
  mutatedNotificationsArb,
  notificationArb,
  notificationBytesArb,
  RUNS,
  split,
  u32,
} from './helpers/properties.js';

const test = suite('properties');

function payloadBytesOf(payload: Notification['payload']): Buffer {
  if (payload instanceof Uint8Array) return Buffer.from(payload);
  return Buffer.from(typeof payload === 'string' ? payload : JSON.stringify(payload));
}

/** What the decoder must give for `n` sent as `format`. */
function expectedFor(n: Notification & { id: number; expiry: number; priority: 5 | 10 }, format: NotificationFormat): object {
  return {
    kind: 'notification',
    format,
    id: format === 'simple' ? undefined : n.id,
    expiry: format === 'frame' || format === 'enhanced' ? n.expiry : 0,
    priority: format === 'frame' ? n.priority : 10,
    token: Buffer.from(n.token as Uint8Array).toString('hex'),
    payload: payloadBytesOf(n.payload).toString('hex'),
  };
}

function comparable(result: DecodeResult): object {
  if (result.kind === 'error') return plainResult(result);
  const { kind, format, id, expiry, priority } = result;
  return { kind, format, id, expiry, priority, token: result.tokenHex(), payload: result.payload.toString('hex') };
}

test('a random notification round-trips through every format', () => {
  fc.assert(
    fc.property(notificationArb, formatArb, (n, format) => {
      const bytes = encodeNotification(n, format);
      assert.is(bytes.length, encodedLength(n, format));
      const results = new NotificationDecoder().push(bytes);
      assert.is(results.length, 1);
      assert.equal(comparable(results[0]!), expectedFor(n, format));
      assert.equal(reencodeNotification(results[0]!), bytes);
    }),
    RUNS,
  );
});

test('a batch of random notifications in mixed formats decodes the same in any chunking', () => {
  fc.assert(
    fc.property(fc.array(fc.tuple(notificationArb, formatArb), { minLength: 1, maxLength: 12 }), cutsArb, (items, cuts) => {
      const batch = Buffer.alloc(items.reduce((sum, [n, format]) => sum + encodedLength(n, format), 0));
      let offset = 0;
      for (const [n, format] of items) offset += encodeNotificationInto(n, batch, offset, format);
      const expected = items.map(([n, format]) => expectedFor(n, format));
      assert.equal(new NotificationDecoder().push(batch).map(comparable), expected);
      const decoder = new NotificationDecoder();
      assert.equal(split(batch, cuts).flatMap((chunk) => decoder.push(chunk)).map(comparable), expected);
      assert.is(decoder.bufferedBytes, 0);
    }),
    RUNS,
  );
});

const VALID_FAILURE_STATUSES = new Set([2, 4, 5, 7, 128]);

/** Invariants of any NotificationDecoder output; returns it in comparable form. */
function checkedNotificationResults(results: DecodeResult[], decoder: NotificationDecoder): object[] {
  results.forEach((result, index) => {
    if (result.kind === 'notification') {
      assert.instance(result, DecodedNotification);
      assert.is(result.token.length, 32);
      assert.ok(result.payload.length >= 1 && result.payload.length <= decoder.payloadLimit);
      assert.ok(result.priority === 10 || result.priority === 5);
    } else {
      assert.ok(VALID_FAILURE_STATUSES.has(result.status), `status ${result.status}`);
      if (result.fatal) assert.is(index, results.length - 1, 'nothing after a fatal failure');
    }
  });
  return results.map(comparable);
}

test('random and mutated bytes into NotificationDecoder: values only, the same in any chunking', () => {
  fc.assert(
    fc.property(fc.oneof(notificationBytesArb, mutatedNotificationsArb), cutsArb, (bytes, cuts) => {
      const whole = new NotificationDecoder();
      const once = checkedNotificationResults(whole.push(bytes), whole);
      const chunked = new NotificationDecoder();
      const results: DecodeResult[] = [];
      for (const chunk of split(bytes, cuts)) results.push(...chunked.push(chunk));
      assert.equal(checkedNotificationResults(results, chunked), once);
      assert.is(chunked.bufferedBytes, whole.bufferedBytes);
      assert.is(chunked.failed, whole.failed);
    }),
    RUNS,
  );
});

const errorResponseStreamArb = fc.oneof(
  fc.uint8Array({ maxLength: 40 }),
  fc
    .tuple(fc.array(fc.tuple(fc.nat(255), u32), { maxLength: 6 }), fc.array(fc.tuple(fc.constantFrom('set', 'insert', 'delete', 'truncate'), fc.nat(), fc.nat(255)), { maxLength: 3 }))
    .map(([packets, mutations]) => mutate(Buffer.concat(packets.map(([status, id]) => encodeErrorResponse(status, id))), mutations)),
);

test('random and mutated bytes into ErrorResponseDecoder: values only, the same in any chunking', () => {
  fc.assert(
    fc.property(errorResponseStreamArb, cutsArb, (bytes, cuts) => {
      const summary = (results: ReturnType<ErrorResponseDecoder['push']>): unknown[] =>
        results.map((result) => (result.kind === 'garbage' ? 'garbage' : plainErrorResponse(result)));
      const once = summary(new ErrorResponseDecoder().push(bytes));
      const decoder = new ErrorResponseDecoder();
      const chunked = summary(split(bytes, cuts).flatMap((chunk) => decoder.push(chunk)));
      assert.equal(chunked, once);
      assert.ok(once.filter((entry) => entry === 'garbage').length <= 1);
      if (once.includes('garbage')) assert.is(once[once.length - 1], 'garbage');
    }),
    RUNS,
  );
});

const feedbackStreamArb = fc.oneof(
  fc.uint8Array({ maxLength: 120 }),
  fc
    .tuple(
      fc.array(fc.tuple(fc.uint8Array({ minLength: 32, maxLength: 32 }), u32), { maxLength: 4 }),
      fc.array(fc.tuple(fc.constantFrom('set', 'insert', 'delete', 'truncate'), fc.nat(), fc.nat(255)), { maxLength: 3 }),
    )
    .map(([tuples, mutations]) => mutate(Buffer.concat(tuples.map(([token, timestamp]) => encodeFeedbackTuple({ token, timestamp }))), mutations)),
);

/** Tuples, whether garbage was reported, and what a decoder holds at the end of a whole stream. */
function drainFeedback(chunks: readonly Uint8Array[]): { tuples: unknown[]; garbage: number; buffered: number } {
  const decoder = new FeedbackDecoder();
  const tuples: unknown[] = [];
  let garbage = 0;
  for (const chunk of chunks) {
    for (const result of decoder.push(chunk)) {
      if (result.kind === 'garbage') garbage++;
      else tuples.push(plainTuple(result));
    }
  }
  assert.is(decoder.failed, garbage > 0);
  return { tuples, garbage, buffered: decoder.bufferedBytes };
}

test('random and mutated bytes into FeedbackDecoder: tuples then at most one garbage, the same in any chunking, never a throw', () => {
  fc.assert(
    fc.property(feedbackStreamArb, cutsArb, (bytes, cuts) => {
      const once = drainFeedback([bytes]);
      assert.equal(drainFeedback(split(bytes, cuts)), once);
      assert.ok(once.garbage <= 1);
    }),
    RUNS,
  );
});

test.run();
