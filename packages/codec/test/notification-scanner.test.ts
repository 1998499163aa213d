// NotificationScanner: the same verdicts in any chunking, whether runs are taken whole or frame by frame, and stops when told.
import fc from 'fast-check';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  NotificationDecoder,
  NotificationScanner,
  type DecodeFailure,
  type NotificationVisitor,
  type ScannedNotification,
} from '../src/index.js';
import { plainResult, type PlainResult } from './helpers/codecs.js';
import { HI_PAYLOAD, TOKEN } from './helpers/hex.js';
import * as naive from './helpers/naive.js';
import { cutsArb, mutatedNotificationsArb, notificationBytesArb, RUNS, split } from './helpers/properties.js';

const test = suite('NotificationScanner');

/** A scanned notification as the decoder's plain result, checking that its packet bounds hold exactly it. */
function plainScanned(view: ScannedNotification): PlainResult {
  const packet = view.source.subarray(view.packetOffset, view.packetOffset + view.byteLength);
  const alone = new NotificationDecoder({ payloadLimit: 0xffff }).push(packet);
  assert.is(alone.length, 1, 'the packet bounds hold one packet');
  assert.is(alone[0]!.kind, 'notification');
  return {
    kind: 'notification',
    format: view.format,
    id: view.id,
    expiry: view.expiry,
    priority: view.priority,
    token: view.tokenHex(),
    payload: view.source.toString('utf8', view.payloadOffset, view.payloadOffset + view.payloadLength),
    byteLength: view.byteLength,
  };
}

/** Records what it is told; says stop after `stopAfter` packets. */
class RecordingVisitor implements NotificationVisitor {
  readonly seen: PlainResult[] = [];
  constructor(private readonly stopAfter = Infinity) {}

  notification(view: ScannedNotification): boolean {
    this.seen.push(plainScanned(view));
    return this.seen.length < this.stopAfter;
  }

  failure(failure: DecodeFailure): boolean {
    this.seen.push(plainResult(failure));
    return this.seen.length < this.stopAfter;
  }
}

/** Also takes runs of accepted canonical frames, checking that each run holds exactly `count` of them. */
class RunRecordingVisitor extends RecordingVisitor {
  runs = 0;

  constructor(private readonly stopAt = Infinity) {
    super(stopAt);
  }

  acceptedRun(source: Buffer, start: number, end: number, count: number): boolean {
    this.runs++;
    const decoded = new NotificationDecoder({ payloadLimit: 0xffff }).push(source.subarray(start, end));
    assert.is(decoded.length, count);
    for (const result of decoded) {
      assert.is(result.kind, 'notification');
      assert.is(result.kind === 'notification' && result.format, 'frame');
      this.seen.push(plainResult(result));
    }
    return this.seen.length < this.stopAt;
  }
}

function scanAll(chunks: readonly Uint8Array[], scanner = new NotificationScanner(), visitor = new RecordingVisitor()): PlainResult[] {
  for (const chunk of chunks) scanner.scan(chunk, visitor);
  return visitor.seen;
}

function decodeAll(chunks: readonly Uint8Array[]): PlainResult[] {
  const decoder = new NotificationDecoder();
  return chunks.flatMap((chunk) => decoder.push(chunk)).map(plainResult);
}

/** Frames of random items in random order, valid or not: every layout the scanner hands to binary-parser. */
const anyItemFramesArb = fc
  .array(
    fc.array(
      fc.oneof(
        fc.constant(naive.tokenItem(TOKEN)),
        fc.uint8Array({ maxLength: 40 }).map((token) => naive.tokenItem(Buffer.from(token))),
        fc.constant(naive.payloadItem(HI_PAYLOAD)),
        fc.constant(naive.payloadItem('')),
        fc.nat().map((id) => naive.idItem(id)),
        fc.nat().map((expiry) => naive.expiryItem(expiry)),
        fc.constantFrom(5, 10, 7).map((priority) => naive.priorityItem(priority)),
      ),
      { maxLength: 6 },
    ),
    { minLength: 1, maxLength: 8 },
  )
  .map((frames) => Buffer.concat(frames.map((items) => naive.frame(...items))));

test('any chunking, frame by frame or runs taken whole, gives what one whole-stream decode gives, for random, mutated and odd-layout streams', () => {
  fc.assert(
    fc.property(fc.oneof(notificationBytesArb, mutatedNotificationsArb, anyItemFramesArb), cutsArb, (bytes, cuts) => {
      const chunks = split(bytes, cuts);
      const scanner = new NotificationScanner();
      const decoder = new NotificationDecoder();
      decoder.push(bytes);
      const expected = decodeAll([bytes]);
      assert.equal(scanAll(chunks, scanner), expected);
      assert.is(scanner.bufferedBytes, decoder.bufferedBytes);
      assert.is(scanner.stopped, decoder.failed);
      assert.equal(scanAll(chunks, new NotificationScanner(), new RunRecordingVisitor()), expected, 'the same when runs are taken whole');
    }),
    RUNS,
  );
});

test('a visitor that stops after k packets saw exactly the first of what the decoder gives', () => {
  fc.assert(
    fc.property(fc.oneof(notificationBytesArb, mutatedNotificationsArb, anyItemFramesArb), cutsArb, fc.nat(12), (bytes, cuts, k) => {
      const expected = decodeAll([bytes]);
      const each = scanAll(split(bytes, cuts), new NotificationScanner(), new RecordingVisitor(k + 1));
      assert.equal(each, expected.slice(0, k + 1));
      const runs = scanAll(split(bytes, cuts), new NotificationScanner(), new RunRecordingVisitor(k + 1));
      assert.ok(runs.length >= Math.min(k + 1, expected.length));
      assert.equal(runs, expected.slice(0, runs.length));
    }),
    RUNS,
  );
});

test('commands 0 and 1 with a bad token or payload fail as the decoder says', () => {
  const stream = Buffer.concat([
    naive.enhanced({ token: TOKEN.subarray(1), payload: HI_PAYLOAD, id: 8 }),
    naive.simple({ token: TOKEN, payload: '' }),
  ]);
  assert.equal(scanAll([stream]), decodeAll([stream]));
  assert.equal(scanAll([stream]).map((seen) => seen.kind === 'error' && seen.status), [5, 4]);
});

test('runs of accepted canonical frames come in one call, broken by anything else, in stream order', () => {
  const good = (id: number): Buffer => naive.frameOf({ token: TOKEN, payload: HI_PAYLOAD, id, priority: id % 2 ? 10 : 5 });
  const badPriority = naive.frameOf({ token: TOKEN, payload: HI_PAYLOAD, id: 50, priority: 7 });
  const odd = naive.frame(naive.idItem(60), naive.tokenItem(TOKEN), naive.payloadItem(HI_PAYLOAD));
  const stream = Buffer.concat([good(1), good(2), good(3), odd, good(4), naive.enhanced({ token: TOKEN, payload: HI_PAYLOAD, id: 5 }), good(6), good(7), badPriority, good(8)]);
  const visitor = new RunRecordingVisitor();
  scanAll([stream], new NotificationScanner(), visitor);
  assert.equal(visitor.seen.map((seen) => (seen.kind === 'error' ? `error ${seen.status}` : seen.id)), [1, 2, 3, 60, 4, 5, 6, 7, 'error 128', 8]);
  assert.is(visitor.runs, 4);
  const limited = new RunRecordingVisitor();
  scanAll([Buffer.concat([good(1), good(2)])], new NotificationScanner({ payloadLimit: 5 }), limited);
  assert.equal(limited.seen.map((seen) => seen.kind === 'error' && seen.status), [7, 7]);
  const stops = new RunRecordingVisitor();
  stops.acceptedRun = () => false;
  const stopped = new NotificationScanner();
  scanAll([Buffer.concat([good(1), good(2), good(3)])], stopped, stops);
  assert.ok(stopped.stopped);
});

test('every subset of the five items in every order, alone and in one run, as the decoder judges them', () => {
  const itemFor = [naive.tokenItem(TOKEN), naive.payloadItem(HI_PAYLOAD), naive.idItem(9), naive.expiryItem(99), naive.priorityItem(5)];
  const orders = subsets([0, 1, 2, 3, 4]).flatMap(permutations);
  const frames = orders.map((order) => naive.frame(...order.map((index) => itemFor[index]!)));
  const stream = Buffer.concat(frames.flatMap((frame) => [frame, frame]));
  assert.equal(scanAll([stream]), decodeAll([stream]));
  assert.equal(scanAll(frames), decodeAll(frames));
});

test('commands 0 and 1 and canonical frames are read where they lie, in the chunk pushed', () => {
  const packets = [
    naive.frameOf({ token: TOKEN, payload: HI_PAYLOAD, id: 1, expiry: 2, priority: 5 }),
    naive.enhanced({ token: TOKEN, payload: HI_PAYLOAD, id: 3, expiry: 4 }),
    naive.simple({ token: TOKEN, payload: HI_PAYLOAD }),
  ];
  const stream = Buffer.concat(packets);
  const sources: Buffer[] = [];
  const offsets: number[] = [];
  new NotificationScanner().scan(stream, {
    notification: (view) => (sources.push(view.source), offsets.push(view.packetOffset), true),
    failure: () => {
      assert.unreachable('no failure');
      return false;
    },
  });
  assert.ok(sources.every((source) => source === stream));
  assert.equal(offsets, [0, packets[0]!.length, packets[0]!.length + packets[1]!.length]);
});

test('a packet split across chunks comes from a buffer of its own, the rest from the chunk', () => {
  const one = naive.frameOf({ token: TOKEN, payload: HI_PAYLOAD, id: 1 });
  const two = naive.frameOf({ token: TOKEN, payload: HI_PAYLOAD, id: 2 });
  const second = Buffer.concat([one.subarray(10), two]);
  const views: { id: number | undefined; source: Buffer; at: number }[] = [];
  const scanner = new NotificationScanner();
  const visitor: NotificationVisitor = {
    notification: (view) => (views.push({ id: view.id, source: view.source, at: view.packetOffset }), true),
    failure: () => {
      assert.unreachable('no failure');
      return false;
    },
  };
  scanner.scan(one.subarray(0, 10), visitor);
  assert.is(scanner.bufferedBytes, 10);
  scanner.scan(second, visitor);
  assert.equal(views.map((view) => view.id), [1, 2]);
  assert.is.not(views[0]!.source, second);
  assert.equal(views[0]!.source.subarray(views[0]!.at, views[0]!.at + one.length), one);
  // The rest is read in the chunk itself.
  assert.is(views[1]!.source, second);
  assert.is(views[1]!.at, one.length - 10);
});

test('a visitor that says stop ends the scan for good: nothing more is read or held, until reset', () => {
  const frames = [1, 2, 3].map((id) => naive.frameOf({ token: TOKEN, payload: HI_PAYLOAD, id }));
  const bad = naive.frameOf({ token: TOKEN.subarray(1), payload: HI_PAYLOAD, id: 9 });
  const scanner = new NotificationScanner();
  const stopAtSecond = new RecordingVisitor(2);
  scanner.scan(Buffer.concat([...frames, frames[0]!.subarray(0, 7)]), stopAtSecond);
  assert.equal(stopAtSecond.seen.map((seen) => seen.id), [1, 2]);
  assert.ok(scanner.stopped);
  assert.is(scanner.bufferedBytes, 0);
  scanner.scan(frames[2]!, stopAtSecond);
  assert.is(stopAtSecond.seen.length, 2);
  // A stop on a failure, and on a packet completed from two chunks.
  const stopOnFailure = new RecordingVisitor(2);
  scanAll([Buffer.concat([frames[0]!, bad, frames[1]!])], new NotificationScanner(), stopOnFailure);
  assert.equal(stopOnFailure.seen.map((seen) => seen.kind), ['notification', 'error']);
  const stopOnJoined = new RecordingVisitor(1);
  const joined = new NotificationScanner();
  scanAll([frames[0]!.subarray(0, 20), Buffer.concat([frames[0]!.subarray(20), frames[1]!])], joined, stopOnJoined);
  assert.is(stopOnJoined.seen.length, 1);
  assert.ok(joined.stopped);
  scanner.reset();
  assert.not.ok(scanner.stopped);
  assert.equal(scanAll([frames[2]!], scanner).map((seen) => seen.id), [3]);
});

test('a stop inside a run of odd-layout frames ends the scan there', () => {
  const odd = (id: number): Buffer => naive.frame(naive.idItem(id), naive.tokenItem(TOKEN), naive.payloadItem(HI_PAYLOAD));
  const visitor = new RecordingVisitor(2);
  const scanner = new NotificationScanner();
  scanner.scan(Buffer.concat([odd(1), odd(2), odd(3)]), visitor);
  assert.equal(visitor.seen.map((seen) => seen.id), [1, 2]);
  assert.ok(scanner.stopped);
  // Odd-layout frames waiting for their parse, then a packet of another kind: the stop comes first.
  const canonical = naive.frameOf({ token: TOKEN, payload: HI_PAYLOAD, id: 3 });
  const enhanced = naive.enhanced({ token: TOKEN, payload: HI_PAYLOAD, id: 3 });
  for (const [next, makeVisitor] of [
    [canonical, () => new RecordingVisitor(1)],
    [canonical, () => new RunRecordingVisitor(1)],
    [enhanced, () => new RecordingVisitor(1)],
  ] as const) {
    const seen = scanAll([Buffer.concat([odd(1), odd(2), next])], new NotificationScanner(), makeVisitor());
    assert.equal(seen.map((one) => one.id), [1]);
  }
  assert.equal(scanAll([Buffer.concat([enhanced, enhanced])], new NotificationScanner(), new RecordingVisitor(1)).length, 1);
});

test('after a fatal failure nothing is read; empty chunks change nothing; bad limits are refused', () => {
  const scanner = new NotificationScanner();
  const visitor = new RecordingVisitor();
  scanner.scan(new Uint8Array(0), visitor);
  scanner.scan(Buffer.from([9, 9, 9]), visitor);
  scanner.scan(naive.frameOf({ token: TOKEN, payload: HI_PAYLOAD, id: 1 }), visitor);
  assert.equal(visitor.seen.map((seen) => seen.kind), ['error']);
  assert.ok(scanner.stopped);
  assert.throws(() => new NotificationScanner({ payloadLimit: 0 }), /payloadLimit/);
  assert.is(new NotificationScanner({ payloadLimit: 4096 }).payloadLimit, 4096);
});

test('accepts Uint8Array chunks at an offset of their ArrayBuffer', () => {
  const frame = naive.frameOf({ token: TOKEN, payload: HI_PAYLOAD, id: 5 });
  const backing = new Uint8Array(frame.length + 3);
  backing.set(frame, 3);
  assert.equal(scanAll([backing.subarray(3)]).map((seen) => seen.id), [5]);
});

function subsets(values: number[]): number[][] {
  return values.reduce<number[][]>((all, value) => [...all, ...all.map((subset) => [...subset, value])], [[]]);
}

function permutations(values: number[]): number[][] {
  if (values.length <= 1) return [values];
  return values.flatMap((value, index) => permutations([...values.slice(0, index), ...values.slice(index + 1)]).map((rest) => [value, ...rest]));
}

test.run();
