// The timed loops. Each is its own function so that no call site inside is shared between
// contenders (shared sites turn polymorphic and would slow both down unfairly).
import { Buffer } from 'node:buffer';
import {
  encodeNotification,
  encodeNotificationInto,
  NotificationDecoder,
  NotificationEncoder,
  NotificationScanner,
  type NotificationVisitor,
  type Notification,
} from '@apnskit/codec';
import { toWireNotification, writeWire } from '@apnskit/codec/wire';
import { BaselineDecoder, baselineEncode, baselineEncodeInto, type BaselineNotification } from './baseline.js';
import { EXPIRY, FRAME_LENGTH, ID, PAYLOAD, PRIORITY, TOKEN } from './fixtures.js';

export const BATCH_FRAMES = 1024;

export const notification: Notification = { token: TOKEN, payload: PAYLOAD, id: ID, expiry: EXPIRY, priority: PRIORITY };
export const baselineNotification: BaselineNotification = { token: TOKEN, payload: PAYLOAD, id: ID, expiry: EXPIRY, priority: PRIORITY };
/** The batch buffer encoders fill frame after frame, starting over when full, as a client would. */
export const batch = Buffer.alloc(BATCH_FRAMES * FRAME_LENGTH);
const wire = toWireNotification(notification);
/** The same notification as a sender usually gets it: hex token, payload string (the same one each time). */
export const textNotification: Notification = { ...notification, token: TOKEN.toString('hex'), payload: PAYLOAD.toString('utf8') };

/** Keeps results observable so the work cannot be optimised away. */
export const sink = { value: 0 };

export function encodeLoop(frames: number): void {
  let check = 0;
  for (let index = 0; index < frames; index++) check ^= encodeNotification(notification)[FRAME_LENGTH - 1]!;
  sink.value ^= check;
}

export function baselineEncodeLoop(frames: number): void {
  let check = 0;
  for (let index = 0; index < frames; index++) check ^= baselineEncode(baselineNotification)[FRAME_LENGTH - 1]!;
  sink.value ^= check;
}

export function encodeIntoLoop(frames: number): void {
  let offset = 0;
  for (let index = 0; index < frames; index++) {
    if (offset + FRAME_LENGTH > batch.length) offset = 0;
    offset += encodeNotificationInto(notification, batch, offset);
  }
  sink.value ^= offset;
}

export function writeWireLoop(frames: number): void {
  let offset = 0;
  for (let index = 0; index < frames; index++) {
    if (offset + FRAME_LENGTH > batch.length) offset = 0;
    offset = writeWire(wire, batch, offset, 'frame');
  }
  sink.value ^= offset;
}

export function encoderLoop(frames: number, input: Notification): void {
  const encoder = new NotificationEncoder();
  let offset = 0;
  for (let index = 0; index < frames; index++) {
    if (offset + encoder.prepare(input) > batch.length) offset = 0;
    offset = encoder.writePrepared(batch, offset);
  }
  sink.value ^= offset;
}

/** encoderLoop again, so that the two inputs (bytes, text) do not share call sites. */
export function encoderTextLoop(frames: number, input: Notification): void {
  const encoder = new NotificationEncoder();
  let offset = 0;
  for (let index = 0; index < frames; index++) {
    if (offset + encoder.prepare(input) > batch.length) offset = 0;
    offset = encoder.writePrepared(batch, offset);
  }
  sink.value ^= offset;
}

export function baselineEncodeIntoLoop(frames: number): void {
  let offset = 0;
  for (let index = 0; index < frames; index++) {
    if (offset + FRAME_LENGTH > batch.length) offset = 0;
    offset = baselineEncodeInto(baselineNotification, batch, offset);
  }
  sink.value ^= offset;
}

/** Decodes every chunk with a fresh NotificationDecoder; returns the number of results. */
export function decodeLoop(chunks: readonly Buffer[]): number {
  const decoder = new NotificationDecoder();
  let count = 0;
  for (const chunk of chunks) count += decoder.push(chunk).length;
  sink.value ^= count;
  return count;
}

/** Counts what the scanner accepts, one call per notification. */
class CountingVisitor implements NotificationVisitor {
  count = 0;
  notification(): boolean {
    this.count++;
    return true;
  }
  failure(): boolean {
    return false;
  }
}

/** Also takes runs of accepted frames whole, as a receiver that keeps bytes does. */
class RunCountingVisitor extends CountingVisitor {
  acceptedRun(_source: Buffer, _start: number, _end: number, count: number): boolean {
    this.count += count;
    return true;
  }
}

export function scanLoop(chunks: readonly Buffer[]): number {
  const scanner = new NotificationScanner();
  const visitor = new CountingVisitor();
  for (const chunk of chunks) scanner.scan(chunk, visitor);
  sink.value ^= visitor.count;
  return visitor.count;
}

export function scanRunsLoop(chunks: readonly Buffer[]): number {
  const scanner = new NotificationScanner();
  const visitor = new RunCountingVisitor();
  for (const chunk of chunks) scanner.scan(chunk, visitor);
  sink.value ^= visitor.count;
  return visitor.count;
}

export function baselineDecodeLoop(chunks: readonly Buffer[]): number {
  const decoder = new BaselineDecoder();
  let count = 0;
  for (const chunk of chunks) count += decoder.push(chunk).length;
  sink.value ^= count;
  return count;
}
