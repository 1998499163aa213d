import { TOKEN_LENGTH } from './constants.js';
import { ApnsCodecError } from './errors.js';

/** A device token as given by users: hex (any case, spaces and `<...>` tolerated) or bytes. */
export type TokenInput = string | Uint8Array;

const HEX_TOKEN_LENGTH = TOKEN_LENGTH * 2;
const DECORATION = /[\s<>]/g;
const HEX = /^[0-9a-fA-F]*$/;
const NON_HEX = /[^0-9a-fA-F]/;

/** Parses a device token into a fresh 32-byte Buffer. */
export function parseToken(input: TokenInput): Buffer {
  if (typeof input === 'string') return parseHexToken(input);
  if (input instanceof Uint8Array) {
    if (input.length !== TOKEN_LENGTH) {
      throw new ApnsCodecError(
        'APNS_ERR_INVALID_TOKEN',
        `device token must be ${TOKEN_LENGTH} bytes, got ${input.length}`,
      );
    }
    return Buffer.from(input);
  }
  throw new ApnsCodecError(
    'APNS_ERR_INVALID_TOKEN',
    `device token must be a hex string or a Buffer, got ${describe(input)}`,
  );
}

function parseHexToken(text: string): Buffer {
  const hex = text.replace(DECORATION, '');
  if (!HEX.test(hex)) {
    throw new ApnsCodecError(
      'APNS_ERR_INVALID_TOKEN',
      `device token must be hexadecimal; found ${JSON.stringify(firstNonHex(hex))} in ${JSON.stringify(truncate(text))}`,
    );
  }
  if (hex.length !== HEX_TOKEN_LENGTH) {
    throw new ApnsCodecError(
      'APNS_ERR_INVALID_TOKEN',
      `device token must be ${HEX_TOKEN_LENGTH} hex digits (${TOKEN_LENGTH} bytes), got ${hex.length} digits`,
    );
  }
  return Buffer.from(hex, 'hex');
}

/** Lowercase hex of a token's bytes. */
export function formatToken(token: Uint8Array): string {
  if (!(token instanceof Uint8Array)) {
    throw new ApnsCodecError('APNS_ERR_INVALID_TOKEN', `formatToken takes bytes, got ${describe(token)}`);
  }
  return Buffer.from(token.buffer, token.byteOffset, token.byteLength).toString('hex');
}

/** True when the input would parse as a device token. */
export function isValidToken(input: unknown): input is TokenInput {
  if (input instanceof Uint8Array) return input.length === TOKEN_LENGTH;
  if (typeof input !== 'string') return false;
  const hex = input.replace(DECORATION, '');
  return hex.length === HEX_TOKEN_LENGTH && HEX.test(hex);
}

/** Bytes of a token that is already bytes, or parsed from hex; no copy when it is a Buffer. */
export function tokenBytes(input: TokenInput): Uint8Array {
  if (input instanceof Uint8Array && input.length === TOKEN_LENGTH) return input;
  return parseToken(input);
}

/** The first character that is not a hex digit; only called once HEX has failed, so one exists. */
function firstNonHex(hex: string): string {
  return (NON_HEX.exec(hex) as RegExpExecArray)[0];
}

function truncate(text: string): string {
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value;
}
