import {
  COMMAND_LENGTH,
  Command,
  ENHANCED_HEADER_LENGTH,
  EXPIRY_LENGTH,
  FRAME_HEADER_LENGTH,
  IDENTIFIER_LENGTH,
  ITEM_HEADER_LENGTH,
  ItemId,
  PRIORITY_LENGTH,
  Priority,
  SIMPLE_HEADER_LENGTH,
  U16_LENGTH,
  U32_LENGTH,
} from './constants.js';
import { ApnsCodecError } from './errors.js';
import {
  checkIdentifier,
  toWireNotification,
  type EncodeOptions,
  type Notification,
  type NotificationFormat,
  type WireNotification,
} from './notification.js';

/** Bytes of the five items' headers plus the fixed-size items of a command-2 frame. */
const FRAME_FIXED_ITEMS_LENGTH =
  5 * ITEM_HEADER_LENGTH + IDENTIFIER_LENGTH + EXPIRY_LENGTH + PRIORITY_LENGTH;

/** Size on the wire of a checked notification. */
export function wireLength(wire: WireNotification, format: NotificationFormat = 'frame'): number {
  const variable = wire.token.length + wire.payload.length;
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
  writeWire(wire, frame, 0, format);
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
  return writeWire(wire, target, offset, format) - offset;
}

/** Writes a checked notification; returns the offset after it. The caller has checked the room. */
export function writeWire(wire: WireNotification, target: Uint8Array, offset: number, format: NotificationFormat): number {
  switch (format) {
    case 'frame':
      return writeFrame(wire, target, offset);
    case 'enhanced':
      return writeEnhanced(wire, target, offset);
    case 'simple':
      return writeSimple(wire, target, offset);
    default:
      throw invalidFormat(format);
  }
}

// Plain byte stores: in this hot path they run several times faster than Buffer's write methods.

function writeFrame(wire: WireNotification, target: Uint8Array, start: number): number {
  const { token, payload } = wire;
  target[start] = Command.Frame;
  let offset = writeU32(target, start + 1, FRAME_FIXED_ITEMS_LENGTH + token.length + payload.length);
  offset = writeItemHeader(target, offset, ItemId.Token, token.length);
  target.set(token, offset);
  offset = writeItemHeader(target, offset + token.length, ItemId.Payload, payload.length);
  target.set(payload, offset);
  offset = writeItemHeader(target, offset + payload.length, ItemId.Identifier, IDENTIFIER_LENGTH);
  offset = writeU32(target, offset, wire.id);
  offset = writeItemHeader(target, offset, ItemId.Expiry, EXPIRY_LENGTH);
  offset = writeU32(target, offset, wire.expiry);
  offset = writeItemHeader(target, offset, ItemId.Priority, PRIORITY_LENGTH);
  target[offset] = wire.priority;
  return offset + PRIORITY_LENGTH;
}

function writeItemHeader(target: Uint8Array, offset: number, itemId: number, length: number): number {
  target[offset] = itemId;
  return writeU16(target, offset + 1, length);
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

function writeEnhanced(wire: WireNotification, target: Uint8Array, start: number): number {
  target[start] = Command.Enhanced;
  let offset = writeU32(target, start + COMMAND_LENGTH, wire.id);
  offset = writeU32(target, offset, wire.expiry);
  return writeTokenAndPayload(wire, target, offset);
}

function writeSimple(wire: WireNotification, target: Uint8Array, start: number): number {
  target[start] = Command.Simple;
  return writeTokenAndPayload(wire, target, start + COMMAND_LENGTH);
}

function writeTokenAndPayload(wire: WireNotification, target: Uint8Array, start: number): number {
  let offset = writeU16(target, start, wire.token.length);
  target.set(wire.token, offset);
  offset = writeU16(target, offset + wire.token.length, wire.payload.length);
  target.set(wire.payload, offset);
  return offset + wire.payload.length;
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

function invalidFormat(format: unknown): ApnsCodecError {
  return new ApnsCodecError(
    'APNS_ERR_INVALID_FORMAT',
    `format must be 'frame', 'enhanced' or 'simple', got ${JSON.stringify(format)}`,
  );
}
