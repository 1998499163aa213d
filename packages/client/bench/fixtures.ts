// The notifications every contender sends: distinct tokens, one ~100-byte payload.
// Both the sending thread and the mock's thread derive them from the index, so the mock side can
// check the recorded set exactly without the tokens crossing threads.
import { TOKEN_LENGTH } from '@apnskit/codec';

/** A realistic alert payload, pre-serialised once (clients send the same bytes to many devices). */
export const PAYLOAD_OBJECT = Object.freeze({
  aps: Object.freeze({ alert: 'Your order #48213 has shipped and arrives tomorrow', badge: 1, sound: 'default' }),
});
export const PAYLOAD_TEXT = JSON.stringify(PAYLOAD_OBJECT);
export const PAYLOAD_BYTES = Buffer.from(PAYLOAD_TEXT, 'utf8');

/** Where the index sits inside a token (the rest is a fixed filler, so tokens look random-ish). */
const INDEX_OFFSET = 4;

const FILLER = Buffer.from('9f1c2e7a5b3d4c6e8a0b1d2f3e4c5a6b7d8e9f0a1b2c3d4e5f60718293a4b5c6', 'hex');

/** Token number `index` of a run tagged `tag` (tags keep warm-up tokens apart from measured ones). */
export function benchToken(tag: number, index: number): Buffer {
  const token = Buffer.allocUnsafe(TOKEN_LENGTH);
  FILLER.copy(token);
  token.writeUInt32BE(tag >>> 0, 0);
  token.writeUInt32BE(index >>> 0, INDEX_OFFSET);
  return token;
}

export function benchTokens(tag: number, count: number): Buffer[] {
  const tokens = new Array<Buffer>(count);
  for (let index = 0; index < count; index += 1) tokens[index] = benchToken(tag, index);
  return tokens;
}

/** The set a run of `count` tokens tagged `tag` must leave in the mock, as lowercase hex. */
export function expectedTokenSet(tag: number, count: number): Set<string> {
  const expected = new Set<string>();
  for (let index = 0; index < count; index += 1) expected.add(benchToken(tag, index).toString('hex'));
  return expected;
}

