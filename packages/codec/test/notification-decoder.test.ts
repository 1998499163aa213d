// NotificationDecoder on streams: mixed commands, item orders, failures and what comes after them.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { NotificationDecoder } from '../src/index.js';
import { MAX_FRAME_LENGTH } from '../src/wire.js';
import { plainResult, type PlainResult } from './helpers/codecs.js';
import { throwsCode } from './helpers/errors.js';
import { HI_PAYLOAD, hex, TOKEN, TOKEN_HEX } from './helpers/hex.js';
import * as naive from './helpers/naive.js';

const test = suite('NotificationDecoder');

function decodeAll(chunks: readonly Uint8Array[], decoder = new NotificationDecoder()): PlainResult[] {
  return chunks.flatMap((chunk) => decoder.push(chunk)).map(plainResult);
}

function chunksOf(bytes: Buffer, size: number): Buffer[] {
  const chunks: Buffer[] = [];
  for (let offset = 0; offset < bytes.length; offset += size) chunks.push(bytes.subarray(offset, offset + size));
  return chunks;
}

const payloadOf = (id: number): string => `{"aps":{"alert":"n${id}"}}`;

function accepted(format: string, id: number | undefined, expiry = 0, priority = 10): Partial<PlainResult> {
  return { kind: 'notification', format, id, expiry, priority, token: TOKEN_HEX };
}

/** Compares only the fields the expectation names. */
function assertResults(actual: PlainResult[], expected: Partial<PlainResult>[]): void {
  assert.is(actual.length, expected.length, `results: ${JSON.stringify(actual)}`);
  expected.forEach((fields, index) => {
    const picked = Object.fromEntries(Object.keys(fields).map((key) => [key, (actual[index] as Record<string, unknown>)[key]]));
    assert.equal(picked, fields, `result ${index}`);
  });
}

const mixedStream = Buffer.concat([
  naive.frameOf({ token: TOKEN, payload: payloadOf(1), id: 1, expiry: 100, priority: 5 }),
  naive.enhanced({ token: TOKEN, payload: payloadOf(2), id: 2, expiry: 200 }),
  naive.simple({ token: TOKEN, payload: payloadOf(3) }),
  naive.frame(naive.idItem(4), naive.tokenItem(TOKEN), naive.payloadItem(payloadOf(4)), naive.expiryItem(400), naive.priorityItem(10)),
  naive.frameOf({ token: TOKEN, payload: payloadOf(5), id: 5 }),
  naive.enhanced({ token: TOKEN, payload: payloadOf(6), id: 6 }),
]);
const mixedExpected = [
  { ...accepted('frame', 1, 100, 5), payload: payloadOf(1) },
  { ...accepted('enhanced', 2, 200), payload: payloadOf(2) },
  { ...accepted('simple', undefined), payload: payloadOf(3) },
  { ...accepted('frame', 4, 400), payload: payloadOf(4) },
  { ...accepted('frame', 5), payload: payloadOf(5) },
  { ...accepted('enhanced', 6), payload: payloadOf(6) },
];

test('commands 0, 1 and 2 mixed on one stream, in one chunk', () => {
  assertResults(decodeAll([mixedStream]), mixedExpected);
});

test('the mixed stream byte by byte and in chunks of every size up to 80', () => {
  assertResults(decodeAll(chunksOf(mixedStream, 1)), mixedExpected);
  for (let size = 2; size <= 80; size++) assertResults(decodeAll(chunksOf(mixedStream, size)), mixedExpected);
});

test('command-2 items in every order of the five', () => {
  const items = [
    naive.tokenItem(TOKEN),
    naive.payloadItem(HI_PAYLOAD),
    naive.idItem(77),
    naive.expiryItem(1600000000),
    naive.priorityItem(5),
  ];
  const orders = permutations([0, 1, 2, 3, 4]);
  assert.is(orders.length, 120);
  const stream = Buffer.concat(orders.map((order) => naive.frame(...order.map((index) => items[index]!))));
  const results = decodeAll([stream]);
  assert.is(results.length, 120);
  for (const result of results) {
    assert.equal(result, {
      kind: 'notification', format: 'frame', id: 77, expiry: 1600000000, priority: 5, token: TOKEN_HEX, payload: HI_PAYLOAD, byteLength: 83,
    });
  }
});

test('every subset of the five items in every order (all 326 layouts), with defaults for what is missing', () => {
  const itemFor: Record<number, Buffer> = {
    1: naive.tokenItem(TOKEN),
    2: naive.payloadItem(HI_PAYLOAD),
    3: naive.idItem(78),
    4: naive.expiryItem(1600000000),
    5: naive.priorityItem(5),
  };
  const orders = subsets([1, 2, 3, 4, 5]).flatMap(permutations);
  assert.is(orders.length, 326);
  const frames = orders.map((order) => naive.frame(...order.map((itemId) => itemFor[itemId]!)));
  const expected = orders.map((order): Partial<PlainResult> => {
    const has = (itemId: number): boolean => order.includes(itemId);
    const id = has(3) ? 78 : undefined;
    if (!has(1)) return { kind: 'error', status: 2, id };
    if (!has(2)) return { kind: 'error', status: 4, id };
    return { ...accepted('frame', id, has(4) ? 1600000000 : 0, has(5) ? 5 : 10), payload: HI_PAYLOAD };
  });
  const stream = Buffer.concat(frames);
  assertResults(decodeAll([stream]), expected);
  assertResults(decodeAll(chunksOf(stream, 50)), expected);
  // Each layout in a run of its own, and the same layouts again from the parser cache.
  assertResults(decodeAll(frames), expected);
  assertResults(decodeAll(frames.flatMap((frame) => [frame, frame])), expected.flatMap((fields) => [fields, fields]));
});

function subsets(values: number[]): number[][] {
  return values.reduce<number[][]>((all, value) => [...all, ...all.map((subset) => [...subset, value])], [[]]);
}

function permutations(values: number[]): number[][] {
  if (values.length <= 1) return [values];
  return values.flatMap((value, index) =>
    permutations([...values.slice(0, index), ...values.slice(index + 1)]).map((rest) => [value, ...rest]),
  );
}

const malformedCases: { name: string; bytes: Buffer; status: number; id: number | undefined }[] = [
  { name: 'missing token', bytes: naive.frame(naive.payloadItem(HI_PAYLOAD), naive.idItem(31)), status: 2, id: 31 },
  { name: 'missing payload', bytes: naive.frame(naive.tokenItem(TOKEN), naive.idItem(32)), status: 4, id: 32 },
  { name: 'token size', bytes: naive.frameOf({ token: Buffer.alloc(16), payload: HI_PAYLOAD, id: 33 }), status: 5, id: 33 },
  { name: 'payload size', bytes: naive.frameOf({ token: TOKEN, payload: 'p'.repeat(3000), id: 34 }), status: 7, id: 34 },
  { name: 'unknown item', bytes: naive.frame(naive.idItem(35), naive.item(9, 'x'), naive.tokenItem(TOKEN)), status: 128, id: 35 },
  { name: 'fixed item size', bytes: naive.frame(naive.idItem(36), naive.item(4, 'xyz')), status: 128, id: 36 },
  { name: 'items do not tile', bytes: hex('02 0000000a 03 0004 00000025 05 0002'), status: 128, id: 37 },
  { name: 'duplicate item', bytes: naive.frame(naive.idItem(38), naive.priorityItem(5), naive.priorityItem(5)), status: 128, id: 38 },
  { name: 'bad priority', bytes: naive.frameOf({ token: TOKEN, payload: HI_PAYLOAD, id: 39, priority: 1 }), status: 128, id: 39 },
  { name: 'command 1 token size', bytes: naive.enhanced({ token: Buffer.alloc(64), payload: HI_PAYLOAD, id: 40 }), status: 5, id: 40 },
  { name: 'command 0 missing payload', bytes: naive.simple({ token: TOKEN, payload: '' }), status: 4, id: undefined },
];

for (const { name, bytes, status, id } of malformedCases) {
  test(`after a non-fatal failure (${name}: status ${status}, id ${id}) the next packet decodes`, () => {
    const before = naive.frameOf({ token: TOKEN, payload: payloadOf(1), id: 1 });
    const after = naive.enhanced({ token: TOKEN, payload: payloadOf(2), id: 2 });
    const stream = Buffer.concat([before, bytes, after]);
    for (const chunks of [[stream], chunksOf(stream, 1), chunksOf(stream, 7)]) {
      const decoder = new NotificationDecoder();
      const results = decodeAll(chunks, decoder);
      assertResults(results, [accepted('frame', 1), { kind: 'error', status, id, fatal: false }, accepted('enhanced', 2)]);
      assert.not.ok(decoder.failed);
    }
  });
}

test('a failure carries a reason that names the problem', () => {
  const reasons = malformedCases.map(({ bytes }) => {
    const [result] = new NotificationDecoder().push(bytes);
    assert.ok(result && result.kind === 'error');
    return result.kind === 'error' ? result.reason : '';
  });
  assert.equal(reasons, [
    'missing device token',
    'missing payload',
    'token is 16 bytes, not 32',
    'payload is 3000 bytes, over 2048',
    'unknown item id 9',
    'item 4 is 3 bytes, not 4',
    'frame items do not add up to the frame length',
    'item 5 appears twice',
    'priority 1 is neither 10 nor 5',
    'token is 64 bytes, not 32',
    'missing payload',
  ]);
  const [fatal] = new NotificationDecoder().push(hex('07'));
  assert.equal(fatal && fatal.kind === 'error' ? fatal.reason : '', 'unknown command byte 7');
  const [tooLong] = new NotificationDecoder().push(hex('02 ffffffff'));
  assert.equal(tooLong && tooLong.kind === 'error' ? tooLong.reason : '', 'frame length beyond what the protocol allows');
});

test('after a fatal failure the rest of the stream is ignored, until reset', () => {
  const good = naive.frameOf({ token: TOKEN, payload: HI_PAYLOAD, id: 1 });
  const decoder = new NotificationDecoder();
  const results = decodeAll([Buffer.concat([good, hex('ff'), good]), good], decoder);
  assertResults(results, [accepted('frame', 1), { kind: 'error', status: 128, id: undefined, format: undefined, fatal: true }]);
  assert.ok(decoder.failed);
  assert.is(decoder.bufferedBytes, 0);
  assert.equal(decoder.push(good), []);
  decoder.reset();
  assert.not.ok(decoder.failed);
  assertResults(decodeAll([good], decoder), [accepted('frame', 1)]);
});

test('a frame claiming 4 GB fails at once from its 5-byte header, buffering nothing', () => {
  const decoder = new NotificationDecoder();
  assert.equal(decoder.push(hex('02 ffff')), []);
  assert.is(decoder.bufferedBytes, 3);
  const results = decodeAll([hex('ffff')], decoder);
  assertResults(results, [{ kind: 'error', status: 128, id: undefined, format: 'frame', fatal: true }]);
  assert.is(decoder.bufferedBytes, 0);
  assert.ok(decoder.failed);
});

test('a frame claiming the largest possible length is waited for, then judged', () => {
  const decoder = new NotificationDecoder();
  const header = Buffer.concat([naive.u8(2), naive.u32(MAX_FRAME_LENGTH)]);
  assert.equal(decoder.push(header), []);
  const body = Buffer.concat(Array.from({ length: 5 }, (_, index) => naive.item(index + 1, Buffer.alloc(0xffff))));
  assert.is(body.length, MAX_FRAME_LENGTH);
  assert.equal(decoder.push(body.subarray(0, 100_000)), []);
  assert.is(decoder.bufferedBytes, 100_005);
  assertResults(decodeAll([body.subarray(100_000)], decoder), [{ kind: 'error', status: 128, id: undefined, fatal: false }]);
  assert.is(decoder.bufferedBytes, 0);
});

test('a frame with no items fails with status 2 (no token first)', () => {
  assertResults(decodeAll([hex('02 00000000')]), [{ kind: 'error', status: 2, id: undefined, format: 'frame', fatal: false }]);
});

test('accepts Uint8Array chunks that are not Buffers, at an offset of their ArrayBuffer', () => {
  const frame = naive.frameOf({ token: TOKEN, payload: HI_PAYLOAD, id: 8 });
  const backing = new Uint8Array(frame.length + 10);
  backing.set(frame, 10);
  const view = new Uint8Array(backing.buffer, 10, frame.length);
  assertResults(decodeAll([view.subarray(0, 20), view.subarray(20)]), [{ ...accepted('frame', 8), payload: HI_PAYLOAD }]);
});

test('empty chunks change nothing', () => {
  const decoder = new NotificationDecoder();
  const frame = naive.frameOf({ token: TOKEN, payload: HI_PAYLOAD, id: 8 });
  assert.equal(decoder.push(Buffer.alloc(0)), []);
  decoder.push(frame.subarray(0, 9));
  assert.equal(decoder.push(new Uint8Array(0)), []);
  assert.is(decoder.bufferedBytes, 9);
  assertResults(decodeAll([frame.subarray(9)], decoder), [accepted('frame', 8)]);
});

test('decoded token and payload are views that stay valid while more chunks arrive', () => {
  const decoder = new NotificationDecoder();
  const first = naive.frameOf({ token: TOKEN, payload: payloadOf(1), id: 1 });
  const second = naive.frameOf({ token: Buffer.alloc(32, 0xab), payload: payloadOf(2), id: 2 });
  const [one] = decoder.push(Buffer.concat([first, second.subarray(0, 50)]));
  const [two] = decoder.push(second.subarray(50));
  assert.ok(one?.kind === 'notification' && two?.kind === 'notification');
  if (one?.kind !== 'notification' || two?.kind !== 'notification') return;
  assert.equal(one.token, TOKEN);
  assert.is(one.payload.toString(), payloadOf(1));
  assert.is(one.tokenHex(), TOKEN_HEX);
  assert.is(two.tokenHex(), 'ab'.repeat(32));
  assert.is(two.payloadText(), payloadOf(2));
  assert.is(two.source.subarray(two.payloadOffset, two.payloadOffset + two.payloadLength).toString(), payloadOf(2));
  assert.is(one.byteLength, first.length);
});

test('1000 frames in 64 KiB chunks that cut frames anywhere, canonical and other orders alternating', () => {
  const frames: Buffer[] = [];
  for (let id = 0; id < 1000; id++) {
    const payload = `{"aps":{"alert":"${'m'.repeat(id % 300)}"}}`;
    frames.push(
      id % 3 === 0
        ? naive.frame(naive.idItem(id), naive.tokenItem(TOKEN), naive.payloadItem(payload), naive.priorityItem(5))
        : naive.frameOf({ token: TOKEN, payload, id, expiry: id }),
    );
  }
  const stream = Buffer.concat(frames);
  for (const size of [65536, 4093, 257, 100, 31]) {
    const results = decodeAll(chunksOf(stream, size));
    assert.is(results.length, 1000);
    results.forEach((result, id) => {
      assert.is(result.kind, 'notification');
      assert.is(result.id, id);
      if (result.kind === 'notification') assert.is(result.payload.length, 20 + (id % 300));
    });
  }
});

test('a command-1 packet with a long token split early is reassembled', () => {
  const packet = naive.enhanced({ token: Buffer.alloc(400, 7), payload: HI_PAYLOAD, id: 41 });
  const next = naive.simple({ token: TOKEN, payload: HI_PAYLOAD });
  const stream = Buffer.concat([packet, next]);
  for (const cut of [1, 5, 12, 300, 415, 420]) {
    assertResults(decodeAll([stream.subarray(0, cut), stream.subarray(cut)]), [
      { kind: 'error', status: 5, id: 41 },
      accepted('simple', undefined),
    ]);
  }
});

test('a malformed frame straddling two chunks is reported once, and decoding goes on', () => {
  const bad = naive.frame(naive.idItem(50), naive.item(7, 'unknown'));
  const good = naive.simple({ token: TOKEN, payload: HI_PAYLOAD });
  const stream = Buffer.concat([good, bad, good]);
  for (let cut = 0; cut <= stream.length; cut++) {
    assertResults(decodeAll([stream.subarray(0, cut), stream.subarray(cut)]), [
      accepted('simple', undefined),
      { kind: 'error', status: 128, id: 50 },
      accepted('simple', undefined),
    ]);
  }
});

test('payloadLimit: 4096 accepts VoIP payloads; bad limits are refused', () => {
  const decoder = new NotificationDecoder({ payloadLimit: 4096 });
  assert.is(decoder.payloadLimit, 4096);
  const results = decodeAll([naive.frameOf({ token: TOKEN, payload: 'v'.repeat(4096), id: 1 })], decoder);
  assertResults(results, [accepted('frame', 1)]);
  throwsCode(() => new NotificationDecoder({ payloadLimit: 0 }), 'APNS_ERR_INVALID_OPTION', /payloadLimit must be a positive integer/);
  throwsCode(() => new NotificationDecoder({ payloadLimit: 1.5 }), 'APNS_ERR_INVALID_OPTION');
});

test.run();


