/** Stable codes of every error the mock server throws or rejects with; match on these. */
export type MockServerErrorCode =
  | 'APNS_ERR_WAIT_TIMEOUT'
  | 'APNS_ERR_INVALID_FAULT'
  | 'APNS_ERR_INVALID_FEEDBACK'
  | 'APNS_ERR_INVALID_OPTION'
  | 'APNS_ERR_INVALID_SCRIPT'
  | 'APNS_ERR_TOO_MANY_FAULTS'
  | 'APNS_ERR_JSON_TOO_DEEP'
  | 'APNS_ERR_CERTIFICATES'
  | 'APNS_ERR_SERVER_CLOSED';

/** Thrown for bad input to the mock server or a wait that timed out: `code` says what, the message what to fix. */
export class MockServerError extends Error {
  readonly code: MockServerErrorCode;

  constructor(code: MockServerErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MockServerError';
    this.code = code;
  }
}

export function isMockServerError(value: unknown): value is MockServerError {
  return value instanceof MockServerError;
}
