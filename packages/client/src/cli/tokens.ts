// Where apns-send's device tokens come from: the command line, or a file streamed line by line
// (a file may hold millions, so it is never read whole).
import { createReadStream, type ReadStream } from 'node:fs';
import { createInterface, type Interface } from 'node:readline';
import { isApnsCodecError, parseToken, TOKEN_LENGTH } from '@apnskit/codec';

const HEX_TOKEN_LENGTH = TOKEN_LENGTH * 2;

/** A token ready to send, or a line that is not a token (reported, counted failed, never sent). */
export type TokenEntry =
  | { readonly kind: 'token'; readonly token: Buffer; readonly line: number }
  | { readonly kind: 'malformed'; readonly text: string; readonly line: number; readonly reason: string };

/** Parses one line; blank lines are skipped (undefined). `line` is 1-based. */
export function parseTokenLine(text: string, line: number): TokenEntry | undefined {
  // Fast path for the usual line, 64 hex digits: Buffer.from stops at the first non-hex pair.
  if (text.length === HEX_TOKEN_LENGTH) {
    const token = Buffer.from(text, 'hex');
    if (token.length === TOKEN_LENGTH) return { kind: 'token', token, line };
  }
  const trimmed = text.trim();
  if (trimmed.length === 0) return undefined;
  try {
    return { kind: 'token', token: parseToken(trimmed), line };
  } catch (error) {
    if (!isApnsCodecError(error)) throw error;
    return { kind: 'malformed', text: trimmed, line, reason: error.message };
  }
}

/** A tokens file being read: entries in file order, and how far the reading has got. */
export class TokensFile {
  private stream: ReadStream | undefined;
  private lines: Interface | undefined;
  private stopped = false;

  constructor(
    readonly path: string,
    /** Size in bytes when known, for the progress bar. */
    readonly size: number,
  ) {}

  get bytesRead(): number {
    return this.stream?.bytesRead ?? 0;
  }

  /** Stops reading early (on Ctrl-C): the iteration ends after the lines already buffered. */
  stop(): void {
    this.stopped = true;
    this.lines?.close();
    this.stream?.destroy();
  }

  async *entries(): AsyncGenerator<TokenEntry> {
    if (this.stopped) return;
    // Opened here, not earlier: readline starts the stream flowing and drops lines nobody awaits,
    // and a read error (reported through the iteration) needs the iteration to exist.
    this.stream = createReadStream(this.path);
    this.lines = createInterface({ input: this.stream, crlfDelay: Infinity });
    let line = 0;
    for await (const text of this.lines) {
      line += 1;
      const entry = parseTokenLine(text, line);
      if (entry) yield entry;
    }
  }
}

/** Tokens given with --token: each must be valid (checked before anything is sent). */
export function* commandLineEntries(tokens: readonly Buffer[]): Generator<TokenEntry> {
  for (const token of tokens) yield { kind: 'token', token, line: 0 };
}
