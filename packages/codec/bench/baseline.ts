// The baseline: what a careful developer writes by hand with Buffer methods, no library.
import { Buffer } from 'node:buffer';

export interface BaselineNotification {
  token: Buffer;
  payload: Buffer;
  id: number;
  expiry: number;
  priority: number;
}

const FIXED_LENGTH = 5 + 3 * 5 + 4 + 4 + 1;

/** Writes one command-2 frame at `offset`; returns the offset after it. */
export function baselineEncodeInto(n: BaselineNotification, target: Buffer, offset: number): number {
  let at = target.writeUInt8(2, offset);
  at = target.writeUInt32BE(FIXED_LENGTH - 5 + n.token.length + n.payload.length, at);
  at = target.writeUInt8(1, at);
  at = target.writeUInt16BE(n.token.length, at);
  at += n.token.copy(target, at);
  at = target.writeUInt8(2, at);
  at = target.writeUInt16BE(n.payload.length, at);
  at += n.payload.copy(target, at);
  at = target.writeUInt8(3, at);
  at = target.writeUInt16BE(4, at);
  at = target.writeUInt32BE(n.id, at);
  at = target.writeUInt8(4, at);
  at = target.writeUInt16BE(4, at);
  at = target.writeUInt32BE(n.expiry, at);
  at = target.writeUInt8(5, at);
  at = target.writeUInt16BE(1, at);
  return target.writeUInt8(n.priority, at);
}

/** One allocation per frame. */
export function baselineEncode(n: BaselineNotification): Buffer {
  const frame = Buffer.allocUnsafe(FIXED_LENGTH + n.token.length + n.payload.length);
  baselineEncodeInto(n, frame, 0);
  return frame;
}

/** A decoded frame: fields read, token and payload left in place as offsets (as the codec does). */
export interface BaselineFrame {
  source: Buffer;
  tokenAt: number;
  tokenLength: number;
  payloadAt: number;
  payloadLength: number;
  id: number | undefined;
  expiry: number;
  priority: number;
}

/** A streaming command-2 decoder: keeps the tail of a chunk, walks items in any order. */
export class BaselineDecoder {
  private tail: Buffer | undefined;

  push(chunk: Buffer): BaselineFrame[] {
    const data = this.tail ? Buffer.concat([this.tail, chunk]) : chunk;
    const frames: BaselineFrame[] = [];
    let offset = 0;
    while (offset + 5 <= data.length) {
      const frameLength = data.readUInt32BE(offset + 1);
      const end = offset + 5 + frameLength;
      if (end > data.length) break;
      const frame: BaselineFrame = {
        source: data, tokenAt: 0, tokenLength: 0, payloadAt: 0, payloadLength: 0, id: undefined, expiry: 0, priority: 10,
      };
      for (let at = offset + 5; at < end; ) {
        const itemId = data[at]!;
        const itemLength = data.readUInt16BE(at + 1);
        at += 3;
        if (itemId === 1) {
          frame.tokenAt = at;
          frame.tokenLength = itemLength;
        } else if (itemId === 2) {
          frame.payloadAt = at;
          frame.payloadLength = itemLength;
        } else if (itemId === 3) frame.id = data.readUInt32BE(at);
        else if (itemId === 4) frame.expiry = data.readUInt32BE(at);
        else if (itemId === 5) frame.priority = data[at]!;
        at += itemLength;
      }
      frames.push(frame);
      offset = end;
    }
    this.tail = offset < data.length ? data.subarray(offset) : undefined;
    return frames;
  }
}
