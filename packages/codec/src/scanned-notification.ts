import { Priority, TOKEN_LENGTH, type PriorityValue } from './constants.js';
import type { DecodeFailure } from './notification-checks.js';
import type { NotificationFormat } from './notification.js';

/**
 * A notification the scanner found. The same object is reused for the next one: copy what you
 * keep. `source` is never reused or written, so offsets into it stay valid.
 */
export interface ScannedNotification {
  readonly format: NotificationFormat;
  /** The bytes it was read from: the chunk as pushed, or a small buffer for a packet split across two chunks. */
  readonly source: Buffer;
  /** Where the packet starts in `source`. */
  readonly packetOffset: number;
  /** Size of the packet on the wire. */
  readonly byteLength: number;
  readonly tokenOffset: number;
  readonly payloadOffset: number;
  readonly payloadLength: number;
  /** Undefined for command 0, which carries none. */
  readonly id: number | undefined;
  readonly expiry: number;
  readonly priority: PriorityValue;
  /** Lowercase hex of the token, read straight from `source`. */
  tokenHex(): string;
}

/** Told about every packet, in stream order. Returning false stops the scan for good. */
export interface NotificationVisitor {
  /** A notification Apple would accept. */
  notification(notification: ScannedNotification): boolean;
  /**
   * Optional, for receivers that keep bytes rather than fields: `count` notifications Apple would
   * accept, all canonical frames (items 1-5 in order), lying back to back in `source[start, end)`.
   * When present, such runs come in one call instead of one `notification` call each.
   */
  acceptedRun?(source: Buffer, start: number, end: number, count: number): boolean;
  /** A notification Apple would reject, with its status; after a fatal one nothing more is read. */
  failure(failure: DecodeFailure): boolean;
}

/** The scanner's one reusable ScannedNotification. */
export class ScanCursor implements ScannedNotification {
  format: NotificationFormat = 'frame';
  source: Buffer = Buffer.alloc(0);
  packetOffset = 0;
  byteLength = 0;
  tokenOffset = 0;
  payloadOffset = 0;
  payloadLength = 0;
  id: number | undefined = undefined;
  expiry = 0;
  priority: PriorityValue = Priority.Immediate;

  tokenHex(): string {
    return this.source.toString('hex', this.tokenOffset, this.tokenOffset + TOKEN_LENGTH);
  }

  set(
    format: NotificationFormat,
    source: Buffer,
    packetOffset: number,
    byteLength: number,
    tokenOffset: number,
    payloadOffset: number,
    payloadLength: number,
    id: number | undefined,
    expiry: number,
    priority: PriorityValue,
  ): this {
    this.format = format;
    this.source = source;
    this.packetOffset = packetOffset;
    this.byteLength = byteLength;
    this.tokenOffset = tokenOffset;
    this.payloadOffset = payloadOffset;
    this.payloadLength = payloadLength;
    this.id = id;
    this.expiry = expiry;
    this.priority = priority;
    return this;
  }
}
