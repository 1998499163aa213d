import * as constantsModule from './constants.js';
import * as frameWriterModule from './frame-writer.js';
import type { Notification } from './notification.js';

/*
 * The usual notification in one check and one write, for senders that queue millions: a 32-byte
 * token and a payload already in bytes, with id, expiry and priority absent or plain numbers.
 * Anything else (hex tokens, payload text or objects, a Date, a bad value) is not plain: it goes
 * through NotificationEncoder, which converts it or throws the ApnsCodecError that names the fix.
 */

// Module-local copies: imported bindings are live cells that the compiler reloads and checks on
// every use; these are constants it folds (this runs once per notification).
const { FRAME_HEADER_LENGTH, Priority, TOKEN_LENGTH } = constantsModule;
const { FRAME_FIXED_BODY, writeFrameWords } = frameWriterModule;

const PLAIN_FIXED_LENGTH = FRAME_HEADER_LENGTH + FRAME_FIXED_BODY + TOKEN_LENGTH;
const IMMEDIATE: number = Priority.Immediate;
const POWER_CONSERVING: number = Priority.PowerConserving;

/** A notification whose fields plainFrameLength accepted. */
interface PlainNotification {
  readonly token: Uint8Array;
  readonly payload: Uint8Array;
  readonly expiry?: number;
  readonly priority?: number;
}

/**
 * The command-2 frame length of `notification` when it is plain (see above) and its payload fits
 * `payloadLimit` (already checked by the caller), else -1. Never throws, allocates nothing.
 */
export function plainFrameLength(notification: Notification, payloadLimit: number): number {
  if (notification === null || typeof notification !== 'object') return -1;
  const { token, payload, id, expiry, priority } = notification;
  if (!(token instanceof Uint8Array) || token.length !== TOKEN_LENGTH || !(payload instanceof Uint8Array)) return -1;
  const payloadLength = payload.length;
  if (payloadLength === 0 || payloadLength > payloadLimit) return -1;
  if ((id !== undefined && !isU32(id)) || (expiry !== undefined && !isU32(expiry))) return -1;
  if (priority !== undefined && priority !== IMMEDIATE && priority !== POWER_CONSERVING) return -1;
  return PLAIN_FIXED_LENGTH + payloadLength;
}

/**
 * Writes a notification plainFrameLength accepted as a command-2 frame with identifier `id` at
 * `offset` of `target` (`view` is a DataView of the same bytes; the caller made room for the
 * length it returned) and returns the offset after it. The notification's own id is not written.
 */
export function writePlainFrame(view: DataView, target: Buffer, offset: number, notification: Notification, id: number): number {
  const { token, payload, expiry, priority } = notification as PlainNotification;
  return writeFrameWords(view, target, offset, token, payload, id, expiry ?? 0, priority ?? IMMEDIATE);
}

/** True for a number that is a whole value from 0 to 2^32 - 1 (what id and expiry fields hold). */
export function isU32(value: unknown): value is number {
  return typeof value === 'number' && value >>> 0 === value;
}
