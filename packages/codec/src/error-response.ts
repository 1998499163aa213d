import { Command, ERROR_RESPONSE_LENGTH, MAX_U32 } from './constants.js';
import { ApnsCodecError } from './errors.js';
import { statusInfo, type StatusInfo } from './status.js';
import { parseErrorResponses } from './wire-parsers.js';

/** An error response as read from the gateway. */
export interface ErrorResponse {
  readonly kind: 'error-response';
  readonly status: number;
  /** The identifier of the notification it names (status 10: the last one delivered). */
  readonly id: number;
  /** The status's entry in the table; unknown bytes get an `unknown-<n>` entry. */
  readonly info: StatusInfo;
}

/** Bytes that are not an error response (command byte other than 8). */
export interface ErrorResponseGarbage {
  readonly kind: 'garbage';
  /** The bytes that could not be read as error responses; the decoder ignores the rest. */
  readonly bytes: Buffer;
  readonly reason: string;
}

export type ErrorResponseResult = ErrorResponse | ErrorResponseGarbage;

/** The 6-byte error response `08 | status | identifier`. */
export function encodeErrorResponse(status: number, id: number): Buffer {
  if (!Number.isInteger(status) || status < 0 || status > 0xff) {
    throw new ApnsCodecError('APNS_ERR_INVALID_STATUS', `status must be a byte (0-255), got ${String(status)}`);
  }
  if (!Number.isInteger(id) || id < 0 || id > MAX_U32) {
    throw new ApnsCodecError('APNS_ERR_INVALID_IDENTIFIER', `id must be an integer from 0 to ${MAX_U32}, got ${String(id)}`);
  }
  const packet = Buffer.allocUnsafe(ERROR_RESPONSE_LENGTH);
  packet[0] = Command.ErrorResponse;
  packet[1] = status;
  packet.writeUInt32BE(id, 2);
  return packet;
}

/**
 * Streaming decoder for what the gateway writes back: 6-byte error responses, reassembled when
 * split across reads. Bytes that are not an error response come back once as `garbage`, never a throw.
 */
export class ErrorResponseDecoder {
  private tail: Buffer | undefined;
  private stopped = false;

  get bufferedBytes(): number {
    return this.tail?.length ?? 0;
  }

  /** True once garbage was seen: later bytes are ignored. */
  get failed(): boolean {
    return this.stopped;
  }

  push(chunk: Uint8Array): ErrorResponseResult[] {
    if (this.stopped || chunk.length === 0) return [];
    const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const data = this.tail ? Buffer.concat([this.tail, bytes]) : bytes;
    let end = 0;
    while (end < data.length && data[end] === Command.ErrorResponse && end + ERROR_RESPONSE_LENGTH <= data.length) {
      end += ERROR_RESPONSE_LENGTH;
    }
    const results: ErrorResponseResult[] = [];
    if (end > 0) {
      for (const { status, id } of parseErrorResponses(data.subarray(0, end))) {
        results.push({ kind: 'error-response', status, id, info: statusInfo(status) });
      }
    }
    if (end < data.length && data[end] !== Command.ErrorResponse) {
      this.stopped = true;
      this.tail = undefined;
      results.push({
        kind: 'garbage',
        bytes: Buffer.from(data.subarray(end)),
        reason: `expected an error response (command 8), got command byte ${data[end]}`,
      });
      return results;
    }
    this.tail = end < data.length ? Buffer.from(data.subarray(end)) : undefined;
    return results;
  }
}
