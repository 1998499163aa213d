import { Command, EXPIRY_LENGTH, IDENTIFIER_LENGTH, ItemId, PRIORITY_LENGTH, TOKEN_LENGTH } from './constants.js';
import * as copyBytesModule from './copy-bytes.js';

/*
 * A command-2 frame written in 32-bit words through a DataView: about ten stores instead of
 * thirty byte stores, for encoders that write millions of frames into long-lived batch buffers.
 * Everything the function uses is local to this module: imported bindings are live cells that
 * the compiler reloads on every use, which costs more than the stores in a function this small.
 *
 * Layout (items in order 1-5, as the decoders' fast paths expect):
 *   02 | body length u32 | 01 0020 token | 02 LLLL payload | 03 0004 id | 04 0004 expiry | 05 0001 priority
 */
const FRAME: number = Command.Frame;
const { copyBytes } = copyBytesModule;
const BODY_LENGTH_AT = 1;
const TOKEN_ITEM_AT = 5;
const TOKEN_AT = 8;
const PAYLOAD_ITEM_AT = TOKEN_AT + TOKEN_LENGTH;
const PAYLOAD_AT = PAYLOAD_ITEM_AT + 3;
/** Body bytes besides the token and payload data: five item headers and items 3, 4 and 5. */
const FIXED_BODY = 5 * 3 + IDENTIFIER_LENGTH + EXPIRY_LENGTH + PRIORITY_LENGTH;
const TAIL_LENGTH = 3 * 3 + IDENTIFIER_LENGTH + EXPIRY_LENGTH + PRIORITY_LENGTH;
/** `01 0020` then a byte the token overwrites. */
const TOKEN_ITEM_WORD = ((ItemId.Token << 24) | (TOKEN_LENGTH << 8)) >>> 0;
const PAYLOAD_ITEM_WORD = (ItemId.Payload << 24) >>> 0;
/** `03 0004` then the identifier's top byte. */
const IDENTIFIER_ITEM_WORD = ((ItemId.Identifier << 24) | (IDENTIFIER_LENGTH << 8)) >>> 0;
const EXPIRY_ITEM_BYTE = ItemId.Expiry;
const EXPIRY_LENGTH_WORD = EXPIRY_LENGTH << 16;
const PRIORITY_ITEM_BYTES = ItemId.Priority << 8;
const PRIORITY_LENGTH_WORD = PRIORITY_LENGTH << 8;

/** Body bytes of a frame this module writes, besides the token and payload data. */
export const FRAME_FIXED_BODY = FIXED_BODY;

/** Where the identifier lies in a frame NotificationEncoder wrote, counted back from its end: patch it there without parsing. */
export const FRAME_IDENTIFIER_FROM_END = TAIL_LENGTH - 3;

/**
 * Writes a checked frame at `start` of `target` (`view` is a DataView of the same bytes) and
 * returns the offset after it, or -1 when a hex token does not decode. The caller has made room.
 */
export function writeFrameWords(
  view: DataView,
  target: Buffer,
  start: number,
  token: Uint8Array | string,
  payload: Uint8Array,
  id: number,
  expiry: number,
  priority: number,
): number {
  const payloadLength = payload.length;
  view.setUint8(start, FRAME);
  view.setUint32(start + BODY_LENGTH_AT, FIXED_BODY + TOKEN_LENGTH + payloadLength);
  view.setUint32(start + TOKEN_ITEM_AT, TOKEN_ITEM_WORD);
  if (typeof token !== 'string') copyBytes.call(target, token, start + TOKEN_AT);
  else if (target.write(token, start + TOKEN_AT, TOKEN_LENGTH, 'hex') !== TOKEN_LENGTH) return -1;
  view.setUint32(start + PAYLOAD_ITEM_AT, PAYLOAD_ITEM_WORD | (payloadLength << 8));
  copyBytes.call(target, payload, start + PAYLOAD_AT);
  // 03 0004 | id | 04 0004 | expiry | 05 0001 | priority, in four words and a half.
  const tail = start + PAYLOAD_AT + payloadLength;
  view.setUint32(tail, IDENTIFIER_ITEM_WORD | (id >>> 24));
  view.setUint32(tail + 4, (((id & 0xffffff) << 8) | EXPIRY_ITEM_BYTE) >>> 0);
  view.setUint32(tail + 8, EXPIRY_LENGTH_WORD | (expiry >>> 16));
  view.setUint32(tail + 12, (((expiry & 0xffff) << 16) | PRIORITY_ITEM_BYTES) >>> 0);
  view.setUint16(tail + 16, PRIORITY_LENGTH_WORD | priority);
  return tail + TAIL_LENGTH;
}
