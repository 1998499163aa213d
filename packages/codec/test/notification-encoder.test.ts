// NotificationEncoder: the same bytes and the same errors as encodeNotification (itself checked
// against the naive builder), in every format, fast path or not, with the payload cache fresh.
import fc from 'fast-check';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  encodeNotification,
  NotificationEncoder,
  parseToken,
  type Notification,
  type NotificationFormat,
} from '../src/index.js';
import { codecError, throwsCode } from './helpers/errors.js';
import { FORMATS, RUNS, u32 } from './helpers/properties.js';
import { HI_PAYLOAD, TOKEN, TOKEN_HEX } from './helpers/hex.js';

const test = suite('NotificationEncoder');

/** Token forms: the fast ones (hex either case, 32 bytes) and those the general path parses. */
const tokenArb = fc.uint8Array({ minLength: 32, maxLength: 32 }).chain((bytes) => {
  const hex = Buffer.from(bytes).toString('hex');
  return fc.constantFrom<Notification['token']>(
    hex,
    hex.toUpperCase(),
    Buffer.from(bytes),
    bytes,
    `<${hex.match(/.{8}/g)!.join(' ')}>`,
  );
});

/** A small pool of payload strings, so the cache sees repeats, changes and equal-length changes. */
const payloadArb = fc.oneof(
  fc.constantFrom('{"n":1}', '{"n":2}', '{"aps":{"alert":"Grüße 👋"}}'),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 300 }),
  fc.uint8Array({ minLength: 1, maxLength: 2048 }),
  fc.record({ aps: fc.record({ alert: fc.string({ maxLength: 50 }), badge: fc.nat(99) }) }),
);

const notificationArb: fc.Arbitrary<Notification> = fc.record(
  {
    token: tokenArb,
    payload: payloadArb,
    id: u32,
    expiry: fc.oneof(u32, u32.map((seconds) => new Date(seconds * 1000))),
    priority: fc.constantFrom(5 as const, 10 as const),
  },
  { requiredKeys: ['token', 'payload'] },
);

/** Encodes a batch with one encoder into one buffer (3 bytes of margin each side). */
function encodeBatch(encoder: NotificationEncoder, notifications: readonly Notification[]): Buffer {
  const batch = Buffer.alloc(6 + (encoder.payloadLimit + 100) * notifications.length, 0xee);
  let offset = 3;
  for (const notification of notifications) {
    const length = encoder.prepare(notification);
    const end = encoder.writePrepared(batch, offset);
    assert.is(end - offset, length);
    offset = end;
  }
  assert.is(batch[offset], 0xee, 'nothing written past the last frame');
  return batch.subarray(3, offset);
}

test('random batches: byte for byte what encodeNotification gives, in every format', () => {
  fc.assert(
    fc.property(fc.constantFrom(...FORMATS), fc.array(notificationArb, { minLength: 1, maxLength: 8 }), (format, notifications) => {
      const expected = Buffer.concat(notifications.map((notification) => encodeNotification(notification, format)));
      assert.equal(encodeBatch(new NotificationEncoder({ format }), notifications), expected);
    }),
    RUNS,
  );
});

test('defaults: command 2, 2048-byte limit; the format and limit are kept', () => {
  const encoder = new NotificationEncoder();
  assert.is(encoder.format, 'frame');
  assert.is(encoder.payloadLimit, 2048);
  const notification: Notification = { token: TOKEN_HEX, payload: HI_PAYLOAD };
  assert.equal(encodeBatch(encoder, [notification]), encodeNotification(notification));
  throwsCode(() => encoder.prepare({ token: TOKEN_HEX, payload: 'x'.repeat(2049) }), 'APNS_ERR_PAYLOAD_TOO_LARGE');
  const voip = new NotificationEncoder({ format: 'enhanced', payloadLimit: 4096 });
  const big: Notification = { token: TOKEN, payload: 'x'.repeat(4096) };
  assert.equal(encodeBatch(voip, [big]), encodeNotification(big, 'enhanced', { payloadLimit: 4096 }));
});

test('bad options are refused when the encoder is made', () => {
  throwsCode(() => new NotificationEncoder({ format: 'frames' as NotificationFormat }), 'APNS_ERR_INVALID_FORMAT', /'frame', 'enhanced' or 'simple'/);
  for (const payloadLimit of [0, 65536, 1.5]) throwsCode(() => new NotificationEncoder({ payloadLimit }), 'APNS_ERR_INVALID_OPTION');
});

test('every bad input: the same code and message as encodeNotification, whichever path it takes', () => {
  const good = { token: TOKEN_HEX, payload: HI_PAYLOAD };
  const bad: unknown[] = [
    null,
    'not an object',
    { ...good, token: 'ab' },
    { ...good, token: TOKEN_HEX.slice(0, 63) + ' ' },
    { ...good, token: Buffer.alloc(31) },
    { ...good, token: 42 },
    { ...good, token: 'zz'.repeat(32), payload: '' },
    { ...good, payload: '' },
    { ...good, payload: new Uint8Array(0) },
    { ...good, payload: 'x'.repeat(2049) },
    { ...good, payload: new Uint8Array(2049) },
    { ...good, payload: 7 },
    { ...good, payload: { toJSON: () => undefined } },
    { ...good, id: -1 },
    { ...good, id: 2 ** 32 },
    { ...good, id: 1.5 },
    { ...good, expiry: -1 },
    { ...good, expiry: 2 ** 32 },
    { ...good, expiry: '60' },
    { ...good, expiry: new Date(Number.NaN) },
    { ...good, priority: 7 },
    { ...good, token: Buffer.alloc(31), payload: '', priority: 7 },
  ];
  for (const format of FORMATS) {
    const encoder = new NotificationEncoder({ format });
    for (const notification of bad) {
      const expected = codecError(() => encodeNotification(notification as Notification, format));
      let prepared = false;
      const actual = codecError(() => {
        encoder.prepare(notification as Notification);
        prepared = true;
        encoder.writePrepared(Buffer.alloc(300), 0);
      });
      assert.is(actual.code, expected.code, `${format}: ${expected.message}`);
      assert.is(actual.message, expected.message);
      // Only a 64-character token string (all else good) gets past prepare: its digits are read as it is written.
      const token = (notification as { token?: unknown } | null)?.token;
      if (prepared) assert.ok(typeof token === 'string' && token.length === 64, expected.message);
      if (!prepared) throwsCode(() => encoder.writePrepared(Buffer.alloc(300), 0), 'APNS_ERR_INVALID_OPTION', /call prepare first/);
    }
  }
});

test('64 characters that are not hex: APNS_ERR_INVALID_TOKEN from writePrepared, as parseToken says it', () => {
  for (const token of ['zz'.repeat(32), TOKEN_HEX.slice(0, 62) + 'g0', `${TOKEN_HEX.slice(0, 30)}-${TOKEN_HEX.slice(31)}`]) {
    const expected = codecError(() => parseToken(token));
    for (const format of FORMATS) {
      const encoder = new NotificationEncoder({ format });
      const length = encoder.prepare({ token, payload: HI_PAYLOAD });
      const target = Buffer.alloc(length);
      const error = throwsCode(() => encoder.writePrepared(target, 0), 'APNS_ERR_INVALID_TOKEN');
      assert.is(error.message, expected.message);
      assert.is(codecError(() => encodeNotification({ token, payload: HI_PAYLOAD }, format)).message, expected.message);
      // The encoder goes on with the next notification.
      const next: Notification = { token: TOKEN_HEX, payload: HI_PAYLOAD };
      assert.equal(encodeBatch(encoder, [next]), encodeNotification(next, format));
    }
  }
});

test('the payload cache never serves the bytes of an earlier payload', () => {
  const encoder = new NotificationEncoder();
  const payloads = ['{"n":1}', '{"n":2}', '{"n":2}', '{"m":2}', '{"n":1}', ['{"n"', ':3}'].join(''), '{"ü":1}', '{"ü":2}'];
  const notifications: Notification[] = payloads.map((payload) => ({ token: TOKEN_HEX, payload }));
  assert.equal(encodeBatch(encoder, notifications), Buffer.concat(notifications.map((n) => encodeNotification(n))));
  // A byte payload between two strings does not disturb the cache, and is used as given.
  const bytes = Buffer.from('{"b":1}');
  const mixed: Notification[] = [{ token: TOKEN, payload: '{"s":1}' }, { token: TOKEN, payload: bytes }, { token: TOKEN, payload: '{"s":1}' }];
  assert.equal(encodeBatch(encoder, mixed), Buffer.concat(mixed.map((n) => encodeNotification(n))));
});

test('writePrepared with an identifier writes it instead of the notification\'s, and checks it', () => {
  const notification: Notification = { token: TOKEN_HEX, payload: HI_PAYLOAD, id: 77, expiry: 60, priority: 5 };
  for (const format of FORMATS) {
    const encoder = new NotificationEncoder({ format });
    const target = Buffer.alloc(encoder.prepare(notification));
    encoder.writePrepared(target, 0, 0xfffffffe);
    assert.equal(target, encodeNotification({ ...notification, id: 0xfffffffe }, format));
    // The override is for that write only.
    encoder.writePrepared(target, 0);
    assert.equal(target, encodeNotification(notification, format));
    throwsCode(() => encoder.writePrepared(target, 0, -1), 'APNS_ERR_INVALID_IDENTIFIER');
  }
});

test.run();
