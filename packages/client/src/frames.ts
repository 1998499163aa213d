import { Command, FRAME_HEADER_LENGTH, ITEM_HEADER_LENGTH, ItemId, TOKEN_LENGTH, formatToken, type NotificationFormat, type PriorityValue } from '@apnskit/codec';

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
/** Where the token and payload items start in a frame whose first items are the token (32 bytes) then the payload. */
const USUAL_TOKEN_ITEM = FRAME_HEADER_LENGTH;
const USUAL_PAYLOAD_ITEM = USUAL_TOKEN_ITEM + ITEM_HEADER_LENGTH + TOKEN_LENGTH;
const ENHANCED_TOKEN_LENGTH_OFFSET = 9;
const SIMPLE_TOKEN_LENGTH_OFFSET = 1;
const DEFAULT_PRIORITY: PriorityValue = 10;

/** Offset of the identifier field of a frame the client encoded, or -1 when it has none (simple). */
export function identifierOffset(buffer: Uint8Array, start: number): number {
  const command = buffer[start];
  // The usual layout (token, payload, identifier, ...), as the client encodes it: no walk needed.
  if (command === Command.Frame && buffer[start + USUAL_PAYLOAD_ITEM] === ItemId.Payload && buffer[start + USUAL_TOKEN_ITEM] === ItemId.Token && buffer[start + USUAL_TOKEN_ITEM + 2] === TOKEN_LENGTH) {
    const identifierItem = start + USUAL_PAYLOAD_ITEM + ITEM_HEADER_LENGTH + readU16(buffer, start + USUAL_PAYLOAD_ITEM + 1);
    if (buffer[identifierItem] === ItemId.Identifier) return identifierItem + ITEM_HEADER_LENGTH;
  }
  if (command === Command.Enhanced) return start + ENHANCED_ID_OFFSET;
  if (command !== Command.Frame) return -1;
  const end = start + FRAME_HEADER_LENGTH + readU32(buffer, start + 1);
  let offset = start + FRAME_HEADER_LENGTH;
  while (offset + ITEM_HEADER_LENGTH <= end) {
    if (buffer[offset] === ItemId.Identifier) return offset + ITEM_HEADER_LENGTH;
    offset += ITEM_HEADER_LENGTH + readU16(buffer, offset + 1);
  }
  return -1;
}

/** Writes `id` into a frame in place. */
export function patchIdentifier(buffer: Uint8Array, start: number, id: number): void {
  const offset = identifierOffset(buffer, start);
  if (offset < 0) return;
  buffer[offset] = id >>> 24;
  buffer[offset + 1] = id >>> 16;
  buffer[offset + 2] = id >>> 8;
  buffer[offset + 3] = id;
}

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
