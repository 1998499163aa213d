import { MAX_U16, MAX_U32, PayloadLimit, Priority, type PriorityValue } from './constants.js';
import { ApnsCodecError } from './errors.js';
import { describe, tokenBytes, type TokenInput } from './token.js';

/** Wire formats: command 2 (`frame`), command 1 (`enhanced`), command 0 (`simple`). */
export type NotificationFormat = 'frame' | 'enhanced' | 'simple';

/** Anything JSON.stringify accepts as a payload object. */
export type PayloadObject = { readonly [key: string]: unknown };

/** A notification as callers give it. */
export interface Notification {
  /** 32-byte device token: hex or bytes. */
  readonly token: TokenInput;
  /** UTF-8 JSON: a string, its bytes, or an object to stringify. */
  readonly payload: string | Uint8Array | PayloadObject;
  /** Echoed in error responses; u32. Commands 1 and 2 only; default 0. */
  readonly id?: number;
  /** UNIX seconds (or a Date) after which Apple stops trying; 0 (default) = deliver once or drop. */
  readonly expiry?: number | Date;
  /** 10 (default) = now; 5 = power-conserving. Command 2 only. */
  readonly priority?: PriorityValue;
}

export interface EncodeOptions {
  /** Largest payload in bytes; default 2048 (4096 for VoIP certificates). */
  readonly payloadLimit?: number;
}

/** A notification with every field checked and turned into wire values. */
export interface WireNotification {
  readonly token: Uint8Array;
  readonly payload: Uint8Array;
  readonly id: number;
  readonly expiry: number;
  readonly priority: PriorityValue;
}

/** Checks and converts a notification; throws ApnsCodecError naming the field to fix. */
export function toWireNotification(notification: Notification, options?: EncodeOptions): WireNotification {
  if (notification === null || typeof notification !== 'object') {
    throw new ApnsCodecError('APNS_ERR_INVALID_PAYLOAD', `notification must be an object, got ${describe(notification)}`);
  }
  return {
    token: tokenBytes(notification.token),
    // The default limit is known to be valid: only a caller's limit needs checking.
    payload: payloadBytes(notification.payload, options === undefined ? PayloadLimit.Default : checkPayloadLimit(options.payloadLimit ?? PayloadLimit.Default)),
    id: checkIdentifier(notification.id ?? 0),
    expiry: expirySeconds(notification.expiry ?? 0),
    priority: checkPriority(notification.priority ?? Priority.Immediate),
  };
}

/** The payload's bytes, checked against `limit` (itself already checked). */
function payloadBytes(payload: Notification['payload'], limit: number): Uint8Array {
  let bytes: Uint8Array;
  if (payload instanceof Uint8Array) bytes = payload;
  else if (typeof payload === 'string') bytes = Buffer.from(payload, 'utf8');
  else if (payload !== null && typeof payload === 'object') bytes = Buffer.from(stringify(payload), 'utf8');
  else {
    throw new ApnsCodecError(
      'APNS_ERR_INVALID_PAYLOAD',
      `payload must be a JSON string, a Buffer or an object, got ${describe(payload)}`,
    );
  }
  if (bytes.length === 0) {
    throw new ApnsCodecError('APNS_ERR_INVALID_PAYLOAD', 'payload is empty; Apple rejects it (status 4)');
  }
  if (bytes.length > limit) {
    throw new ApnsCodecError(
      'APNS_ERR_PAYLOAD_TOO_LARGE',
      `payload is ${bytes.length} bytes, over the ${limit}-byte limit; shorten it or truncate the alert body`,
    );
  }
  return bytes;
}

function stringify(payload: PayloadObject): string {
  let json: string | undefined;
  try {
    json = JSON.stringify(payload);
  } catch (cause) {
    throw new ApnsCodecError('APNS_ERR_INVALID_PAYLOAD', `payload object cannot be turned into JSON: ${(cause as Error).message}`);
  }
  // A toJSON that returns undefined leaves nothing to send.
  if (typeof json !== 'string') throw new ApnsCodecError('APNS_ERR_INVALID_PAYLOAD', 'payload object cannot be turned into JSON: it serialises to nothing');
  return json;
}

/** Payload lengths travel as u16: a limit above 65535 would let a length field overflow. */
export function checkPayloadLimit(limit: number): number {
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_U16) {
    throw new ApnsCodecError('APNS_ERR_INVALID_OPTION', `payload limit must be an integer from 1 to ${MAX_U16} (lengths are u16), got ${String(limit)}`);
  }
  return limit;
}

export function checkIdentifier(id: number): number {
  if (!Number.isInteger(id) || id < 0 || id > MAX_U32) {
    throw new ApnsCodecError('APNS_ERR_INVALID_IDENTIFIER', `id must be an integer from 0 to ${MAX_U32}, got ${String(id)}`);
  }
  return id;
}

export function expirySeconds(expiry: number | Date): number {
  const seconds = typeof expiry === 'number' ? expiry : expiry instanceof Date ? Math.floor(expiry.getTime() / 1000) : expiry;
  if (!Number.isInteger(seconds) || seconds < 0 || seconds > MAX_U32) {
    throw new ApnsCodecError(
      'APNS_ERR_INVALID_EXPIRY',
      `expiry must be UNIX seconds from 0 to ${MAX_U32} or a Date in that range, got ${String(expiry)}`,
    );
  }
  return seconds;
}

export function checkPriority(priority: number): PriorityValue {
  if (priority !== Priority.Immediate && priority !== Priority.PowerConserving) {
    throw new ApnsCodecError('APNS_ERR_INVALID_PRIORITY', `priority must be 10 (now) or 5 (power-conserving), got ${String(priority)}`);
  }
  return priority;
}

/** True for a number that is a whole value from 0 to 2^32 - 1 (what id and expiry fields hold). */
export function isU32(value: unknown): value is number {
  return typeof value === 'number' && value >>> 0 === value;
}
