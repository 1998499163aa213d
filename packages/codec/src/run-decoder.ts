import * as constantsModule from './constants.js';
import { DecodedNotification } from './decoded-notification.js';
import * as framingModule from './framing.js';
import type { Layout } from './framing.js';
import * as notificationChecksModule from './notification-checks.js';
import type { DecodeFailure } from './notification-checks.js';
import { parseFlatFrames, parseTokenAndPayloadPackets, type FlatFrameRecord, type TokenAndPayloadRecord } from './wire-parsers.js';

// Module-local copies: imported bindings are live cells that the compiler reloads and checks on
// every use; these are constants it folds (it matters in the per-frame loops).
const { Command, ENHANCED_HEADER_LENGTH, FRAME_HEADER_LENGTH, Priority, SIMPLE_HEADER_LENGTH, U16_LENGTH } = constantsModule;
const { GENERAL_LAYOUT } = framingModule;
const { lengthFailure, priorityFailure } = notificationChecksModule;

export type DecodeResult = DecodedNotification | DecodeFailure;

/**
 * Parses well-framed packets [start, end) of `data` that share one layout, in a single
 * binary-parser call, and judges each by Apple's rules.
 */
export function decodeRun(data: Buffer, start: number, end: number, layout: Layout, payloadLimit: number, results: DecodeResult[]): void {
  if (end === start) return;
  // Offsets in the records are relative to the run; `start` makes them relative to `data`.
  const run = start === 0 && end === data.length ? data : data.subarray(start, end);
  if (layout === GENERAL_LAYOUT) {
    for (const record of parseTokenAndPayloadPackets(run)) results.push(fromTokenAndPayload(record, data, start, payloadLimit));
  } else {
    for (const frame of parseFlatFrames(layout, run)) results.push(fromFrame(frame, data, start, payloadLimit));
  }
}

function fromFrame(frame: FlatFrameRecord, data: Buffer, runStart: number, payloadLimit: number): DecodeResult {
  const { id, priority = Priority.Immediate } = frame;
  if (priority !== Priority.Immediate && priority !== Priority.PowerConserving) return priorityFailure(priority, id);
  // A missing token or payload item reads as length -1, which is judged like an empty one.
  const tokenLength = frame.tokenLength ?? -1;
  const payloadLength = frame.payloadLength ?? -1;
  const problem = lengthFailure('frame', tokenLength, payloadLength, id, payloadLimit);
  if (problem) return problem;
  return new DecodedNotification(
    'frame',
    data,
    runStart + frame.tokenAt!,
    runStart + frame.payloadAt!,
    payloadLength,
    id,
    frame.expiry ?? 0,
    priority,
    FRAME_HEADER_LENGTH + frame.frameLength,
  );
}

function fromTokenAndPayload(record: TokenAndPayloadRecord, data: Buffer, runStart: number, payloadLimit: number): DecodeResult {
  const { tokenLength, tokenAt, payloadLength, payloadAt } = record.body;
  const enhanced = record.command === Command.Enhanced;
  const format = enhanced ? 'enhanced' : 'simple';
  const id = enhanced ? record.body.id : undefined;
  const problem = lengthFailure(format, tokenLength, payloadLength, id, payloadLimit);
  if (problem) return problem;
  const byteLength = (enhanced ? ENHANCED_HEADER_LENGTH : SIMPLE_HEADER_LENGTH) + U16_LENGTH + tokenLength + payloadLength;
  return new DecodedNotification(
    format,
    data,
    runStart + tokenAt,
    runStart + payloadAt,
    payloadLength,
    id,
    record.body.expiry ?? 0,
    Priority.Immediate,
    byteLength,
  );
}
