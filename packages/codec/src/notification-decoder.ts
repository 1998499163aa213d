import * as constantsModule from './constants.js';
import { ApnsCodecError } from './errors.js';
import * as framingModule from './framing.js';
import type { ScanState } from './framing.js';
import * as notificationChecksModule from './notification-checks.js';
import * as runDecoderModule from './run-decoder.js';
import type { DecodeResult } from './run-decoder.js';

// Module-local copies: imported bindings are live cells that the compiler reloads and checks on
// every use; these are constants it folds (it matters in the per-frame loops).
const { PayloadLimit } = constantsModule;
const { GENERAL_LAYOUT, INCOMPLETE, joinLeftover, newScanState, packetLength } = framingModule;
const { framingFailure } = notificationChecksModule;
const { decodeRun } = runDecoderModule;

export { DecodedNotification } from './decoded-notification.js';
export type { DecodeFailure } from './notification-checks.js';
export type { DecodeResult } from './run-decoder.js';

export interface NotificationDecoderOptions {
  /** Largest payload accepted; larger ones fail with status 7. Default 2048. */
  readonly payloadLimit?: number;
}

/** Checks a payload limit option, the same for the decoder and the scanner. */
export function payloadLimitOption(options: NotificationDecoderOptions): number {
  const limit = options.payloadLimit ?? PayloadLimit.Default;
  if (!Number.isInteger(limit) || limit < 1) {
    throw new ApnsCodecError('APNS_ERR_INVALID_OPTION', `payloadLimit must be a positive integer, got ${String(limit)}`);
  }
  return limit;
}

/**
 * Streaming decoder for what providers write to the gateway: commands 0, 1 and 2 mixed, chunks
 * of any size, command-2 items in any order. A malformed notification yields the failure Apple
 * would answer; after a failure that loses the framing, the rest of the stream is ignored.
 */
export class NotificationDecoder {
  readonly payloadLimit: number;
  private tail: Buffer | undefined;
  private stopped = false;
  private readonly scan: ScanState = newScanState();

  constructor(options: NotificationDecoderOptions = {}) {
    this.payloadLimit = payloadLimitOption(options);
  }

  /** Bytes held while waiting for the rest of a packet. */
  get bufferedBytes(): number {
    return this.tail?.length ?? 0;
  }

  /** True after a failure that lost the framing. */
  get failed(): boolean {
    return this.stopped;
  }

  /** Feeds a chunk; returns every packet it completes, in order. Keeps views of `chunk`: do not reuse it. */
  push(chunk: Uint8Array): DecodeResult[] {
    const results: DecodeResult[] = [];
    if (this.stopped || chunk.length === 0) return results;
    let data = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (this.tail) {
      const joined = joinLeftover(this.tail, data, this.scan);
      this.tail = undefined;
      if (joined.length > 0) {
        decodeRun(joined.bytes, 0, joined.length, this.scan.layout, this.payloadLimit, results);
        data = data.subarray(joined.restAt);
      } else {
        data = joined.bytes;
      }
    }
    this.decodeAll(data, results);
    return results;
  }

  /** Forgets any partial packet and a lost framing, as for a new connection. */
  reset(): void {
    this.tail = undefined;
    this.stopped = false;
  }

  private decodeAll(data: Buffer, results: DecodeResult[]): void {
    const { scan, payloadLimit } = this;
    let runStart = 0;
    let runLayout = GENERAL_LAYOUT;
    let offset = 0;
    for (;;) {
      const length = packetLength(data, offset, scan);
      if (length === INCOMPLETE) break;
      if (length > 0) {
        if (scan.layout !== runLayout) {
          decodeRun(data, runStart, offset, runLayout, payloadLimit, results);
          runStart = offset;
          runLayout = scan.layout;
        }
        offset += length;
        continue;
      }
      decodeRun(data, runStart, offset, runLayout, payloadLimit, results);
      results.push(framingFailure(scan, data[offset]!));
      if (scan.skip === 0) {
        this.stopped = true;
        return;
      }
      offset += scan.skip;
      runStart = offset;
    }
    decodeRun(data, runStart, offset, runLayout, payloadLimit, results);
    this.tail = offset < data.length ? data.subarray(offset) : undefined;
  }
}
