import * as constantsModule from './constants.js';
import { ApnsCodecError } from './errors.js';
import { tokenBytes, type TokenInput } from './token.js';
import { parseFeedbackTuples } from './wire-parsers.js';

// Module-local copies: imported bindings are live cells that the compiler reloads and checks on
// every use; these are constants it folds (it matters in the per-frame loops).
const { FEEDBACK_HEADER_LENGTH, MAX_U16, MAX_U32, TOKEN_LENGTH } = constantsModule;

/** A tuple as given to the encoder. */
export interface FeedbackTupleInput {
  readonly token: TokenInput;
  /** When Apple saw the app gone: UNIX seconds or a Date. */
  readonly timestamp: number | Date;
}

/** A tuple read off the wire. */
export interface FeedbackTuple {
  /** A copy: safe to keep. */
  readonly token: Buffer;
  /** UNIX seconds. */
  readonly timestamp: number;
}

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
 * a token longer than `maxTokenLength` throws APNS_ERR_FEEDBACK_TOKEN_LENGTH; the tuples before it
 * in the same chunk are kept (`push` returns them first and the throw comes on the next call).
 */
export class FeedbackDecoder {
  private readonly maxTokenLength: number;
  private tail: Buffer | undefined;
  private pendingError: ApnsCodecError | undefined;

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

  /**
   * True once a tuple with an impossible token length was seen. The error is thrown by the next
   * `push` (an empty chunk will do), so a reader whose stream ends right after it still sees it.
   */
  get failed(): boolean {
    return this.pendingError !== undefined;
  }

  push(chunk: Uint8Array): FeedbackTuple[] {
    if (this.pendingError) throw this.pendingError;
    if (chunk.length === 0) return [];
    const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const data = this.tail ? Buffer.concat([this.tail, bytes]) : bytes;
    let end = 0;
    while (end + FEEDBACK_HEADER_LENGTH <= data.length) {
      const tokenLength = data.readUInt16BE(end + 4);
      if (tokenLength > this.maxTokenLength || tokenLength === 0) {
        this.pendingError = new ApnsCodecError(
          'APNS_ERR_FEEDBACK_TOKEN_LENGTH',
          `feedback tuple claims a ${tokenLength}-byte token; expected 1 to ${this.maxTokenLength} bytes`,
        );
        break;
      }
      if (end + FEEDBACK_HEADER_LENGTH + tokenLength > data.length) break;
      end += FEEDBACK_HEADER_LENGTH + tokenLength;
    }
    const tuples: FeedbackTuple[] = [];
    if (end > 0) {
      for (const record of parseFeedbackTuples(data.subarray(0, end))) {
        tuples.push({ token: Buffer.from(record.token), timestamp: record.timestamp });
      }
    }
    this.tail = !this.pendingError && end < data.length ? Buffer.from(data.subarray(end)) : undefined;
    if (this.pendingError && tuples.length === 0) throw this.pendingError;
    return tuples;
  }
}
