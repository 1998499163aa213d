import { TOKEN_LENGTH } from './constants.js';
import { ApnsCodecError } from './errors.js';

/** A device token as given by users: hex (any case, spaces and `<...>` tolerated) or bytes. */
export type TokenInput = string | Uint8Array;

const HEX_TOKEN_LENGTH = TOKEN_LENGTH * 2;
const DECORATION = /[\s<>]/g;
const HEX = /^[0-9a-fA-F]*$/;
const NON_HEX = /[^0-9a-fA-F]/;

/** Which token lengths a protocol takes. */
export interface TokenRules {
  /**
   * Any whole number of bytes, one or more: the HTTP/2 provider API, where Apple says not to
   * assume a length. Default false: the binary protocol's 32 bytes.
   */
  readonly anyLength?: boolean;
}

/** Parses a device token into a fresh Buffer: 32 bytes, or any whole number of bytes with `anyLength`. */
export function parseToken(input: TokenInput, rules: TokenRules = {}): Buffer {
  const anyLength = rules.anyLength === true;
  if (typeof input === 'string') return parseHexToken(input, anyLength);
  if (input instanceof Uint8Array) {
    if (anyLength ? input.length === 0 : input.length !== TOKEN_LENGTH) {
      throw new ApnsCodecError(
        'APNS_ERR_INVALID_TOKEN',
        anyLength ? 'device token is empty' : `device token must be ${TOKEN_LENGTH} bytes, got ${input.length}`,
      );
    }
    return Buffer.from(input);
  }
  throw new ApnsCodecError(
    'APNS_ERR_INVALID_TOKEN',
    `device token must be a hex string or a Buffer, got ${describe(input)}`,
  );
}

function parseHexToken(text: string, anyLength: boolean): Buffer {
  const hex = text.replace(DECORATION, '');
  if (!HEX.test(hex)) {
    throw new ApnsCodecError(
      'APNS_ERR_INVALID_TOKEN',
      `device token must be hexadecimal; found ${JSON.stringify(firstNonHex(hex))} in ${JSON.stringify(truncate(text))}`,
    );
  }
  if (anyLength && (hex.length === 0 || hex.length % 2 !== 0)) {
    throw new ApnsCodecError(
      'APNS_ERR_INVALID_TOKEN',
      `device token must be whole bytes (an even number of hex digits, at least 2), got ${hex.length} digits`,
    );
  }
  if (!anyLength && hex.length !== HEX_TOKEN_LENGTH) {
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

/** True when the input would parse as a device token under the same rules. */
export function isValidToken(input: unknown, rules: TokenRules = {}): input is TokenInput {
  const anyLength = rules.anyLength === true;
  if (input instanceof Uint8Array) return anyLength ? input.length > 0 : input.length === TOKEN_LENGTH;
  if (typeof input !== 'string') return false;
  const hex = input.replace(DECORATION, '');
  const lengthFits = anyLength ? hex.length > 0 && hex.length % 2 === 0 : hex.length === HEX_TOKEN_LENGTH;
  return lengthFits && HEX.test(hex);
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
