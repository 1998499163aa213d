import {
  encodeFeedbackTuple,
  encodeNotification,
  ErrorResponseDecoder,
  FeedbackDecoder,
  NotificationDecoder,
  type DecodeResult,
  type ErrorResponseResult,
  type FeedbackResult,
  type NotificationDecoderOptions,
} from '../../src/index.js';
import type { VectorCodec } from './vector.js';

/** A decoded notification or failure as plain data, for deep comparison. */
export type PlainResult =
  | {
      kind: 'notification';
      format: string;
      id: number | undefined;
      expiry: number;
      priority: number;
      token: string;
      payload: string;
      byteLength: number;
    }
  | { kind: 'error'; status: number; id: number | undefined; format: string | undefined; fatal: boolean };

export function plainResult(result: DecodeResult): PlainResult {
  if (result.kind === 'error') {
    const { status, id, format, fatal } = result;
    return { kind: 'error', status, id, format, fatal };
  }
  return {
    kind: 'notification',
    format: result.format,
    id: result.id,
    expiry: result.expiry,
    priority: result.priority,
    token: result.tokenHex(),
    payload: result.payloadText(),
    byteLength: result.byteLength,
  };
}

export function notificationCodec(options?: NotificationDecoderOptions): VectorCodec<DecodeResult> {
  return { decoder: () => new NotificationDecoder(options), normalize: plainResult };
}

/** Encodes a decoded notification again, in the format it arrived in. */
export function reencodeNotification(result: DecodeResult): Buffer {
  if (result.kind !== 'notification') throw new Error(`cannot re-encode a failure (status ${result.status})`);
  return encodeNotification(
    { token: result.token, payload: result.payload, id: result.id, expiry: result.expiry, priority: result.priority },
    result.format,
    { payloadLimit: 4096 },
  );
}

export type PlainErrorResponse =
  | { kind: 'error-response'; status: number; id: number; name: string; outcome: string; known: boolean }
  | { kind: 'garbage'; bytes: string };

export function plainErrorResponse(result: ErrorResponseResult): PlainErrorResponse {
  if (result.kind === 'garbage') return { kind: 'garbage', bytes: result.bytes.toString('hex') };
  const { status, id, info } = result;
  return { kind: 'error-response', status, id, name: info.name, outcome: info.outcome, known: info.known };
}

export const errorResponseCodec: VectorCodec<ErrorResponseResult> = {
  decoder: () => new ErrorResponseDecoder(),
  normalize: plainErrorResponse,
};

export type PlainFeedback = { token: string; timestamp: number } | { kind: 'garbage'; bytes: string };

export function plainTuple(result: FeedbackResult): PlainFeedback {
  if (result.kind === 'garbage') return { kind: 'garbage', bytes: result.bytes.toString('hex') };
  return { token: result.token.toString('hex'), timestamp: result.timestamp };
}

export const feedbackCodec: VectorCodec<FeedbackResult> = {
  decoder: () => new FeedbackDecoder(),
  normalize: plainTuple,
};

/** Encodes a decoded feedback tuple again. */
export function reencodeTuple(result: FeedbackResult): Buffer {
  if (result.kind !== 'tuple') throw new Error(`cannot re-encode garbage (${result.reason})`);
  return encodeFeedbackTuple(result);
}
