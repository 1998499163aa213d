import { Command, ItemId, MAX_U32, Priority, TOKEN_LENGTH, type Notification } from '@apnskit/codec';

/** `02 | length u32` plus five item headers, identifier, expiry and priority: a command-2 frame without token and payload. */
const FRAME_OVERHEAD = 5 + 5 * 3 + 4 + 4 + 1;
const HEX_TOKEN_LENGTH = TOKEN_LENGTH * 2;

/** The last payload string seen and its bytes: bulk sends repeat one payload. */
export class PayloadCache {
  text: string | undefined;
  bytes: Buffer = Buffer.alloc(0);

  bytesOf(text: string): Buffer {
    if (text !== this.text) {
      this.bytes = Buffer.from(text, 'utf8');
      this.text = text;
    }
    return this.bytes;
  }
}

/**
 * The common case of command 2 (hex or 32-byte token, string or byte payload, numeric fields)
 * measured without allocating: returns the payload bytes to write, or undefined when the codec
 * must check the notification (it throws for bad input, with the message saying what to fix).
 */
export function fastPayload(notification: Notification, payloadLimit: number, cache: PayloadCache): Uint8Array | undefined {
  if (notification === null || typeof notification !== 'object') return undefined;
  const { token, payload, id, expiry, priority } = notification;
  if (typeof token === 'string' ? token.length !== HEX_TOKEN_LENGTH : !(token instanceof Uint8Array) || token.length !== TOKEN_LENGTH) return undefined;
  if (id !== undefined && !(Number.isInteger(id) && id >= 0 && id <= MAX_U32)) return undefined;
  if (expiry !== undefined && !(typeof expiry === 'number' && Number.isInteger(expiry) && expiry >= 0 && expiry <= MAX_U32)) return undefined;
  if (priority !== undefined && priority !== Priority.Immediate && priority !== Priority.PowerConserving) return undefined;
  const bytes = typeof payload === 'string' ? cache.bytesOf(payload) : payload instanceof Uint8Array ? payload : undefined;
  if (bytes === undefined || bytes.length === 0 || bytes.length > payloadLimit) return undefined;
  return bytes;
}

export function fastFrameLength(payload: Uint8Array): number {
  return FRAME_OVERHEAD + TOKEN_LENGTH + payload.length;
}

/**
 * Writes the frame (identifier 0: the connection patches it) at `start`; returns the offset after
 * it, or -1 when the hex token does not decode (the codec then reports it).
 */
export function writeFastFrame(notification: Notification, payload: Uint8Array, target: Buffer, start: number): number {
  const { token } = notification;
  let offset = start;
  target[offset] = Command.Frame;
  writeU32(target, offset + 1, FRAME_OVERHEAD - 5 + TOKEN_LENGTH + payload.length);
  offset += 5;
  target[offset] = ItemId.Token;
  target[offset + 1] = 0;
  target[offset + 2] = TOKEN_LENGTH;
  offset += 3;
  if (typeof token === 'string') {
    if (target.write(token, offset, TOKEN_LENGTH, 'hex') !== TOKEN_LENGTH) return -1;
  } else target.set(token, offset);
  offset += TOKEN_LENGTH;
  target[offset] = ItemId.Payload;
  target[offset + 1] = payload.length >>> 8;
  target[offset + 2] = payload.length;
  target.set(payload, offset + 3);
  offset += 3 + payload.length;
  target[offset] = ItemId.Identifier;
  target[offset + 1] = 0;
  target[offset + 2] = 4;
  writeU32(target, offset + 3, 0);
  offset += 7;
  target[offset] = ItemId.Expiry;
  target[offset + 1] = 0;
  target[offset + 2] = 4;
  writeU32(target, offset + 3, (notification.expiry as number | undefined) ?? 0);
  offset += 7;
  target[offset] = ItemId.Priority;
  target[offset + 1] = 0;
  target[offset + 2] = 1;
  target[offset + 3] = notification.priority ?? Priority.Immediate;
  return offset + 4;
}

function writeU32(target: Buffer, offset: number, value: number): void {
  target[offset] = value >>> 24;
  target[offset + 1] = value >>> 16;
  target[offset + 2] = value >>> 8;
  target[offset + 3] = value;
}
