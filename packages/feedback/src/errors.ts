import type { ConnectionFailure } from '@apnskit/tls';

/** Stable codes of every error the feedback reader reports; match on these, not on messages. */
export type FeedbackErrorCode =
  /** The server could not be reached: refused, unknown host, unreachable. */
  | 'APNS_ERR_FEEDBACK_CONNECT'
  /** The TLS handshake failed: server certificate does not verify, client certificate rejected. */
  | 'APNS_ERR_FEEDBACK_TLS'
  /** No TLS handshake within the connect timeout. */
  | 'APNS_ERR_FEEDBACK_TIMEOUT'
  /** The connection broke (reset) while the list was being read: it may be incomplete. */
  | 'APNS_ERR_FEEDBACK_CONNECTION_LOST'
  /** The stream ended in the middle of a tuple; the complete tuples before it were delivered. */
  | 'APNS_ERR_FEEDBACK_TRUNCATED'
  /** A tuple claimed an impossible token length: the stream is not feedback tuples. */
  | 'APNS_ERR_FEEDBACK_TOKEN_LENGTH'
  /** The AbortSignal fired. */
  | 'APNS_ERR_FEEDBACK_ABORTED'
  /** A reader was iterated a second time. */
  | 'APNS_ERR_FEEDBACK_ALREADY_READ'
  | 'APNS_ERR_FEEDBACK_INVALID_OPTION';

/** A failed feedback read. Tuples delivered before it stay valid: `received` says how many. */
export class ApnsFeedbackError extends Error {
  readonly code: FeedbackErrorCode;
  /** Complete tuples delivered to the consumer before this error. */
  readonly received: number;
  /** For connection errors: what kind of failure, its underlying code, and a hint. */
  readonly failure?: ConnectionFailure;

  constructor(code: FeedbackErrorCode, message: string, details: { received?: number; failure?: ConnectionFailure; cause?: unknown } = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'ApnsFeedbackError';
    this.code = code;
    this.received = details.received ?? 0;
    if (details.failure) this.failure = details.failure;
  }
}

export function isApnsFeedbackError(value: unknown): value is ApnsFeedbackError {
  return value instanceof ApnsFeedbackError;
}
