/** Stable codes of every error the client throws or reports; match on these, not on messages. */
export type ClientErrorCode =
  /** send() on a connection that has closed: connections never reopen, make a new one. */
  | 'APNS_ERR_CONNECTION_CLOSED'
  /** send() after sender.close() began. */
  | 'APNS_ERR_SENDER_CLOSED'
  /** An option is out of range or of the wrong type. */
  | 'APNS_ERR_INVALID_OPTION'
  /** An error response named an identifier the sent window no longer (or never) held. */
  | 'APNS_ERR_UNKNOWN_IDENTIFIER'
  /** The gateway did not answer the closing probe in time. */
  | 'APNS_ERR_PROBE_TIMEOUT'
  /** The TCP/TLS connection could not be opened (refused, handshake failure, timeout). */
  | 'APNS_ERR_CONNECT_FAILED'
  /** The gateway wrote bytes that are not error responses. */
  | 'APNS_ERR_GARBAGE_RESPONSE'
  /** The sender gave up reconnecting after its reconnect limit. */
  | 'APNS_ERR_RECONNECT_LIMIT'
  /** HTTP/2: the provider token key (.p8), key id or team id cannot be used. */
  | 'APNS_ERR_PROVIDER_KEY'
  /** HTTP/2: a notification cannot be sent as given (token, payload, topic, push type, priority...). */
  | 'APNS_ERR_INVALID_NOTIFICATION'
  /** HTTP/2: a freshly signed provider token was already expired for APNs: this machine's clock is off. */
  | 'APNS_ERR_CLOCK_SKEW'
  /** HTTP/2: APNs closed the connection for a reason only a fix can cure (wrong environment, bad certificate or key). */
  | 'APNS_ERR_CONNECTION_REJECTED'
  /** HTTP/2: the server broke the protocol (bad frame, header block, window); the connection was closed and its notifications resent. */
  | 'APNS_ERR_HTTP2_PROTOCOL';

/** Thrown (or passed to handlers) by the client: `code` says what, the message says what to fix. */
export class ApnsClientError extends Error {
  readonly code: ClientErrorCode;

  constructor(code: ClientErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ApnsClientError';
    this.code = code;
  }
}

export function isApnsClientError(value: unknown): value is ApnsClientError {
  return value instanceof ApnsClientError;
}

export function invalidOption(name: string, expected: string, got: unknown): ApnsClientError {
  return new ApnsClientError('APNS_ERR_INVALID_OPTION', `${name} must be ${expected}, got ${String(got)}`);
}

/** Checks an optional integer option; returns the default when it is undefined. */
export function integerOption(name: string, value: number | undefined, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !(Number.isInteger(value) || value === Infinity) || value < min || value > max) {
    throw invalidOption(name, `an integer from ${min} to ${max}`, value);
  }
  return value;
}
