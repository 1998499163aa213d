// The notification every contender handles, and the bytes it must become, written out by hand.
import { Buffer } from 'node:buffer';

export const TOKEN = Buffer.from('740f4707bebcf74f9b7c25d48e3358945f6aa01da5ddb387462c7eaf61bb78ad', 'hex');
/** A realistic payload of about 100 bytes, serialised once up front as a client would. */
export const PAYLOAD = Buffer.from('{"aps":{"alert":"Your order #12345 has shipped and arrives Tuesday","badge":3,"sound":"default"}}');
export const ID = 0x01020304;
export const EXPIRY = 1_600_000_000;
export const PRIORITY = 10;

/** Command 2, items 1-5: `02 | len | 01 0020 token | 02 len payload | 03 0004 id | 04 0004 expiry | 05 0001 prio`. */
export const EXPECTED_FRAME = Buffer.concat([
  Buffer.from([2]),
  u32(3 + 32 + 3 + PAYLOAD.length + 3 + 4 + 3 + 4 + 3 + 1),
  Buffer.from([1, 0, 32]),
  TOKEN,
  Buffer.from([2]),
  u16(PAYLOAD.length),
  PAYLOAD,
  Buffer.from([3, 0, 4]),
  u32(ID),
  Buffer.from([4, 0, 4]),
  u32(EXPIRY),
  Buffer.from([5, 0, 1, PRIORITY]),
]);
export const FRAME_LENGTH = EXPECTED_FRAME.length;

function u16(value: number): Buffer {
  const bytes = Buffer.alloc(2);
  bytes.writeUInt16BE(value);
  return bytes;
}

function u32(value: number): Buffer {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32BE(value);
  return bytes;
}

/** The same frame with items in pushy's order 3, 1, 2, 4, 5 (the decoder's general path). */
export const PUSHY_ORDER_FRAME = Buffer.concat([
  EXPECTED_FRAME.subarray(0, 5),
  EXPECTED_FRAME.subarray(5 + 35 + 3 + PAYLOAD.length, 5 + 35 + 3 + PAYLOAD.length + 7),
  EXPECTED_FRAME.subarray(5, 5 + 35 + 3 + PAYLOAD.length),
  EXPECTED_FRAME.subarray(5 + 35 + 3 + PAYLOAD.length + 7),
]);

/** `count` copies of a frame back to back, cut into chunks of `chunkSize` that ignore frame boundaries. */
export function chunkedStream(count: number, chunkSize: number, frame: Buffer = EXPECTED_FRAME): Buffer[] {
  const stream = Buffer.alloc(count * FRAME_LENGTH);
  for (let index = 0; index < count; index++) frame.copy(stream, index * FRAME_LENGTH);
  const chunks: Buffer[] = [];
  for (let offset = 0; offset < stream.length; offset += chunkSize) {
    // Each chunk gets its own memory, as socket reads do.
    chunks.push(Buffer.from(stream.subarray(offset, offset + chunkSize)));
  }
  return chunks;
}

/** What every decoder must report for each frame. */
export interface DecodedFields {
  id: number | undefined;
  expiry: number;
  priority: number;
  token: string;
  payload: string;
}

export const EXPECTED_FIELDS: DecodedFields = {
  id: ID,
  expiry: EXPIRY,
  priority: PRIORITY,
  token: TOKEN.toString('hex'),
  payload: PAYLOAD.toString('utf8'),
};
