/** Stable codes of every error the codec throws; match on these, not on messages. */
export type CodecErrorCode =
  | 'APNS_ERR_INVALID_TOKEN'
  | 'APNS_ERR_INVALID_PAYLOAD'
  | 'APNS_ERR_PAYLOAD_TOO_LARGE'
  | 'APNS_ERR_INVALID_IDENTIFIER'
  | 'APNS_ERR_INVALID_EXPIRY'
  | 'APNS_ERR_INVALID_PRIORITY'
  | 'APNS_ERR_INVALID_FORMAT'
  | 'APNS_ERR_INVALID_STATUS'
  | 'APNS_ERR_INVALID_TIMESTAMP'
  | 'APNS_ERR_BUFFER_TOO_SMALL'
  | 'APNS_ERR_INVALID_OPTION'
  | 'APNS_ERR_INVALID_FRAME'
  | 'APNS_ERR_HPACK'
  | 'APNS_ERR_HTTP2_FRAME';

/** Thrown for bad input to the codec: `code` says what, the message says what to fix. */
export class ApnsCodecError extends Error {
  readonly code: CodecErrorCode;

  constructor(code: CodecErrorCode, message: string) {
    super(message);
    this.name = 'ApnsCodecError';
    this.code = code;
  }
}

export function isApnsCodecError(value: unknown): value is ApnsCodecError {
  return value instanceof ApnsCodecError;
}
