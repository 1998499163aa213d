import { Command, ENHANCED_HEADER_LENGTH, FRAME_HEADER_LENGTH, Priority, SIMPLE_HEADER_LENGTH, U16_LENGTH } from './constants.js';
import { GENERAL_LAYOUT, type Layout } from './framing.js';
import { lengthFailure, priorityFailure } from './notification-checks.js';
import type { NotificationVisitor, ScanCursor } from './scanned-notification.js';
import { parseFlatFrames, parseTokenAndPayloadPackets, type FlatFrameRecord, type TokenAndPayloadRecord } from './wire-parsers.js';

/**
 * Parses well-framed packets [start, end) of `data` that share one layout, in a single
 * binary-parser call, judges each by Apple's rules and tells `visitor` (through `cursor`).
 * Returns false when the visitor said stop.
 */
export function visitRun(
  data: Buffer,
  start: number,
  end: number,
  layout: Layout,
  payloadLimit: number,
  cursor: ScanCursor,
  visitor: NotificationVisitor,
): boolean {
  if (end === start) return true;
  // Offsets in the records are relative to the run; `start` makes them relative to `data`.
  const run = start === 0 && end === data.length ? data : data.subarray(start, end);
  let at = start;
  if (layout === GENERAL_LAYOUT) {
    for (const record of parseTokenAndPayloadPackets(run)) {
      const length = visitTokenAndPayload(record, data, start, at, payloadLimit, cursor, visitor);
      if (length === 0) return false;
      at += length;
    }
  } else {
    for (const frame of parseFlatFrames(layout, run)) {
      if (!visitFrame(frame, data, start, at, payloadLimit, cursor, visitor)) return false;
      at += FRAME_HEADER_LENGTH + frame.frameLength;
    }
  }
  return true;
}

function visitFrame(
  frame: FlatFrameRecord,
  data: Buffer,
  runStart: number,
  at: number,
  payloadLimit: number,
  cursor: ScanCursor,
  visitor: NotificationVisitor,
): boolean {
  const id = frame.id;
  const priority = frame.priority ?? Priority.Immediate;
  if (priority !== Priority.Immediate && priority !== Priority.PowerConserving) return visitor.failure(priorityFailure(priority, id));
  // A missing token or payload item reads as length -1, which is judged like an empty one.
  const tokenLength = frame.tokenLength ?? -1;
  const payloadLength = frame.payloadLength ?? -1;
  const problem = lengthFailure('frame', tokenLength, payloadLength, id, payloadLimit);
  if (problem) return visitor.failure(problem);
  const byteLength = FRAME_HEADER_LENGTH + frame.frameLength;
  const tokenAt = runStart + frame.tokenAt!;
  const payloadAt = runStart + frame.payloadAt!;
  return visitor.notification(cursor.set('frame', data, at, byteLength, tokenAt, payloadAt, payloadLength, id, frame.expiry ?? 0, priority));
}

/** Returns the packet's length, or 0 when the visitor said stop. */
function visitTokenAndPayload(
  record: TokenAndPayloadRecord,
  data: Buffer,
  runStart: number,
  at: number,
  payloadLimit: number,
  cursor: ScanCursor,
  visitor: NotificationVisitor,
): number {
  const { tokenLength, tokenAt, payloadLength, payloadAt } = record.body;
  const enhanced = record.command === Command.Enhanced;
  const format = enhanced ? 'enhanced' : 'simple';
  const id = enhanced ? record.body.id : undefined;
  const byteLength = (enhanced ? ENHANCED_HEADER_LENGTH : SIMPLE_HEADER_LENGTH) + U16_LENGTH + tokenLength + payloadLength;
  const problem = lengthFailure(format, tokenLength, payloadLength, id, payloadLimit);
  const carryOn = problem
    ? visitor.failure(problem)
    : visitor.notification(
        cursor.set(format, data, at, byteLength, runStart + tokenAt, runStart + payloadAt, payloadLength, id, record.body.expiry ?? 0, Priority.Immediate),
      );
  return carryOn ? byteLength : 0;
}
