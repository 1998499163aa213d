// Lines of a tokens file read in place from the bytes: the usual line (64 hex digits) is decoded
// straight into one reused token buffer, with no string, no Buffer and no object per line.
// Anything else goes through parseTokenLine, which tolerates spaces and <...> or names the problem.
import { isApnsCodecError, parseToken, TOKEN_LENGTH, type TokenRules } from '@apnskit/codec';

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;
const HEX_TOKEN_LENGTH = TOKEN_LENGTH * 2;
/** Marks a pair of bytes that are not two hex digits. */
const NOT_HEX_PAIR = 0x100;

/**
 * The byte each pair of hex digits (either case) stands for, indexed by the pair's two bytes as
 * one 16-bit number, or NOT_HEX_PAIR (128 KiB, made once). Two digits per lookup, eight read and
 * four bytes stored at a time: a line takes 37 ns against 52 with a store per byte and 87 with a
 * lookup per digit (bench/compare-token-lines.mjs).
 */
const HEX_PAIRS = (() => {
  const digits = new Map<number, number>();
  for (let value = 0; value < 16; value += 1) {
    const text = value.toString(16);
    digits.set(text.charCodeAt(0), value);
    digits.set(text.toUpperCase().charCodeAt(0), value);
  }
  const table = new Uint16Array(0x10000).fill(NOT_HEX_PAIR);
  for (const [high, highValue] of digits) {
    for (const [low, lowValue] of digits) table[(high << 8) | low] = (highValue << 4) | lowValue;
  }
  return table;
})();

/** Decodes 64 hex digits at `digits[start]` into `token` at `at`; false (those bytes undefined) when one is not a digit. */
function decodeHexToken(digits: DataView, start: number, token: DataView, at: number): boolean {
  let invalid = 0;
  for (let index = 0; index < TOKEN_LENGTH; index += 4) {
    const first = digits.getUint32(start + 2 * index);
    const second = digits.getUint32(start + 2 * index + 4);
    const byte0 = HEX_PAIRS[first >>> 16]!;
    const byte1 = HEX_PAIRS[first & 0xffff]!;
    const byte2 = HEX_PAIRS[second >>> 16]!;
    const byte3 = HEX_PAIRS[second & 0xffff]!;
    invalid |= byte0 | byte1 | byte2 | byte3;
    token.setUint32(at + index, (byte0 << 24) | (byte1 << 16) | (byte2 << 8) | byte3);
  }
  return invalid < NOT_HEX_PAIR;
}

/** A token ready to send, or a line that is not a token (reported, counted failed, never sent). */
export type TokenEntry =
  | { readonly kind: 'token'; readonly token: Buffer; readonly line: number }
  | { readonly kind: 'malformed'; readonly text: string; readonly line: number; readonly reason: string };

/** Parses one line; blank lines are skipped (undefined). `line` is 1-based. */
export function parseTokenLine(text: string, line: number, rules: TokenRules = {}): TokenEntry | undefined {
  const trimmed = text.trim();
  if (trimmed.length === 0) return undefined;
  try {
    return { kind: 'token', token: parseToken(trimmed, rules), line };
  } catch (error) {
    if (!isApnsCodecError(error)) throw error;
    return { kind: 'malformed', text: trimmed, line, reason: error.message };
  }
}

export type LineKind = 'token' | 'malformed' | 'end';

/**
 * The whole lines of one block of a tokens file. `next()` moves to the next non-blank line: a
 * token (in `token`, overwritten by the next call) or a malformed line (in `malformed`).
 */
export class TokenLines {
  /**
   * The current token (copy it to keep it). A 32-byte token is always the same reused buffer;
   * with `anyLength`, a token of another length is a buffer of its own, so read `token` after
   * every `next()`.
   */
  token: Buffer;
  malformed: { readonly text: string; readonly reason: string } | undefined;
  private at = 0;
  private readonly reused = Buffer.allocUnsafe(TOKEN_LENGTH);
  private readonly reusedView = new DataView(this.reused.buffer, this.reused.byteOffset, TOKEN_LENGTH);
  private readonly view: DataView;

  constructor(
    private readonly bytes: Buffer,
    /** Number of the line before the block's first (1-based numbering). */
    public line: number,
    private readonly rules: TokenRules = {},
  ) {
    this.token = this.reused;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /**
   * Decodes the usual lines from here on (64 hex digits, then LF or CRLF) into `packed`, 32 bytes
   * each from its start, up to `max` of them; stops before any other line, for next() to take.
   * Returns how many it decoded.
   */
  nextTokens(packed: DataView, max: number): number {
    const { bytes, view } = this;
    let count = 0;
    while (count < max) {
      const start = this.at;
      const stop = start + HEX_TOKEN_LENGTH;
      if (stop >= bytes.length) break;
      const lineEnd = bytes[stop] === NEWLINE ? stop : bytes[stop] === CARRIAGE_RETURN && bytes[stop + 1] === NEWLINE ? stop + 1 : -1;
      if (lineEnd === -1 || !decodeHexToken(view, start, packed, count * TOKEN_LENGTH)) break;
      this.at = lineEnd + 1;
      this.line += 1;
      count += 1;
    }
    return count;
  }

  next(): LineKind {
    const { bytes } = this;
    while (this.at < bytes.length) {
      const start = this.at;
      // The usual line is 64 digits and a line end: found without a search.
      let stop = bytes[start + HEX_TOKEN_LENGTH] === NEWLINE ? start + HEX_TOKEN_LENGTH : bytes.indexOf(NEWLINE, start);
      if (stop === -1) stop = bytes.length;
      this.at = stop + 1;
      this.line += 1;
      const end = stop > start && bytes[stop - 1] === CARRIAGE_RETURN ? stop - 1 : stop;
      if (end - start === HEX_TOKEN_LENGTH && decodeHexToken(this.view, start, this.reusedView, 0)) {
        this.token = this.reused;
        return 'token';
      }
      const entry = parseTokenLine(bytes.toString('utf8', start, end), this.line, this.rules);
      if (entry === undefined) continue;
      if (entry.kind === 'token') {
        if (entry.token.length === TOKEN_LENGTH) {
          entry.token.copy(this.reused);
          this.token = this.reused;
        } else {
          this.token = entry.token;
        }
        return 'token';
      }
      this.malformed = entry;
      return 'malformed';
    }
    return 'end';
  }
}
