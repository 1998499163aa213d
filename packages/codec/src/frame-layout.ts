import { Command, ENHANCED_HEADER_LENGTH, MAX_U16, SIMPLE_HEADER_LENGTH, TOKEN_LENGTH } from './constants.js';
import { DecodedNotification } from './decoded-notification.js';
import { ENHANCED_IDENTIFIER_AT, FRAME_IDENTIFIER_FROM_END, FRAME_TOKEN_AT, frameLength, invalidFormat } from './encode.js';
import { ApnsCodecError } from './errors.js';
import type { NotificationFormat } from './notification.js';
import type { DecodeFailure } from './notification-checks.js';
import { NotificationScanner } from './notification-scanner.js';
import type { NotificationVisitor, ScannedNotification } from './scanned-notification.js';

/*
 * Where things lie in the frames this codec writes, for senders that keep frames as bytes:
 * they size tables, patch identifiers and read frames back through these, not through offsets of their own.
 */

/** Bytes of the smallest notification of `format` Apple accepts: a 32-byte token and a 1-byte payload. */
export function minFrameLength(format: NotificationFormat): number {
  return frameLength(TOKEN_LENGTH, 1, format);
}

/** The format of the notification that starts `frame`, from its command byte; undefined for any other byte. */
export function formatOf(frame: Uint8Array): NotificationFormat | undefined {
  switch (frame[0]) {
    case Command.Frame:
      return 'frame';
    case Command.Enhanced:
      return 'enhanced';
    case Command.Simple:
      return 'simple';
    default:
      return undefined;
  }
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
 * Where the token of a notification this codec wrote starts, counted from the frame's start (the
 * same in every frame of a format): senders that write one notification to many tokens copy a
 * frame and put each token there.
 */
export function tokenOffset(format: NotificationFormat): number {
  switch (format) {
    case 'frame':
      return FRAME_TOKEN_AT;
    case 'enhanced':
      return ENHANCED_HEADER_LENGTH;
    case 'simple':
      return SIMPLE_HEADER_LENGTH;
    default:
      throw invalidFormat(format);
  }
}

/** Keeps the first packet the scanner reports and stops it: describeFrame's one visitor, reused. */
class FirstPacket implements NotificationVisitor {
  decoded: DecodedNotification | undefined;
  rejection: DecodeFailure | undefined;

  clear(): void {
    this.decoded = undefined;
    this.rejection = undefined;
  }

  notification(scanned: ScannedNotification): boolean {
    const { format, source, tokenOffset, payloadOffset, payloadLength, id, expiry, priority, byteLength } = scanned;
    this.decoded = new DecodedNotification(format, source, tokenOffset, payloadOffset, payloadLength, id, expiry, priority, byteLength);
    return false;
  }

  failure(failure: DecodeFailure): boolean {
    this.rejection = failure;
    return false;
  }
}

/** One scanner and visitor for every call: senders describe frames by the hundred thousand when a close leaves them unconfirmed. */
const scanner = new NotificationScanner({ payloadLimit: MAX_U16 });
const firstPacket = new FirstPacket();

/**
 * Reads back one whole notification (any format, items in any order), as the gateway would
 * accept it up to a payload of 65535 bytes. Token and payload are views of `frame`. Throws
 * APNS_ERR_INVALID_FRAME when `frame` is not exactly one such notification.
 */
export function describeFrame(frame: Uint8Array): DecodedNotification {
  firstPacket.clear();
  scanner.scan(frame, firstPacket);
  // Forget a partial packet and the stop: the next call starts afresh, and nothing of `frame` is held.
  scanner.reset();
  const notification = firstPacket.decoded;
  if (notification === undefined || notification.byteLength !== frame.length) {
    const reason = firstPacket.rejection?.reason ?? (notification === undefined ? 'it is incomplete' : 'it holds more than one packet');
    throw new ApnsCodecError('APNS_ERR_INVALID_FRAME', `not one whole notification (${frame.length} bytes): ${reason}`);
  }
  return notification;
}
