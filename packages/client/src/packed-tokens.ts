// Device tokens packed back to back in one array, as both senders' writeMany take them.
import { TOKEN_LENGTH } from '@apnskit/codec';

/** What is wrong with `tokens` as packed 32-byte device tokens, or undefined when nothing is. */
export function packedTokensProblem(tokens: unknown): string | undefined {
  if (tokens instanceof Uint8Array && tokens.length % TOKEN_LENGTH === 0) return undefined;
  const got = tokens instanceof Uint8Array ? `${tokens.length} bytes, not a multiple of ${TOKEN_LENGTH}` : tokens === null ? 'null' : typeof tokens;
  return `tokens must be ${TOKEN_LENGTH}-byte device tokens back to back in one Uint8Array, got ${got}`;
}
