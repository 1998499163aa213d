/** Stable codes of every error this package throws; match on these, not on messages. */
export type TlsErrorCode =
  | 'APNS_ERR_TLS_NO_CREDENTIALS'
  | 'APNS_ERR_TLS_CONFLICTING_OPTIONS'
  | 'APNS_ERR_TLS_MISSING_KEY'
  | 'APNS_ERR_TLS_MISSING_CERT'
  | 'APNS_ERR_TLS_INVALID_OPTION'
  | 'APNS_ERR_TLS_FILE_NOT_FOUND'
  | 'APNS_ERR_TLS_FILE_UNREADABLE'
  | 'APNS_ERR_TLS_BAD_PASSPHRASE'
  | 'APNS_ERR_TLS_PASSPHRASE_REQUIRED'
  | 'APNS_ERR_TLS_INVALID_PFX'
  | 'APNS_ERR_TLS_INVALID_PEM'
  | 'APNS_ERR_TLS_KEY_MISMATCH'
  | 'APNS_ERR_TLS_CERT_EXPIRED'
  | 'APNS_ERR_TLS_CERT_NOT_YET_VALID'
  | 'APNS_ERR_TLS_WRONG_ENVIRONMENT'
  | 'APNS_ERR_TLS_INVALID_ADDRESS';

/**
 * Thrown for credentials or addresses that cannot work, before any connection is made.
 * `code` says what went wrong, the message says what to fix. Never carries a passphrase or key.
 */
export class ApnsTlsError extends Error {
  readonly code: TlsErrorCode;

  constructor(code: TlsErrorCode, message: string) {
    super(message);
    this.name = 'ApnsTlsError';
    this.code = code;
  }
}

export function isApnsTlsError(value: unknown): value is ApnsTlsError {
  return value instanceof ApnsTlsError;
}

/** Removes a passphrase from a third-party message, in case a library ever echoes it. */
export function redact(text: string, passphrase: string | undefined): string {
  return passphrase ? text.split(passphrase).join('<passphrase>') : text;
}
