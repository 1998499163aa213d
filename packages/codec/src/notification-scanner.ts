import {
  COMMAND_LENGTH,
  EXPIRY_LENGTH,
  FRAME_HEADER_LENGTH,
  IDENTIFIER_LENGTH,
  ITEM_HEADER_LENGTH,
  PRIORITY_LENGTH,
  TOKEN_LENGTH,
  U16_LENGTH,
  U8_LENGTH,
  type PriorityValue,
} from './constants.js';
import { viewOf } from './byte-view.js';
import { acceptableFrameRun, type RunCount } from './canonical-run.js';
import { GENERAL_LAYOUT, INCOMPLETE, joinLeftover, newScanState, packetLength, type Layout } from './framing.js';
import { framingFailure, payloadLimitOption, type NotificationDecoderOptions } from './notification-checks.js';
import { visitRun } from './run-decoder.js';
import { ScanCursor, type NotificationVisitor } from './scanned-notification.js';

export type { NotificationVisitor, ScannedNotification } from './scanned-notification.js';

/* An accepted frame is canonical: items 1 and 2 from the front, then `03 0004 id | 04 0004 expiry | 05 0001 priority`. */
const TOKEN_FROM_START = FRAME_HEADER_LENGTH + ITEM_HEADER_LENGTH;
const PAYLOAD_LENGTH_FROM_START = TOKEN_FROM_START + TOKEN_LENGTH + U8_LENGTH;
const ID_FROM_END = IDENTIFIER_LENGTH + ITEM_HEADER_LENGTH + EXPIRY_LENGTH + ITEM_HEADER_LENGTH + PRIORITY_LENGTH;
const EXPIRY_FROM_END = EXPIRY_LENGTH + ITEM_HEADER_LENGTH + PRIORITY_LENGTH;

/**
 * Judges a gateway stream packet by packet for a visitor, as Apple would: commands 0, 1 and 2
 * mixed, chunks of any size, command-2 items in any order. Runs of canonical frames (items 1-5 in
 * order) that Apple accepts are checked where they lie, without a parse or an object per packet
 * (canonical-run.ts); everything else is framed (framing.ts) and parsed in binary-parser runs
 * (run-decoder.ts). After a failure that loses the framing, the rest of the stream is ignored.
 * NotificationDecoder is a visitor of this scanner that builds DecodedNotifications.
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
        if (!this.visitPacket(joined.bytes, joined.length, this.state.layout, visitor)) return this.stop();
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
    const payloadLimit = this.payloadLimit;
    const view = viewOf(data);
    const end = data.length;
    // Packets the fast path does not take are gathered into runs of one layout for one binary-parser call.
    let runStart = from;
    let runLayout = GENERAL_LAYOUT;
    let offset = from;
    for (;;) {
      const acceptedEnd = acceptableFrameRun(view, offset, end, payloadLimit, this.found);
      if (acceptedEnd > offset) {
        if (!this.visitRun(data, runStart, offset, runLayout, visitor)) return false;
        const carryOn =
          visitor.acceptedRun !== undefined
            ? visitor.acceptedRun(data, offset, acceptedEnd, this.found.count)
            : this.visitAccepted(view, data, offset, acceptedEnd, visitor);
        if (!carryOn) return false;
        offset = acceptedEnd;
        runStart = offset;
      }
      const length = packetLength(data, offset, state);
      if (length === INCOMPLETE) break;
      if (length > 0) {
        if (state.layout !== runLayout) {
          if (!this.visitRun(data, runStart, offset, runLayout, visitor)) return false;
          runStart = offset;
          runLayout = state.layout;
        }
        offset += length;
        continue;
      }
      if (!this.visitRun(data, runStart, offset, runLayout, visitor)) return false;
      const problem = framingFailure(state, data[offset]!);
      if (!visitor.failure(problem) || problem.fatal) return false;
      offset += state.skip;
      runStart = offset;
    }
    if (!this.visitRun(data, runStart, offset, runLayout, visitor)) return false;
    this.tail = offset < data.length ? data.subarray(offset) : undefined;
    return true;
  }

  /** One whole packet at the start of `bytes` (a packet joined across two chunks). */
  private visitPacket(bytes: Buffer, length: number, layout: Layout, visitor: NotificationVisitor): boolean {
    const view = viewOf(bytes);
    if (acceptableFrameRun(view, 0, length, this.payloadLimit, this.found) === length) return this.visitAccepted(view, bytes, 0, length, visitor);
    return this.visitRun(bytes, 0, length, layout, visitor);
  }

  private visitRun(data: Buffer, start: number, end: number, layout: Layout, visitor: NotificationVisitor): boolean {
    return visitRun(data, start, end, layout, this.payloadLimit, this.cursor, visitor);
  }

  /** Frames [start, end) that acceptableFrameRun took, one visit each: their fields lie at fixed places. */
  private visitAccepted(view: DataView, data: Buffer, start: number, end: number, visitor: NotificationVisitor): boolean {
    const cursor = this.cursor;
    for (let at = start; at < end; ) {
      const length = FRAME_HEADER_LENGTH + view.getUint32(at + COMMAND_LENGTH);
      const frameEnd = at + length;
      const id = view.getUint32(frameEnd - ID_FROM_END);
      const expiry = view.getUint32(frameEnd - EXPIRY_FROM_END);
      const priority = view.getUint8(frameEnd - PRIORITY_LENGTH) as PriorityValue;
      const payloadLength = view.getUint16(at + PAYLOAD_LENGTH_FROM_START);
      const payloadAt = at + PAYLOAD_LENGTH_FROM_START + U16_LENGTH;
      if (!visitor.notification(cursor.set('frame', data, at, length, at + TOKEN_FROM_START, payloadAt, payloadLength, id, expiry, priority))) return false;
      at = frameEnd;
    }
    return true;
  }
}
