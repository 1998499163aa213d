// Before anything is timed: every contender's output must equal the expected bytes and objects.
import { Buffer } from 'node:buffer';
import { deepStrictEqual } from 'node:assert/strict';
import { encodeNotification, encodeNotificationInto, NotificationDecoder, NotificationEncoder } from '@apnskit/codec';
import { toWireNotification, writeWire } from '@apnskit/codec/wire';
import { BaselineDecoder, baselineEncode, baselineEncodeInto, type BaselineFrame } from './baseline.js';
import { batch, BATCH_FRAMES, baselineNotification, notification, textNotification } from './contenders.js';
import { EXPECTED_FIELDS, EXPECTED_FRAME, FRAME_LENGTH, type DecodedFields } from './fixtures.js';

export function validateEncoders(): void {
  deepStrictEqual(encodeNotification(notification), EXPECTED_FRAME, 'encodeNotification');
  deepStrictEqual(baselineEncode(baselineNotification), EXPECTED_FRAME, 'baseline encode');
  const wire = toWireNotification(notification);
  const encoder = new NotificationEncoder();
  const textEncoder = new NotificationEncoder();
  const writers: [string, (offset: number) => number][] = [
    ['encodeNotificationInto', (offset) => offset + encodeNotificationInto(notification, batch, offset)],
    ['writeWire', (offset) => writeWire(wire, batch, offset, 'frame')],
    ['NotificationEncoder', (offset) => (encoder.prepare(notification), encoder.writePrepared(batch, offset))],
    ['NotificationEncoder (hex, text)', (offset) => (textEncoder.prepare(textNotification), textEncoder.writePrepared(batch, offset))],
    ['baseline encodeInto', (offset) => baselineEncodeInto(baselineNotification, batch, offset)],
  ];
  for (const [name, writeAt] of writers) {
    batch.fill(0);
    let offset = 0;
    for (let index = 0; index < BATCH_FRAMES; index++) offset = writeAt(offset);
    deepStrictEqual(offset, batch.length, `${name} filled the batch`);
    for (let index = 0; index < BATCH_FRAMES; index++) {
      deepStrictEqual(batch.subarray(index * FRAME_LENGTH, (index + 1) * FRAME_LENGTH), EXPECTED_FRAME, `${name} frame ${index}`);
    }
  }
}

/** Both decoders must give every frame of `chunks` with the expected fields. */
export function validateDecoders(chunks: readonly Buffer[], frames: number): void {
  const codec = new NotificationDecoder();
  const codecFields = chunks.flatMap((chunk) =>
    codec.push(chunk).map((result): DecodedFields => {
      if (result.kind !== 'notification') throw new Error(`NotificationDecoder failed: ${result.reason}`);
      return { id: result.id, expiry: result.expiry, priority: result.priority, token: result.tokenHex(), payload: result.payloadText() };
    }),
  );
  const baseline = new BaselineDecoder();
  const baselineFields = chunks.flatMap((chunk) =>
    baseline.push(chunk).map((frame: BaselineFrame): DecodedFields => ({
      id: frame.id,
      expiry: frame.expiry,
      priority: frame.priority,
      token: frame.source.toString('hex', frame.tokenAt, frame.tokenAt + frame.tokenLength),
      payload: frame.source.toString('utf8', frame.payloadAt, frame.payloadAt + frame.payloadLength),
    })),
  );
  for (const [name, fields] of [['NotificationDecoder', codecFields], ['baseline decoder', baselineFields]] as const) {
    if (fields.length !== frames) throw new Error(`${name} decoded ${fields.length} of ${frames} frames`);
    fields.forEach((decoded, index) => deepStrictEqual(decoded, EXPECTED_FIELDS, `${name} frame ${index}`));
  }
}
