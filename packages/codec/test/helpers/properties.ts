import fc from 'fast-check';
import { encodeNotification, type NotificationFormat } from '../../src/index.js';

/** Fixed run count and seed: property tests replay the same cases on every run. */
export const RUNS = { numRuns: 300, seed: 20261128 };
export const FORMATS: readonly NotificationFormat[] = ['frame', 'enhanced', 'simple'];
export const u32 = fc.integer({ min: 0, max: 0xffffffff });

export const payloadArb = fc.oneof(
  fc.uint8Array({ minLength: 1, maxLength: 2048 }),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 400 }),
  fc.record({ aps: fc.record({ alert: fc.string({ maxLength: 100 }), badge: fc.nat(99) }) }),
);

export const notificationArb = fc.record({
  token: fc.uint8Array({ minLength: 32, maxLength: 32 }),
  payload: payloadArb,
  id: u32,
  expiry: u32,
  priority: fc.constantFrom(5 as const, 10 as const),
});

export const formatArb = fc.constantFrom(...FORMATS);

/** Splits `bytes` at the given cut points (taken modulo its length). */
export function split(bytes: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((cut) => (bytes.length === 0 ? 0 : cut % (bytes.length + 1))))].sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let start = 0;
  for (const point of points) {
    chunks.push(bytes.subarray(start, point));
    start = point;
  }
  chunks.push(bytes.subarray(start));
  return chunks;
}

export const cutsArb = fc.array(fc.nat(), { maxLength: 12 });

/** Random bytes, mostly opening with a real command byte so that framing is exercised. */
export const notificationBytesArb = fc.oneof(
  fc.uint8Array({ maxLength: 300 }),
  fc.tuple(fc.constantFrom(0, 1, 2), fc.uint8Array({ maxLength: 300 })).map(([command, rest]) => Uint8Array.of(command, ...rest)),
  fc.tuple(fc.constantFrom(1, 2, 3, 4, 5, 9), fc.nat(70), fc.uint8Array({ maxLength: 200 })).map(([itemId, length, rest]) =>
    Uint8Array.of(2, 0, 0, 0, Math.min(255, length + 3), itemId, 0, length, ...rest),
  ),
);

/** A valid stream of frames, then bytes flipped, cut, inserted or removed. */
export const mutatedNotificationsArb = fc
  .tuple(
    fc.array(fc.tuple(notificationArb, formatArb), { minLength: 1, maxLength: 5 }),
    fc.array(fc.tuple(fc.constantFrom('set', 'insert', 'delete', 'truncate'), fc.nat(), fc.nat(255)), { minLength: 1, maxLength: 4 }),
  )
  .map(([items, mutations]) => mutate(Buffer.concat(items.map(([n, format]) => encodeNotification(n, format))), mutations));

export type Mutation = readonly [string, number, number];

export function mutate(original: Uint8Array, mutations: readonly Mutation[]): Uint8Array {
  let bytes = Array.from(original);
  for (const [kind, position, value] of mutations) {
    const at = bytes.length === 0 ? 0 : position % bytes.length;
    if (kind === 'set' && bytes.length > 0) bytes[at] = value;
    else if (kind === 'insert') bytes.splice(at, 0, value, value ^ 0xff);
    else if (kind === 'delete') bytes.splice(at, 1 + (value % 40));
    else bytes = bytes.slice(0, at);
  }
  return Uint8Array.from(bytes);
}
