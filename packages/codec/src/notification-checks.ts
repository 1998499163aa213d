import { PayloadLimit, TOKEN_LENGTH } from './constants.js';
import { ApnsCodecError } from './errors.js';
import type { ScanState } from './framing.js';
import type { NotificationFormat } from './notification.js';
import { Status } from './status.js';

/*
 * Apple's rules for a well-framed notification, and the failures they give: the scanner's one
 * rule book (the decoder is a visitor of the scanner).
 */

/** A notification Apple would reject, with the status it would answer. */
export interface DecodeFailure {
  readonly kind: 'error';
  /** 2, 4, 5, 7 or 128 (protocol error: it could not be parsed). */
  readonly status: number;
  /** The bad notification's identifier, when it carries one that could be read. */
  readonly id: number | undefined;
  /** The command of the bad packet, when known. */
  readonly format: NotificationFormat | undefined;
  /** What was wrong, for logs. */
  readonly reason: string;
  /** True when the stream can no longer be framed: the decoder ignores everything after it. */
  readonly fatal: boolean;
}

export function failure(
  status: number,
  id: number | undefined,
  format: NotificationFormat | undefined,
  reason: string,
  fatal: boolean,
): DecodeFailure {
  return { kind: 'error', status, id, format, reason, fatal };
}

/**
 * What Apple answers for a notification with these token and payload lengths (-1: the item is
 * missing), or undefined when they are fine.
 */
export function lengthFailure(
  format: NotificationFormat,
  tokenLength: number,
  payloadLength: number,
  id: number | undefined,
  payloadLimit: number,
): DecodeFailure | undefined {
  if (tokenLength <= 0) return failure(Status.MissingDeviceToken, id, format, 'missing device token', false);
  if (tokenLength !== TOKEN_LENGTH) {
    return failure(Status.InvalidTokenSize, id, format, `token is ${tokenLength} bytes, not ${TOKEN_LENGTH}`, false);
  }
  if (payloadLength <= 0) return failure(Status.MissingPayload, id, format, 'missing payload', false);
  if (payloadLength > payloadLimit) {
    return failure(Status.InvalidPayloadSize, id, format, `payload is ${payloadLength} bytes, over ${payloadLimit}`, false);
  }
  return undefined;
}

/** A frame's priority item, when present, must be 10 or 5. */
export function priorityFailure(priority: number, id: number | undefined): DecodeFailure {
  return failure(Status.ProtocolError, id, 'frame', `priority ${priority} is neither 10 nor 5`, false);
}

const FORMAT_OF_COMMAND: Readonly<Record<number, NotificationFormat>> = { 0: 'simple', 1: 'enhanced', 2: 'frame' };

const FRAMING_REASON = {
  'unknown-command': 'unknown command byte',
  'frame-too-long': 'frame length beyond what the protocol allows',
  'items-do-not-fit': 'frame items do not add up to the frame length',
  'bad-item': 'bad frame item',
} as const;

/** The failure for a packet framing found malformed (`state` as `packetLength` left it). */
export function framingFailure(state: ScanState, command: number): DecodeFailure {
  const { problem, skip, id, detail } = state;
  const reason = problem === 'unknown-command' ? `unknown command byte ${command}` : detail || FRAMING_REASON[problem];
  return failure(Status.ProtocolError, id, FORMAT_OF_COMMAND[command], reason, skip === 0);
}

export interface NotificationDecoderOptions {
  /** Largest payload accepted; larger ones fail with status 7. Default 2048. */
  readonly payloadLimit?: number;
}

/** Checks a payload limit option, the same for the decoder and the scanner. */
export function payloadLimitOption(options: NotificationDecoderOptions): number {
  const limit = options.payloadLimit ?? PayloadLimit.Default;
  if (!Number.isInteger(limit) || limit < 1) {
    throw new ApnsCodecError('APNS_ERR_INVALID_OPTION', `payloadLimit must be a positive integer, got ${String(limit)}`);
  }
  return limit;
}
