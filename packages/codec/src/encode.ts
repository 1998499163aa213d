import * as constantsModule from './constants.js';
import * as copyBytesModule from './copy-bytes.js';
import { ApnsCodecError } from './errors.js';
import {
  checkIdentifier,
  toWireNotification,
  type EncodeOptions,
  type Notification,
  type NotificationFormat,
  type WireNotification,
} from './notification.js';

// Module-local copies of imported bindings, which the compiler reloads and checks on every use:
// about 1.2x the frames per CPU-second of encodeNotificationInto and NotificationEncoder (codec bench, same run).
const { COMMAND_LENGTH, Command, ENHANCED_HEADER_LENGTH, EXPIRY_LENGTH, FRAME_HEADER_LENGTH, IDENTIFIER_LENGTH, ITEM_HEADER_LENGTH, ItemId, PRIORITY_LENGTH, Priority, SIMPLE_HEADER_LENGTH, TOKEN_LENGTH, U16_LENGTH, U32_LENGTH, U8_LENGTH } = constantsModule;
const { copyBytes } = copyBytesModule;

/*
 * The one writer of each command. Layout of a command-2 frame (items in order 1-5, which the
 * scanner's fast path expects):
 *   02 | body length u32 | 01 0020 token | 02 LLLL payload | 03 0004 id | 04 0004 expiry | 05 0001 priority
 */

/** Bytes of the five items' headers plus the fixed-size items of a command-2 frame. */
const FRAME_FIXED_ITEMS_LENGTH = 5 * ITEM_HEADER_LENGTH + IDENTIFIER_LENGTH + EXPIRY_LENGTH + PRIORITY_LENGTH;

/** Where the identifier lies in a frame this module wrote, counted back from its end: `id | 04 0004 expiry | 05 0001 priority`. */
export const FRAME_IDENTIFIER_FROM_END = IDENTIFIER_LENGTH + ITEM_HEADER_LENGTH + EXPIRY_LENGTH + ITEM_HEADER_LENGTH + PRIORITY_LENGTH;
/** Where the identifier of an enhanced (command 1) notification starts: right after the command byte. */
export const ENHANCED_IDENTIFIER_AT = COMMAND_LENGTH;

/** Size on the wire of a checked notification. */
export function wireLength(wire: WireNotification, format: NotificationFormat = 'frame'): number {
  return frameLength(wire.token.length, wire.payload.length, format);
}

/** Size on the wire of a notification with a token and payload of these lengths. */
export function frameLength(tokenLength: number, payloadLength: number, format: NotificationFormat): number {
  const variable = tokenLength + payloadLength;
  switch (format) {
    case 'frame':
      return FRAME_HEADER_LENGTH + FRAME_FIXED_ITEMS_LENGTH + variable;
    case 'enhanced':
      return ENHANCED_HEADER_LENGTH + U16_LENGTH + variable;
    case 'simple':
      return SIMPLE_HEADER_LENGTH + U16_LENGTH + variable;
    default:
      throw invalidFormat(format);
  }
}

/** Encodes one notification with a single allocation sized from its fields. */
export function encodeNotification(
  notification: Notification,
  format: NotificationFormat = 'frame',
  options?: EncodeOptions,
): Buffer {
  const wire = toWireNotification(notification, options);
  const frame = Buffer.allocUnsafe(wireLength(wire, format));
  writeFields(wire, frame, 0, format);
  return frame;
}

/** Size on the wire of a notification, for sizing a batch buffer. */
export function encodedLength(
  notification: Notification,
  format: NotificationFormat = 'frame',
  options?: EncodeOptions,
): number {
  return wireLength(toWireNotification(notification, options), format);
}

/**
 * Encodes into `target` at `offset` (for batching many frames into one write).
 * Returns the number of bytes written; throws APNS_ERR_BUFFER_TOO_SMALL without writing when it does not fit.
 */
export function encodeNotificationInto(
  notification: Notification,
  target: Buffer,
  offset = 0,
  format: NotificationFormat = 'frame',
  options?: EncodeOptions,
): number {
  const wire = toWireNotification(notification, options);
  const length = wireLength(wire, format);
  if (!Number.isInteger(offset) || offset < 0 || offset + length > target.length) {
    throw new ApnsCodecError(
      'APNS_ERR_BUFFER_TOO_SMALL',
      `notification needs ${length} bytes at offset ${offset}, but the buffer holds ${target.length}`,
    );
  }
  return writeFields(wire, target, offset, format) - offset;
}

/** Writes a checked notification; returns the offset after it. The caller has checked the room. */
export function writeWire(wire: WireNotification, target: Uint8Array, offset: number, format: NotificationFormat): number {
  return writeFields(wire, target, offset, format);
}

/**
 * The fields the writers take: a WireNotification, or a NotificationEncoder's prepared fields,
 * whose token may still be 64 hex digits (decoded straight into the target, which is then a Buffer).
 */
export interface WireFields {
  readonly token: Uint8Array | string;
  readonly payload: Uint8Array;
  readonly id: number;
  readonly expiry: number;
  readonly priority: number;
}

/** Writes any format. Returns the offset after the frame, or -1 when a hex token does not decode. */
export function writeFields(fields: WireFields, target: Uint8Array, offset: number, format: NotificationFormat): number {
  switch (format) {
    case 'frame':
      return writeFrame(fields, target, offset);
    case 'enhanced':
      return writeEnhanced(fields, target, offset);
    case 'simple':
      return writeSimple(fields, target, offset);
    default:
      throw invalidFormat(format);
  }
}

/** A hex token is always TOKEN_LENGTH bytes: the encoder only keeps strings of twice that many digits. */
function tokenLengthOf(token: Uint8Array | string): number {
  return typeof token === 'string' ? TOKEN_LENGTH : token.length;
}

/** Writes the token's bytes at `offset`; returns the offset after them, or -1 when a hex token does not decode. */
function writeToken(target: Uint8Array, offset: number, token: Uint8Array | string): number {
  if (typeof token !== 'string') {
    copyBytes.call(target, token, offset);
    return offset + token.length;
  }
  // Only NotificationEncoder passes a string, and it writes into Buffers. Buffer#write stops at the first non-hex pair.
  return (target as Buffer).write(token, offset, TOKEN_LENGTH, 'hex') === TOKEN_LENGTH ? offset + TOKEN_LENGTH : -1;
}

// Plain byte stores: in this hot path they run several times faster than Buffer's write methods.
// The command-2 writer stores its item ids inline rather than through an item-header helper:
// fewer nested calls leave room for the optimiser to inline the whole writer into a batching loop.

/** Command 2; returns the offset after the frame, or -1 when a hex token does not decode. */
export function writeFrame(fields: WireFields, target: Uint8Array, start: number): number {
  const token = fields.token;
  const payload = fields.payload;
  const tokenLength = tokenLengthOf(token);
  target[start] = Command.Frame;
  let offset = writeU32(target, start + COMMAND_LENGTH, FRAME_FIXED_ITEMS_LENGTH + tokenLength + payload.length);
  target[offset] = ItemId.Token;
  offset = writeToken(target, writeU16(target, offset + U8_LENGTH, tokenLength), token);
  if (offset < 0) return offset;
  target[offset] = ItemId.Payload;
  offset = writeU16(target, offset + U8_LENGTH, payload.length);
  copyBytes.call(target, payload, offset);
  offset += payload.length;
  target[offset] = ItemId.Identifier;
  offset = writeU32(target, writeU16(target, offset + U8_LENGTH, IDENTIFIER_LENGTH), fields.id);
  target[offset] = ItemId.Expiry;
  offset = writeU32(target, writeU16(target, offset + U8_LENGTH, EXPIRY_LENGTH), fields.expiry);
  target[offset] = ItemId.Priority;
  offset = writeU16(target, offset + U8_LENGTH, PRIORITY_LENGTH);
  target[offset] = fields.priority;
  return offset + PRIORITY_LENGTH;
}

function writeU16(target: Uint8Array, offset: number, value: number): number {
  target[offset] = value >>> 8;
  target[offset + 1] = value;
  return offset + U16_LENGTH;
}

function writeU32(target: Uint8Array, offset: number, value: number): number {
  target[offset] = value >>> 24;
  target[offset + 1] = value >>> 16;
  target[offset + 2] = value >>> 8;
  target[offset + 3] = value;
  return offset + U32_LENGTH;
}

function writeEnhanced(fields: WireFields, target: Uint8Array, start: number): number {
  target[start] = Command.Enhanced;
  let offset = writeU32(target, start + COMMAND_LENGTH, fields.id);
  offset = writeU32(target, offset, fields.expiry);
  return writeTokenAndPayload(fields, target, offset);
}

function writeSimple(fields: WireFields, target: Uint8Array, start: number): number {
  target[start] = Command.Simple;
  return writeTokenAndPayload(fields, target, start + COMMAND_LENGTH);
}

function writeTokenAndPayload(fields: WireFields, target: Uint8Array, start: number): number {
  const token = fields.token;
  const payload = fields.payload;
  let offset = writeToken(target, writeU16(target, start, tokenLengthOf(token)), token);
  if (offset < 0) return offset;
  offset = writeU16(target, offset, payload.length);
  copyBytes.call(target, payload, offset);
  return offset + payload.length;
}

/** The minimal payload of a probe: Apple rejects the probe for its token before reading this. */
const PROBE_PAYLOAD = Buffer.from('{}');

/**
 * A deliberately bad command-2 frame (zero-length token) carrying `id`. Apple answers it with an
 * error response, which proves that every notification written before it on the connection was
 * processed. Real gateways were seen to answer it with identifier 0.
 */
export function encodeProbeFrame(id: number): Buffer {
  const wire: WireNotification = {
    token: new Uint8Array(0),
    payload: PROBE_PAYLOAD,
    id: checkIdentifier(id),
    expiry: 0,
    priority: Priority.Immediate,
  };
  const frame = Buffer.allocUnsafe(wireLength(wire, 'frame'));
  writeFrame(wire, frame, 0);
  return frame;
}

export function invalidFormat(format: unknown): ApnsCodecError {
  return new ApnsCodecError(
    'APNS_ERR_INVALID_FORMAT',
    `format must be 'frame', 'enhanced' or 'simple', got ${JSON.stringify(format)}`,
  );
}
