// plainFrameLength / writePlainFrame: for every notification it accepts, the bytes encodeNotification
// gives with the identifier written in; every notification it refuses is one the general path
// converts or rejects (so a sender that falls back loses nothing and reports the same errors).
import fc from 'fast-check';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { encodeNotification, plainFrameLength, writePlainFrame, type Notification } from '../src/index.js';
import { RUNS, u32 } from './helpers/properties.js';
import { HI_PAYLOAD, TOKEN } from './helpers/hex.js';

const test = suite('plain frames');

const LIMIT = 2048;
const PAYLOAD = Buffer.from(HI_PAYLOAD, 'utf8');

/** Writes `notification` through the plain path at offset 3 of a marked buffer; null when refused. */
function writePlain(notification: Notification, id: number, limit = LIMIT): Buffer | null {
  const length = plainFrameLength(notification, limit);
  if (length < 0) return null;
  const target = Buffer.alloc(length + 6, 0xee);
  const view = new DataView(target.buffer, target.byteOffset, target.byteLength);
  const end = writePlainFrame(view, target, 3, notification, id);
  assert.is(end, 3 + length, 'the offset after the frame is the length it announced');
  assert.equal([...target.subarray(0, 3), ...target.subarray(end)], [0xee, 0xee, 0xee, 0xee, 0xee, 0xee], 'nothing written outside the frame');
  return target.subarray(3, end);
}

const plainArb: fc.Arbitrary<Notification> = fc.record(
  {
    token: fc.uint8Array({ minLength: 32, maxLength: 32 }).chain((bytes) => fc.constantFrom<Uint8Array>(bytes, Buffer.from(bytes))),
    payload: fc.uint8Array({ minLength: 1, maxLength: LIMIT }),
    id: u32,
    expiry: u32,
    priority: fc.constantFrom(5 as const, 10 as const),
  },
  { requiredKeys: ['token', 'payload'] },
);

test('every plain notification: the bytes encodeNotification gives, with the identifier asked for', () => {
  fc.assert(
    fc.property(plainArb, u32, (notification, id) => {
      assert.equal(writePlain(notification, id), encodeNotification({ ...notification, id }, 'frame'));
    }),
    RUNS,
  );
});

test('the caller\'s payload limit is the bound, inclusive', () => {
  const notification: Notification = { token: TOKEN, payload: Buffer.alloc(100, 0x61) };
  assert.is(plainFrameLength(notification, 100), encodeNotification(notification).length);
  assert.is(plainFrameLength(notification, 99), -1);
});

test('refused: everything the general path must convert or reject, and nothing it would write as is', () => {
  const good: Notification = { token: TOKEN, payload: PAYLOAD };
  const refused: unknown[] = [
    null,
    undefined,
    'not an object',
    { ...good, token: TOKEN.toString('hex') },
    { ...good, token: Buffer.alloc(31) },
    { ...good, token: Buffer.alloc(33) },
    { ...good, token: [...TOKEN] },
    { ...good, payload: HI_PAYLOAD },
    { ...good, payload: { aps: { alert: 'hi' } } },
    { ...good, payload: Buffer.alloc(0) },
    { ...good, payload: Buffer.alloc(LIMIT + 1) },
    { ...good, id: -1 },
    { ...good, id: 2 ** 32 },
    { ...good, id: 1.5 },
    { ...good, id: '7' },
    { ...good, expiry: new Date(60_000) },
    { ...good, expiry: -1 },
    { ...good, expiry: Number.NaN },
    { ...good, expiry: '60' },
    { ...good, priority: 7 },
    { ...good, priority: '10' },
  ];
  for (const notification of refused) assert.is(plainFrameLength(notification as Notification, LIMIT), -1, JSON.stringify(notification));
  // The plain ones the defaults fill in.
  assert.equal(writePlain(good, 9), encodeNotification({ ...good, id: 9, expiry: 0, priority: 10 }));
  assert.equal(writePlain({ ...good, id: undefined, expiry: undefined, priority: undefined }, 9), encodeNotification({ ...good, id: 9 }));
});

test.run();
