import * as constantsModule from './constants.js';
import type { PriorityValue } from './constants.js';
import * as framingModule from './framing.js';
import type { Layout } from './framing.js';
import * as canonicalRunModule from './canonical-run.js';
import type { RunCount } from './canonical-run.js';
import * as notificationChecksModule from './notification-checks.js';
import type { DecodeFailure } from './notification-checks.js';
import { payloadLimitOption, type DecodedNotification, type NotificationDecoderOptions } from './notification-decoder.js';
import type { NotificationFormat } from './notification.js';
import * as runDecoderModule from './run-decoder.js';
import type { DecodeResult } from './run-decoder.js';

// Module-local copies: imported bindings are live cells that the compiler reloads and checks on
// every use; these are constants it folds (it matters in the per-frame loops).
const { COMMAND_LENGTH, Command, ENHANCED_HEADER_LENGTH, EXPIRY_LENGTH, FRAME_HEADER_LENGTH, IDENTIFIER_LENGTH, ITEM_HEADER_LENGTH, PRIORITY_LENGTH, Priority, SIMPLE_HEADER_LENGTH, TOKEN_LENGTH, U16_LENGTH } = constantsModule;
const { CANONICAL_LAYOUT, GENERAL_LAYOUT, INCOMPLETE, joinLeftover, newScanState, packetLength } = framingModule;
const { acceptableFrameRun } = canonicalRunModule;
const { framingFailure, lengthFailure, priorityFailure } = notificationChecksModule;
const { decodeRun } = runDecoderModule;

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

/* A canonical frame ends `03 0004 id | 04 0004 expiry | 05 0001 priority`: where those values sit, from the end. */
const ID_FROM_END = IDENTIFIER_LENGTH + ITEM_HEADER_LENGTH + EXPIRY_LENGTH + ITEM_HEADER_LENGTH + PRIORITY_LENGTH;
const EXPIRY_FROM_END = EXPIRY_LENGTH + ITEM_HEADER_LENGTH + PRIORITY_LENGTH;

class ScanCursor implements ScannedNotification {
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

  copy(notification: DecodedNotification, packetOffset: number): this {
    const { format, source, byteLength, tokenOffset, payloadOffset, payloadLength, id, expiry, priority } = notification;
    return this.set(format, source, packetOffset, byteLength, tokenOffset, payloadOffset, payloadLength, id, expiry, priority);
  }
}

/**
 * Judges a gateway stream exactly as `NotificationDecoder` does, for a receiver that keeps only
 * offsets: the common packets (commands 0 and 1, frames with items in order 1-5) are checked
 * where they lie, without a parse or an object per packet; other item orders go through the
 * decoder's binary-parser runs. It is the decoder's verdict, delivered without allocating.
 */
export class NotificationScanner {
  readonly payloadLimit: number;
  private tail: Buffer | undefined;
  private ended = false;
  private readonly state = newScanState();
  private readonly cursor = new ScanCursor();
  private readonly found: RunCount = { count: 0 };

  constructor(options: NotificationDecoderOptions = {}) {
    this.payloadLimit = payloadLimitOption(options);
  }

  /** Bytes held while waiting for the rest of a packet. */
  get bufferedBytes(): number {
    return this.tail?.length ?? 0;
  }

  /** True once nothing more is read: after a fatal failure, or when the visitor said stop. */
  get stopped(): boolean {
    return this.ended;
  }

  /** Feeds a chunk; tells `visitor` about every packet it completes. Offsets point into `chunk`: do not reuse it. */
  scan(chunk: Uint8Array, visitor: NotificationVisitor): void {
    if (this.ended || chunk.length === 0) return;
    let data = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    let from = 0;
    if (this.tail) {
      const joined = joinLeftover(this.tail, data, this.state);
      this.tail = undefined;
      if (joined.length > 0) {
        if (!this.visitPacket(viewOf(joined.bytes), joined.bytes, 0, joined.length, this.state.layout, visitor)) return this.stop();
        from = joined.restAt;
      } else {
        data = joined.bytes;
      }
    }
    if (!this.scanAll(data, from, visitor)) this.stop();
  }

  /** Forgets any partial packet and a stop, as for a new connection. */
  reset(): void {
    this.tail = undefined;
    this.ended = false;
  }

  private stop(): void {
    this.ended = true;
    this.tail = undefined;
  }

  /** Scans `data` from `from` on; false when the scan must stop. */
  private scanAll(data: Buffer, from: number, visitor: NotificationVisitor): boolean {
    const state = this.state;
    const view = viewOf(data);
    const end = data.length;
    // Frames with an uncommon item order are gathered into runs for one binary-parser call.
    let runStart = from;
    let runLayout = GENERAL_LAYOUT;
    let offset = from;
    const takesRuns = visitor.acceptedRun !== undefined;
    for (;;) {
      // Accepted canonical frames first, in one pass; everything else goes to the general framing.
      const acceptedEnd = acceptableFrameRun(view, offset, end, this.payloadLimit, this.found);
      if (acceptedEnd > offset) {
        if (runStart < offset && !this.visitRun(data, runStart, offset, runLayout, visitor)) return false;
        const carryOn = takesRuns
          ? visitor.acceptedRun!(data, offset, acceptedEnd, this.found.count)
          : this.visitEachFrame(view, data, offset, acceptedEnd, visitor);
        if (!carryOn) return false;
        offset = acceptedEnd;
        runStart = offset;
      }
      const length = packetLength(data, offset, state);
      if (length === INCOMPLETE) break;
      if (length > 0) {
        const layout = state.layout;
        if (layout === CANONICAL_LAYOUT || layout === GENERAL_LAYOUT) {
          if (runStart < offset && !this.visitRun(data, runStart, offset, runLayout, visitor)) return false;
          if (!this.visitPacket(view, data, offset, length, layout, visitor)) return false;
          offset += length;
          runStart = offset;
          continue;
        }
        if (runStart < offset && layout !== runLayout) {
          if (!this.visitRun(data, runStart, offset, runLayout, visitor)) return false;
          runStart = offset;
        }
        runLayout = layout;
        offset += length;
        continue;
      }
      if (runStart < offset && !this.visitRun(data, runStart, offset, runLayout, visitor)) return false;
      const problem = framingFailure(state, data[offset]!);
      if (!visitor.failure(problem) || problem.fatal) return false;
      offset += state.skip;
      runStart = offset;
    }
    if (runStart < offset && !this.visitRun(data, runStart, offset, runLayout, visitor)) return false;
    this.tail = offset < data.length ? data.subarray(offset) : undefined;
    return true;
  }

  /** Frames [start, end), each a complete canonical frame, one visit each. */
  private visitEachFrame(view: DataView, data: Buffer, start: number, end: number, visitor: NotificationVisitor): boolean {
    for (let at = start; at < end; ) {
      const length = FRAME_HEADER_LENGTH + view.getUint32(at + COMMAND_LENGTH);
      if (!this.visitCanonicalFrame(view, data, at, length, visitor)) return false;
      at += length;
    }
    return true;
  }

  private visitPacket(view: DataView, data: Buffer, at: number, length: number, layout: Layout, visitor: NotificationVisitor): boolean {
    if (layout === CANONICAL_LAYOUT) return this.visitCanonicalFrame(view, data, at, length, visitor);
    if (layout === GENERAL_LAYOUT) return this.visitTokenAndPayload(data, at, length, visitor);
    return this.visitRun(data, at, at + length, layout, visitor);
  }

  /** Items 1 and 2 from the front, items 3, 4 and 5 at fixed distances from the end (framing checked their headers). */
  private visitCanonicalFrame(view: DataView, data: Buffer, at: number, length: number, visitor: NotificationVisitor): boolean {
    const tokenAt = at + FRAME_HEADER_LENGTH + ITEM_HEADER_LENGTH;
    const tokenLength = view.getUint16(tokenAt - U16_LENGTH);
    const payloadAt = tokenAt + tokenLength + ITEM_HEADER_LENGTH;
    const payloadLength = view.getUint16(payloadAt - U16_LENGTH);
    const end = at + length;
    const id = view.getUint32(end - ID_FROM_END);
    const priority = view.getUint8(end - PRIORITY_LENGTH);
    if (priority !== Priority.Immediate && priority !== Priority.PowerConserving) return visitor.failure(priorityFailure(priority, id));
    const problem = lengthFailure('frame', tokenLength, payloadLength, id, this.payloadLimit);
    if (problem) return visitor.failure(problem);
    const expiry = view.getUint32(end - EXPIRY_FROM_END);
    return visitor.notification(this.cursor.set('frame', data, at, length, tokenAt, payloadAt, payloadLength, id, expiry, priority));
  }

  /** Commands 0 and 1: `header | token length u16 | token | payload length u16 | payload`. */
  private visitTokenAndPayload(data: Buffer, at: number, length: number, visitor: NotificationVisitor): boolean {
    const enhanced = data[at] === Command.Enhanced;
    const format: NotificationFormat = enhanced ? 'enhanced' : 'simple';
    const tokenAt = at + (enhanced ? ENHANCED_HEADER_LENGTH : SIMPLE_HEADER_LENGTH);
    const tokenLength = data.readUInt16BE(tokenAt - U16_LENGTH);
    const payloadAt = tokenAt + tokenLength + U16_LENGTH;
    const payloadLength = data.readUInt16BE(payloadAt - U16_LENGTH);
    // Enhanced: `01 | identifier u32 | expiry u32 | ...`.
    const id = enhanced ? data.readUInt32BE(at + 1) : undefined;
    const problem = lengthFailure(format, tokenLength, payloadLength, id, this.payloadLimit);
    if (problem) return visitor.failure(problem);
    const expiry = enhanced ? data.readUInt32BE(at + 5) : 0;
    return visitor.notification(this.cursor.set(format, data, at, length, tokenAt, payloadAt, payloadLength, id, expiry, Priority.Immediate));
  }

  /** Frames [start, end) sharing an uncommon item order, parsed by the decoder in one call. */
  private visitRun(data: Buffer, start: number, end: number, layout: Layout, visitor: NotificationVisitor): boolean {
    const results: DecodeResult[] = [];
    decodeRun(data, start, end, layout, this.payloadLimit, results);
    let at = start;
    for (const result of results) {
      const carryOn = result.kind === 'error' ? visitor.failure(result) : visitor.notification(this.cursor.copy(result, at));
      if (!carryOn) return false;
      at += FRAME_HEADER_LENGTH + data.readUInt32BE(at + 1);
    }
    return true;
  }
}

function viewOf(data: Buffer): DataView {
  return new DataView(data.buffer, data.byteOffset, data.byteLength);
}
