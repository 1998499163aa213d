import { Command, FRAME_HEADER_LENGTH, ITEM_HEADER_LENGTH, ItemId, formatToken, type NotificationFormat, type PriorityValue } from '@apnskit/codec';

/** A notification as read back from the frame the client wrote (what reports and handlers carry). */
export interface SentNotification {
  /** Device token, hex. */
  readonly token: string;
  /** Payload bytes (a copy). */
  readonly payload: Buffer;
  /** Identifier on the connection that last wrote it (0 for the simple format). */
  readonly id: number;
  readonly expiry: number;
  readonly priority: PriorityValue;
  readonly format: NotificationFormat;
}

const ENHANCED_ID_OFFSET = 1;
const ENHANCED_TOKEN_LENGTH_OFFSET = 9;
const SIMPLE_TOKEN_LENGTH_OFFSET = 1;
const DEFAULT_PRIORITY: PriorityValue = 10;

/** Reads back a frame the client encoded (so the window never holds the caller's objects). */
export function describeFrame(frame: Uint8Array): SentNotification {
  if (frame[0] === Command.Frame) return describeItems(frame);
  const enhanced = frame[0] === Command.Enhanced;
  let offset = enhanced ? ENHANCED_TOKEN_LENGTH_OFFSET : SIMPLE_TOKEN_LENGTH_OFFSET;
  const tokenLength = readU16(frame, offset);
  const token = frame.subarray(offset + 2, offset + 2 + tokenLength);
  offset += 2 + tokenLength;
  const payloadLength = readU16(frame, offset);
  return {
    token: formatToken(token),
    payload: Buffer.from(frame.subarray(offset + 2, offset + 2 + payloadLength)),
    id: enhanced ? readU32(frame, ENHANCED_ID_OFFSET) : 0,
    expiry: enhanced ? readU32(frame, ENHANCED_ID_OFFSET + 4) : 0,
    priority: DEFAULT_PRIORITY,
    format: enhanced ? 'enhanced' : 'simple',
  };
}

function describeItems(frame: Uint8Array): SentNotification {
  let token: Uint8Array = new Uint8Array(0);
  let payload: Uint8Array = new Uint8Array(0);
  let id = 0;
  let expiry = 0;
  let priority: PriorityValue = DEFAULT_PRIORITY;
  const end = Math.min(frame.length, FRAME_HEADER_LENGTH + readU32(frame, 1));
  let offset = FRAME_HEADER_LENGTH;
  while (offset + ITEM_HEADER_LENGTH <= end) {
    const length = readU16(frame, offset + 1);
    const data = frame.subarray(offset + ITEM_HEADER_LENGTH, offset + ITEM_HEADER_LENGTH + length);
    switch (frame[offset]) {
      case ItemId.Token: token = data; break;
      case ItemId.Payload: payload = data; break;
      case ItemId.Identifier: id = readU32(data, 0); break;
      case ItemId.Expiry: expiry = readU32(data, 0); break;
      case ItemId.Priority: priority = data[0] as PriorityValue; break;
    }
    offset += ITEM_HEADER_LENGTH + length;
  }
  return { token: formatToken(token), payload: Buffer.from(payload), id, expiry, priority, format: 'frame' };
}

function readU16(buffer: Uint8Array, offset: number): number {
  return (buffer[offset] << 8) | buffer[offset + 1];
}

function readU32(buffer: Uint8Array, offset: number): number {
  return ((buffer[offset] << 24) >>> 0) + ((buffer[offset + 1] << 16) | (buffer[offset + 2] << 8) | buffer[offset + 3]);
}
