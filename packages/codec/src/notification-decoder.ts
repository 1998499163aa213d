import {
  Command,
  ENHANCED_HEADER_LENGTH,
  FRAME_HEADER_LENGTH,
  PayloadLimit,
  Priority,
  SIMPLE_HEADER_LENGTH,
  TOKEN_LENGTH,
  U16_LENGTH,
  type PriorityValue,
} from './constants.js';
import { DecodedNotification } from './decoded-notification.js';
import { ApnsCodecError } from './errors.js';
import { GENERAL_LAYOUT, INCOMPLETE, newScanState, packetLength, type Layout, type ScanState } from './framing.js';
import type { NotificationFormat } from './notification.js';
import { Status } from './status.js';
import { parseFlatFrames, parseTokenAndPayloadPackets, type FlatFrameRecord, type TokenAndPayloadRecord } from './wire-parsers.js';

export { DecodedNotification } from './decoded-notification.js';

/** A notification Apple would reject, with the status it would answer. */
export interface DecodeFailure {
  readonly kind: 'error';
  /** 2, 4, 5, 7 or 128 (protocol error: it could not be parsed). */
  readonly status: number;
  /** The bad notification's identifier, when it carries one that could be read. */
  readonly id: number | undefined;
  /** The command of the bad packet, when known. */
  readonly format: NotificationFormat | undefined;
  /** What was wrong, for logs. */
  readonly reason: string;
  /** True when the stream can no longer be framed: the decoder ignores everything after it. */
  readonly fatal: boolean;
}

export type DecodeResult = DecodedNotification | DecodeFailure;

export interface NotificationDecoderOptions {
  /** Largest payload accepted; larger ones fail with status 7. Default 2048. */
  readonly payloadLimit?: number;
}

const FORMAT_OF_COMMAND: Readonly<Record<number, NotificationFormat>> = {
  [Command.Simple]: 'simple',
  [Command.Enhanced]: 'enhanced',
  [Command.Frame]: 'frame',
};

/** Bytes of the next chunk tried first to finish a leftover packet: enough for most whole packets. */
const HEADER_PROBE_LENGTH = 256;

const FRAMING_REASON = {
  'unknown-command': 'unknown command byte',
  'frame-too-long': 'frame length beyond what the protocol allows',
  'items-do-not-fit': 'frame items do not add up to the frame length',
  'bad-item': 'bad frame item',
} as const;

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
    const limit = options.payloadLimit ?? PayloadLimit.Default;
    if (!Number.isInteger(limit) || limit < 1) {
      throw new ApnsCodecError('APNS_ERR_INVALID_OPTION', `payloadLimit must be a positive integer, got ${String(limit)}`);
    }
    this.payloadLimit = limit;
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
    if (this.tail) data = this.completeTail(this.tail, data, results);
    this.decodeAll(data, results);
    return results;
  }

  /** Forgets any partial packet and a lost framing, as for a new connection. */
  reset(): void {
    this.tail = undefined;
    this.stopped = false;
  }

  /**
   * Finishes the packet left over from the last chunk by copying only its missing bytes, so a
   * chunk is not copied whole just because a packet straddled its start.
   */
  private completeTail(tail: Buffer, chunk: Buffer, results: DecodeResult[]): Buffer {
    this.tail = undefined;
    let probe = Buffer.concat([tail, chunk.subarray(0, Math.min(chunk.length, HEADER_PROBE_LENGTH))]);
    let length = packetLength(probe, 0, this.scan);
    const missing = this.scan.needed - tail.length;
    if (length === INCOMPLETE && missing > 0 && missing <= chunk.length) {
      probe = Buffer.concat([tail, chunk.subarray(0, missing)]);
      length = packetLength(probe, 0, this.scan);
    }
    // Still incomplete, or malformed: the general path sorts it out.
    if (length <= 0) return Buffer.concat([tail, chunk]);
    this.decodeRun(probe, 0, length, this.scan.layout, results);
    return chunk.subarray(length - tail.length);
  }

  private decodeAll(data: Buffer, results: DecodeResult[]): void {
    const scan = this.scan;
    let runStart = 0;
    let runLayout = GENERAL_LAYOUT;
    let offset = 0;
    for (;;) {
      const length = packetLength(data, offset, scan);
      if (length === INCOMPLETE) break;
      if (length > 0) {
        if (scan.layout !== runLayout) {
          this.decodeRun(data, runStart, offset, runLayout, results);
          runStart = offset;
          runLayout = scan.layout;
        }
        offset += length;
        continue;
      }
      this.decodeRun(data, runStart, offset, runLayout, results);
      results.push(this.framingFailure(data[offset]!));
      if (scan.skip === 0) {
        this.stopped = true;
        return;
      }
      offset += scan.skip;
      runStart = offset;
    }
    this.decodeRun(data, runStart, offset, runLayout, results);
    this.tail = offset < data.length ? data.subarray(offset) : undefined;
  }

  /** Parses packets [start, end) of one layout in a single binary-parser call. */
  private decodeRun(data: Buffer, start: number, end: number, layout: Layout, results: DecodeResult[]): void {
    if (end === start) return;
    // Offsets in the records are relative to the run; `start` makes them relative to `data`.
    const run = start === 0 && end === data.length ? data : data.subarray(start, end);
    if (layout === GENERAL_LAYOUT) {
      for (const record of parseTokenAndPayloadPackets(run)) results.push(this.fromTokenAndPayload(record, data, start));
    } else {
      for (const frame of parseFlatFrames(layout, run)) results.push(this.fromFrame(frame, data, start));
    }
  }

  private fromFrame(frame: FlatFrameRecord, data: Buffer, runStart: number): DecodeResult {
    const { id, priority = Priority.Immediate } = frame;
    if (priority !== Priority.Immediate && priority !== Priority.PowerConserving) {
      return failure(Status.ProtocolError, id, 'frame', `priority ${priority} is neither 10 nor 5`, false);
    }
    // A missing token or payload item reads as length -1, which `checked` reports like an empty one.
    return this.checked(
      'frame',
      data,
      frame.tokenLength ?? -1,
      runStart + (frame.tokenAt ?? 0),
      frame.payloadLength ?? -1,
      runStart + (frame.payloadAt ?? 0),
      id,
      frame.expiry ?? 0,
      priority,
      FRAME_HEADER_LENGTH + frame.frameLength,
    );
  }

  private framingFailure(command: number): DecodeFailure {
    const { problem, skip, id, detail } = this.scan;
    const reason = problem === 'unknown-command' ? `unknown command byte ${command}` : detail || FRAMING_REASON[problem];
    return failure(Status.ProtocolError, id, FORMAT_OF_COMMAND[command], reason, skip === 0);
  }

  private fromTokenAndPayload(record: TokenAndPayloadRecord, data: Buffer, runStart: number): DecodeResult {
    const { tokenLength, tokenAt, payloadLength, payloadAt } = record.body;
    const enhanced = record.command === Command.Enhanced;
    const byteLength = (enhanced ? ENHANCED_HEADER_LENGTH : SIMPLE_HEADER_LENGTH) + U16_LENGTH + tokenLength + payloadLength;
    return this.checked(
      enhanced ? 'enhanced' : 'simple',
      data,
      tokenLength,
      runStart + tokenAt,
      payloadLength,
      runStart + payloadAt,
      enhanced ? record.body.id : undefined,
      record.body.expiry ?? 0,
      Priority.Immediate,
      byteLength,
    );
  }

  private checked(
    format: NotificationFormat,
    data: Buffer,
    tokenLength: number,
    tokenAt: number,
    payloadLength: number,
    payloadAt: number,
    id: number | undefined,
    expiry: number,
    priority: PriorityValue,
    byteLength: number,
  ): DecodeResult {
    if (tokenLength <= 0) return failure(Status.MissingDeviceToken, id, format, 'missing device token', false);
    if (tokenLength !== TOKEN_LENGTH) {
      return failure(Status.InvalidTokenSize, id, format, `token is ${tokenLength} bytes, not ${TOKEN_LENGTH}`, false);
    }
    if (payloadLength <= 0) return failure(Status.MissingPayload, id, format, 'missing payload', false);
    if (payloadLength > this.payloadLimit) {
      return failure(Status.InvalidPayloadSize, id, format, `payload is ${payloadLength} bytes, over ${this.payloadLimit}`, false);
    }
    return new DecodedNotification(format, data, tokenAt, payloadAt, payloadLength, id, expiry, priority, byteLength);
  }
}

function failure(
  status: number,
  id: number | undefined,
  format: NotificationFormat | undefined,
  reason: string,
  fatal: boolean,
): DecodeFailure {
  return { kind: 'error', status, id, format, reason, fatal };
}
