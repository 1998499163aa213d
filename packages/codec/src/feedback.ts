import { FEEDBACK_HEADER_LENGTH, MAX_U16, MAX_U32, TOKEN_LENGTH, U32_LENGTH } from './constants.js';
import { ApnsCodecError } from './errors.js';
import { tokenBytes, type TokenInput } from './token.js';
import { parseFeedbackTuples } from './wire-parsers.js';

/** A tuple as given to the encoder. */
export interface FeedbackTupleInput {
  readonly token: TokenInput;
  /** When Apple saw the app gone: UNIX seconds or a Date. */
  readonly timestamp: number | Date;
}

/** A tuple read off the wire. */
export interface FeedbackTuple {
  readonly kind: 'tuple';
  /** A copy: safe to keep. */
  readonly token: Buffer;
  /** UNIX seconds. */
  readonly timestamp: number;
}

/** Bytes that cannot be feedback tuples (a token length of 0 or over the limit): the decoder ignores the rest. */
export interface FeedbackGarbage {
  readonly kind: 'garbage';
  /** The bytes from the bad tuple on, as received so far. */
  readonly bytes: Buffer;
  readonly reason: string;
}

export type FeedbackResult = FeedbackTuple | FeedbackGarbage;

/** Encodes `timestamp u32 | token length u16 | token`. */
export function encodeFeedbackTuple(tuple: FeedbackTupleInput): Buffer {
  const token = tokenBytes(tuple.token);
  const seconds = tuple.timestamp instanceof Date ? Math.floor(tuple.timestamp.getTime() / 1000) : tuple.timestamp;
  if (!Number.isInteger(seconds) || seconds < 0 || seconds > MAX_U32) {
    throw new ApnsCodecError(
      'APNS_ERR_INVALID_TIMESTAMP',
      `timestamp must be UNIX seconds from 0 to ${MAX_U32} or a Date in that range, got ${String(tuple.timestamp)}`,
    );
  }
  const packet = Buffer.allocUnsafe(FEEDBACK_HEADER_LENGTH + token.length);
  packet.writeUInt32BE(seconds, 0);
  packet.writeUInt16BE(token.length, 4);
  packet.set(token, FEEDBACK_HEADER_LENGTH);
  return packet;
}

export interface FeedbackDecoderOptions {
  /** Largest token length accepted; Apple's tokens are 32 bytes. Default 32. */
  readonly maxTokenLength?: number;
}

/**
 * Streaming decoder for the feedback service's tuples, reassembled across reads. A tuple claiming
 * a token of 0 bytes or longer than `maxTokenLength` comes back once as `garbage`, after the
 * tuples before it, never a throw; later bytes are ignored (as ErrorResponseDecoder does).
 */
export class FeedbackDecoder {
  private readonly maxTokenLength: number;
  private tail: Buffer | undefined;
  private stopped = false;

  constructor(options: FeedbackDecoderOptions = {}) {
    const maxTokenLength = options.maxTokenLength ?? TOKEN_LENGTH;
    if (!Number.isInteger(maxTokenLength) || maxTokenLength < 1 || maxTokenLength > MAX_U16) {
      throw new ApnsCodecError(
        'APNS_ERR_INVALID_OPTION',
        `maxTokenLength must be an integer from 1 to ${MAX_U16}, got ${String(maxTokenLength)}`,
      );
    }
    this.maxTokenLength = maxTokenLength;
  }

  /** Bytes of an incomplete tuple; non-zero at the end of the stream means a truncated tuple. */
  get bufferedBytes(): number {
    return this.tail?.length ?? 0;
  }

  /** True once garbage was seen: later bytes are ignored. */
  get failed(): boolean {
    return this.stopped;
  }

  push(chunk: Uint8Array): FeedbackResult[] {
    if (this.stopped || chunk.length === 0) return [];
    const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const data = this.tail ? Buffer.concat([this.tail, bytes]) : bytes;
    let end = 0;
    let badLength = -1;
    while (end + FEEDBACK_HEADER_LENGTH <= data.length) {
      const tokenLength = data.readUInt16BE(end + U32_LENGTH);
      if (tokenLength > this.maxTokenLength || tokenLength === 0) {
        badLength = tokenLength;
        break;
      }
      if (end + FEEDBACK_HEADER_LENGTH + tokenLength > data.length) break;
      end += FEEDBACK_HEADER_LENGTH + tokenLength;
    }
    const results: FeedbackResult[] = [];
    if (end > 0) {
      for (const record of parseFeedbackTuples(data.subarray(0, end))) {
        results.push({ kind: 'tuple', token: Buffer.from(record.token), timestamp: record.timestamp });
      }
    }
    if (badLength >= 0) {
      this.stopped = true;
      this.tail = undefined;
      results.push({
        kind: 'garbage',
        bytes: Buffer.from(data.subarray(end)),
        reason: `feedback tuple claims a ${badLength}-byte token; expected 1 to ${this.maxTokenLength} bytes`,
      });
      return results;
    }
    this.tail = end < data.length ? Buffer.from(data.subarray(end)) : undefined;
    return results;
  }
}
