import * as constantsModule from './constants.js';
import { recentViewOf } from './byte-view.js';
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
const { COMMAND_LENGTH, Command, ENHANCED_HEADER_LENGTH, EXPIRY_LENGTH, FRAME_HEADER_LENGTH, IDENTIFIER_LENGTH, ITEM_HEADER_LENGTH, ItemId, PRIORITY_LENGTH, Priority, SIMPLE_HEADER_LENGTH, TOKEN_LENGTH, U16_LENGTH } = constantsModule;
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
/** Where the token of a command-2 frame starts: after the frame header and the token item's header. */
export const FRAME_TOKEN_AT = FRAME_HEADER_LENGTH + ITEM_HEADER_LENGTH;
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

/** Encodes one notification into a Buffer of its own size (carved from a shared slab, as Buffer.allocUnsafe carves small buffers from its pool). */
export function encodeNotification(
  notification: Notification,
  format: NotificationFormat = 'frame',
  options?: EncodeOptions,
): Buffer {
  const wire = toWireNotification(notification, options);
  const length = wireLength(wire, format);
  if (length > SLAB_BYTES / 2) {
    const frame = Buffer.allocUnsafe(length);
    writeWire(wire, frame, 0, format);
    return frame;
  }
  if (slab.used + length > slab.bytes.length) {
    slab.bytes = Buffer.allocUnsafeSlow(SLAB_BYTES);
    slab.used = 0;
  }
  const start = slab.used;
  slab.used = writeWire(wire, slab.bytes, start, format);
  return slab.bytes.subarray(start, slab.used);
}

/**
 * encodeNotification carves its frames from a shared slab, as Buffer.allocUnsafe carves small
 * buffers from its pool: the writers' DataView is then made once per slab, not once per frame,
 * which took about 40% of encodeNotification's time (codec bench, same run).
 */
const SLAB_BYTES = 8 * 1024;
const slab = { bytes: Buffer.alloc(0), used: 0 };

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
  return writeWire(wire, target, offset, format) - offset;
}

/** Writes a checked notification; returns the offset after it. The caller has checked the room. */
export function writeWire(wire: WireNotification, target: Uint8Array, offset: number, format: NotificationFormat): number {
  return writeFields(target, offset, format, wire.token, wire.payload, wire.id, wire.expiry, wire.priority);
}

/**
 * Writes any format at `offset` of `target` from checked fields; a `token` string is 64 hex digits
 * (NotificationEncoder's, decoded straight into the target). Returns the offset after the frame,
 * or -1 when a hex token does not decode. The caller has made room. The fields come as
 * arguments, not as an object: each caller's own objects would make the writers' loads polymorphic.
 */
export function writeFields(
  target: Uint8Array,
  offset: number,
  format: NotificationFormat,
  token: Uint8Array | string,
  payload: Uint8Array,
  id: number,
  expiry: number,
  priority: number,
): number {
  const view = recentViewOf(target);
  switch (format) {
    case 'frame':
      return writeFrame(target, view, offset, token, payload, id, expiry, priority);
    case 'enhanced':
      return writeEnhanced(target, view, offset, token, payload, id, expiry);
    case 'simple':
      return writeSimple(target, view, offset, token, payload);
    default:
      throw invalidFormat(format);
  }
}

/*
 * The writers below take the target and a DataView of it (recentViewOf). The command-2 writer stores 32-bit words, in ascending order: an item header (id u8, length u16)
 * goes out as one word whose last byte the item's data then overwrites, and the fixed tail
 * (identifier, expiry, priority items) as four words and a half: nine stores where byte stores
 * take twenty-nine.
 */
const FRAME_COMMAND = Command.Frame;
const TOKEN_ITEM_WORD = ItemId.Token * 0x1000000;
const PAYLOAD_ITEM_WORD = ItemId.Payload * 0x1000000;
/** `03 0004`, then the identifier's top byte. */
const IDENTIFIER_ITEM_WORD = ItemId.Identifier * 0x1000000 + IDENTIFIER_LENGTH * 0x100;
/** `04`, after the identifier's low three bytes. */
const EXPIRY_ITEM_BYTE = ItemId.Expiry;
/** `0004`, then the expiry's top two bytes. */
const EXPIRY_LENGTH_WORD = EXPIRY_LENGTH * 0x10000;
/** `05` and the priority length's top byte, after the expiry's low two bytes. */
const PRIORITY_ITEM_BYTES = ItemId.Priority * 0x100;
/** The priority length's low byte, then the priority. */
const PRIORITY_LENGTH_WORD = PRIORITY_LENGTH * 0x100;
/** `03 0004 id | 04 0004 expiry | 05 0001 priority` */
const FRAME_TAIL_LENGTH = 3 * ITEM_HEADER_LENGTH + IDENTIFIER_LENGTH + EXPIRY_LENGTH + PRIORITY_LENGTH;

/** Command 2; returns the offset after the frame, or -1 when a hex token does not decode. */
function writeFrame(target: Uint8Array, view: DataView, start: number, token: Uint8Array | string, payload: Uint8Array, id: number, expiry: number, priority: number): number {
  const tokenLength = tokenLengthOf(token);
  const payloadLength = payload.length;
  view.setUint8(start, FRAME_COMMAND);
  view.setUint32(start + COMMAND_LENGTH, FRAME_FIXED_ITEMS_LENGTH + tokenLength + payloadLength);
  view.setUint32(start + FRAME_HEADER_LENGTH, TOKEN_ITEM_WORD + tokenLength * 0x100);
  let offset = writeToken(target, start + FRAME_TOKEN_AT, token);
  if (offset < 0) return offset;
  view.setUint32(offset, PAYLOAD_ITEM_WORD + payloadLength * 0x100);
  offset += ITEM_HEADER_LENGTH;
  copyBytes.call(target, payload, offset);
  offset += payloadLength;
  view.setUint32(offset, IDENTIFIER_ITEM_WORD + (id >>> 24));
  view.setUint32(offset + 4, ((id & 0xffffff) << 8) | EXPIRY_ITEM_BYTE);
  view.setUint32(offset + 8, EXPIRY_LENGTH_WORD + (expiry >>> 16));
  view.setUint32(offset + 12, ((expiry & 0xffff) << 16) | PRIORITY_ITEM_BYTES);
  view.setUint16(offset + 16, PRIORITY_LENGTH_WORD + priority);
  return offset + FRAME_TAIL_LENGTH;
}

function writeEnhanced(target: Uint8Array, view: DataView, start: number, token: Uint8Array | string, payload: Uint8Array, id: number, expiry: number): number {
  view.setUint8(start, Command.Enhanced);
  view.setUint32(start + COMMAND_LENGTH, id);
  view.setUint32(start + COMMAND_LENGTH + IDENTIFIER_LENGTH, expiry);
  return writeTokenAndPayload(target, view, start + COMMAND_LENGTH + IDENTIFIER_LENGTH + EXPIRY_LENGTH, token, payload);
}

function writeSimple(target: Uint8Array, view: DataView, start: number, token: Uint8Array | string, payload: Uint8Array): number {
  view.setUint8(start, Command.Simple);
  return writeTokenAndPayload(target, view, start + COMMAND_LENGTH, token, payload);
}

function writeTokenAndPayload(target: Uint8Array, view: DataView, start: number, token: Uint8Array | string, payload: Uint8Array): number {
  view.setUint16(start, tokenLengthOf(token));
  let offset = writeToken(target, start + U16_LENGTH, token);
  if (offset < 0) return offset;
  view.setUint16(offset, payload.length);
  offset += U16_LENGTH;
  copyBytes.call(target, payload, offset);
  return offset + payload.length;
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
  // Only NotificationEncoder passes a string, and it writes into Buffers. Buffer#write stops at the first pair that is not hex.
  return (target as Buffer).write(token, offset, TOKEN_LENGTH, 'hex') === TOKEN_LENGTH ? offset + TOKEN_LENGTH : -1;
}

/** The minimal payload of a probe: Apple rejects the probe for its token before reading this. */
const PROBE_PAYLOAD = Buffer.from('{}');
/** A Buffer, as senders' tokens usually are: a plain Uint8Array here made the writers polymorphic at the first probe. */
const PROBE_TOKEN = Buffer.alloc(0);

/**
 * A deliberately bad command-2 frame (zero-length token) carrying `id`. Apple answers it with an
 * error response, which proves that every notification written before it on the connection was
 * processed. Real gateways were seen to answer it with identifier 0.
 */
export function encodeProbeFrame(id: number): Buffer {
  const frame = Buffer.allocUnsafe(frameLength(0, PROBE_PAYLOAD.length, 'frame'));
  writeFields(frame, 0, 'frame', PROBE_TOKEN, PROBE_PAYLOAD, checkIdentifier(id), 0, Priority.Immediate);
  return frame;
}

export function invalidFormat(format: unknown): ApnsCodecError {
  return new ApnsCodecError(
    'APNS_ERR_INVALID_FORMAT',
    `format must be 'frame', 'enhanced' or 'simple', got ${JSON.stringify(format)}`,
  );
}
