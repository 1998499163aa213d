import { MAX_U16, TOKEN_LENGTH } from './constants.js';
import type { DecodedNotification } from './decoded-notification.js';
import { ENHANCED_IDENTIFIER_AT, FRAME_IDENTIFIER_FROM_END, frameLength } from './encode.js';
import { ApnsCodecError } from './errors.js';
import type { NotificationFormat } from './notification.js';
import { NotificationDecoder } from './notification-decoder.js';

/*
 * Where things lie in the frames this codec writes, for senders that keep frames as bytes:
 * they size tables, patch identifiers and read frames back through these, not through offsets of their own.
 */

/** Bytes of the smallest notification of `format` Apple accepts: a 32-byte token and a 1-byte payload. */
export function minFrameLength(format: NotificationFormat): number {
  return frameLength(TOKEN_LENGTH, 1, format);
}

/**
 * Where the u32 identifier of a notification this codec wrote lies, given where the frame starts
 * and ends; -1 for the simple format, which carries none. Patch it there without parsing.
 */
export function identifierOffset(format: NotificationFormat, start: number, end: number): number {
  switch (format) {
    case 'frame':
      return end - FRAME_IDENTIFIER_FROM_END;
    case 'enhanced':
      return start + ENHANCED_IDENTIFIER_AT;
    default:
      return -1;
  }
}

/**
 * Reads back one whole notification (any format, items in any order), as the gateway would
 * accept it up to a payload of 65535 bytes. Token and payload are views of `frame`. Throws
 * APNS_ERR_INVALID_FRAME when `frame` is not exactly one such notification.
 */
export function describeFrame(frame: Uint8Array): DecodedNotification {
  const results = new NotificationDecoder({ payloadLimit: MAX_U16 }).push(frame);
  const [result] = results;
  if (results.length !== 1 || result === undefined || result.kind !== 'notification' || result.byteLength !== frame.length) {
    const reason = result?.kind === 'error' ? result.reason : results.length === 0 ? 'it is incomplete' : 'it holds more than one packet';
    throw new ApnsCodecError('APNS_ERR_INVALID_FRAME', `not one whole notification (${frame.length} bytes): ${reason}`);
  }
  return result;
}
