// The encoder: exact bytes against the naive builder, batching into one buffer, and exact errors.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  encodedLength,
  encodeNotification,
  encodeNotificationInto,
  type Notification,
  type NotificationFormat,
} from '../src/index.js';
import { encodeProbeFrame, toWireNotification, wireLength, writeWire } from '../src/wire.js';
import { throwsCode } from './helpers/errors.js';
import { HI_PAYLOAD, TOKEN, TOKEN_HEX } from './helpers/hex.js';
import * as naive from './helpers/naive.js';

const test = suite('encode');

const FORMATS: readonly NotificationFormat[] = ['frame', 'enhanced', 'simple'];
const base: Notification = { token: TOKEN_HEX, payload: HI_PAYLOAD, id: 5, expiry: 60, priority: 5 };
/** The same notification for the naive builder, which gives the expected bytes. */
const BASE_NAIVE: naive.NaiveNotification = { token: TOKEN, payload: HI_PAYLOAD, id: 5, expiry: 60, priority: 5 };

function naiveBytes(format: NotificationFormat, n: naive.NaiveNotification): Buffer {
  if (format === 'frame') return naive.frameOf(n);
  if (format === 'enhanced') return naive.enhanced(n);
  return naive.simple(n);
}

test('each format matches the naive builder; defaults are id 0, expiry 0, priority 10', () => {
  for (const format of FORMATS) {
    assert.equal(encodeNotification(base, format), naiveBytes(format, BASE_NAIVE));
    assert.equal(encodeNotification({ token: TOKEN, payload: HI_PAYLOAD }, format), naiveBytes(format, { token: TOKEN, payload: HI_PAYLOAD }));
  }
  assert.equal(encodeNotification(base), naive.frameOf(BASE_NAIVE));
});

test('payload as an object is stringified; as bytes it is used as given', () => {
  const object = { aps: { alert: 'Grüße 👋' }, custom: [1, 2] };
  const text = JSON.stringify(object);
  const expected = naive.frameOf({ token: TOKEN, payload: text });
  assert.equal(encodeNotification({ token: TOKEN, payload: object }), expected);
  assert.equal(encodeNotification({ token: TOKEN, payload: text }), expected);
  assert.equal(encodeNotification({ token: TOKEN, payload: new Uint8Array(Buffer.from(text)) }), expected);
});

test('encodedLength and wireLength give the exact size of each format', () => {
  for (const format of FORMATS) {
    assert.is(encodedLength(base, format), naiveBytes(format, BASE_NAIVE).length);
    assert.is(wireLength(toWireNotification(base), format), naiveBytes(format, BASE_NAIVE).length);
  }
  assert.is(encodedLength(base), 83);
  assert.is(wireLength(toWireNotification(base)), 83);
});

test('encodeNotificationInto batches several frames into one buffer at offsets', () => {
  const notifications: Notification[] = [1, 2, 3].map((id) => ({ ...base, id, payload: `{"n":${id}}` }));
  const batch = Buffer.alloc(3 + notifications.reduce((sum, n, index) => sum + encodedLength(n, FORMATS[index]), 0), 0xee);
  let offset = 3;
  notifications.forEach((n, index) => {
    offset += encodeNotificationInto(n, batch, offset, FORMATS[index]);
  });
  assert.is(offset, batch.length);
  assert.equal(batch.subarray(0, 3), Buffer.alloc(3, 0xee));
  assert.equal(
    batch.subarray(3),
    Buffer.concat([1, 2, 3].map((id, index) => naiveBytes(FORMATS[index]!, { ...BASE_NAIVE, id, payload: `{"n":${id}}` }))),
  );
  assert.is(encodeNotificationInto(base, Buffer.alloc(83)), 83);
});

test('writeWire writes checked notifications back to back and returns the next offset', () => {
  const wires = [1, 2].map((id) => toWireNotification({ ...base, id }));
  const batch = new Uint8Array(wires.reduce((sum, wire) => sum + wireLength(wire, 'frame'), 0));
  let offset = 0;
  for (const wire of wires) offset = writeWire(wire, batch, offset, 'frame');
  assert.is(offset, batch.length);
  assert.equal(Buffer.from(batch), Buffer.concat([1, 2].map((id) => naive.frameOf({ ...BASE_NAIVE, id }))));
  throwsCode(() => writeWire(wires[0]!, batch, 0, 'json' as NotificationFormat), 'APNS_ERR_INVALID_FORMAT');
});

test('toWireNotification converts a Date expiry and keeps a Buffer token without copying', () => {
  const wire = toWireNotification({ token: TOKEN, payload: HI_PAYLOAD, expiry: new Date('2020-09-13T12:26:40.500Z') });
  assert.is(wire.expiry, 1600000000);
  assert.is(wire.token, TOKEN);
  assert.is(wire.id, 0);
  assert.is(wire.priority, 10);
});

test('bad tokens: APNS_ERR_INVALID_TOKEN', () => {
  for (const token of ['abc', TOKEN_HEX.slice(0, 63) + 'g', Buffer.alloc(31), Buffer.alloc(33), 7 as unknown as string]) {
    throwsCode(() => encodeNotification({ ...base, token }), 'APNS_ERR_INVALID_TOKEN', /device token must be/);
  }
});

test('empty, oversized and unusable payloads', () => {
  throwsCode(() => encodeNotification({ ...base, payload: '' }), 'APNS_ERR_INVALID_PAYLOAD', /payload is empty; Apple rejects it \(status 4\)/);
  throwsCode(() => encodeNotification({ ...base, payload: Buffer.alloc(0) }), 'APNS_ERR_INVALID_PAYLOAD', /payload is empty/);
  throwsCode(() => encodeNotification({ ...base, payload: 'x'.repeat(2049) }), 'APNS_ERR_PAYLOAD_TOO_LARGE', /2049 bytes, over the 2048-byte limit/);
  throwsCode(() => encodeNotification({ ...base, payload: 'é'.repeat(1025) }), 'APNS_ERR_PAYLOAD_TOO_LARGE', /2050 bytes/);
  assert.is(encodeNotification({ ...base, payload: 'é'.repeat(1024) }).length, 83 - 22 + 2048);
  throwsCode(() => encodeNotification({ ...base, payload: 'x'.repeat(4097) }, 'frame', { payloadLimit: 4096 }), 'APNS_ERR_PAYLOAD_TOO_LARGE', /4096-byte limit/);
  throwsCode(() => encodeNotification({ ...base, payload: 'x'.repeat(300) }, 'simple', { payloadLimit: 256 }), 'APNS_ERR_PAYLOAD_TOO_LARGE');
  throwsCode(() => encodeNotification({ ...base, payload: 42 as unknown as string }), 'APNS_ERR_INVALID_PAYLOAD', /got number/);
  throwsCode(() => encodeNotification({ ...base, payload: null as unknown as string }), 'APNS_ERR_INVALID_PAYLOAD', /got null/);
  const circular: Record<string, unknown> = {};
  circular.self = circular;
  throwsCode(() => encodeNotification({ ...base, payload: circular }), 'APNS_ERR_INVALID_PAYLOAD', /cannot be turned into JSON/);
  throwsCode(() => encodeNotification({ ...base, payload: { big: 1n } }), 'APNS_ERR_INVALID_PAYLOAD', /cannot be turned into JSON/);
  throwsCode(() => encodeNotification({ ...base, payload: { toJSON: () => undefined } }), 'APNS_ERR_INVALID_PAYLOAD', /cannot be turned into JSON/);
  throwsCode(() => encodeNotification(null as unknown as Notification), 'APNS_ERR_INVALID_PAYLOAD', /notification must be an object, got null/);
});

test('payload limits the wire cannot carry are refused as options', () => {
  for (const payloadLimit of [0, -1, 1.5, 65536, Number.NaN]) {
    throwsCode(() => encodeNotification(base, 'frame', { payloadLimit }), 'APNS_ERR_INVALID_OPTION', /payload limit must be an integer from 1 to 65535/);
  }
  assert.equal(encodeNotification(base, 'frame', {}), naive.frameOf(BASE_NAIVE));
  const largest = 'x'.repeat(65535);
  assert.is(encodeNotification({ ...base, payload: largest }, 'simple', { payloadLimit: 65535 }).length, 1 + 2 + 32 + 2 + 65535);
});

test('bad identifiers, expiries and priorities', () => {
  for (const id of [-1, 2 ** 32, 1.5, Number.NaN, '1' as unknown as number]) {
    throwsCode(() => encodeNotification({ ...base, id }), 'APNS_ERR_INVALID_IDENTIFIER', /id must be an integer from 0 to 4294967295/);
  }
  for (const expiry of [-1, 2 ** 32, 0.5, '60' as unknown as number, new Date(Number.NaN), new Date(-5000), new Date(2 ** 32 * 1000)]) {
    throwsCode(() => encodeNotification({ ...base, expiry }), 'APNS_ERR_INVALID_EXPIRY', /expiry must be UNIX seconds/);
  }
  for (const priority of [0, 1, 9, 11, '10' as unknown as 10]) {
    throwsCode(() => encodeNotification({ ...base, priority: priority as 10 }), 'APNS_ERR_INVALID_PRIORITY', /priority must be 10 \(now\) or 5/);
  }
});

test('bad formats: APNS_ERR_INVALID_FORMAT', () => {
  throwsCode(() => encodeNotification(base, 'command2' as NotificationFormat), 'APNS_ERR_INVALID_FORMAT', /format must be 'frame', 'enhanced' or 'simple', got "command2"/);
  throwsCode(() => encodedLength(base, 'x' as NotificationFormat), 'APNS_ERR_INVALID_FORMAT');
  throwsCode(() => encodeNotificationInto(base, Buffer.alloc(200), 0, 'x' as NotificationFormat), 'APNS_ERR_INVALID_FORMAT');
});

test('a buffer too small: APNS_ERR_BUFFER_TOO_SMALL and nothing written', () => {
  const cases: [number, number][] = [[82, 0], [100, 18], [100, -1], [100, 1.5], [0, 0]];
  for (const [size, offset] of cases) {
    const target = Buffer.alloc(size, 0x5a);
    throwsCode(() => encodeNotificationInto(base, target, offset), 'APNS_ERR_BUFFER_TOO_SMALL', /notification needs 83 bytes at offset/);
    assert.equal(target, Buffer.alloc(size, 0x5a), `untouched after size ${size} offset ${offset}`);
  }
  const target = Buffer.alloc(100, 0x5a);
  throwsCode(() => encodeNotificationInto({ ...base, id: -1 }, target, 0), 'APNS_ERR_INVALID_IDENTIFIER');
  assert.equal(target, Buffer.alloc(100, 0x5a));
});

test('the probe frame: zero-length token, payload {}, the given id', () => {
  assert.equal(
    encodeProbeFrame(9),
    naive.frame(naive.item(1, Buffer.alloc(0)), naive.payloadItem('{}'), naive.idItem(9), naive.expiryItem(0), naive.priorityItem(10)),
  );
  throwsCode(() => encodeProbeFrame(-1), 'APNS_ERR_INVALID_IDENTIFIER');
});

test.run();
