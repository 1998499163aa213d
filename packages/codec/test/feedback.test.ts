// Feedback tuples: annotated vectors, streams of many tuples, impossible lengths, truncated tails.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { encodeFeedbackTuple, FeedbackDecoder } from '../src/index.js';
import { feedbackCodec, plainTuple, reencodeTuple } from './helpers/codecs.js';
import { throwsCode } from './helpers/errors.js';
import { hex, TOKEN, TOKEN_HEX } from './helpers/hex.js';
import * as naive from './helpers/naive.js';
import { registerVectors } from './helpers/vector.js';

const vectors = suite('feedback tuple vectors');
registerVectors(vectors, feedbackCodec, [
  {
    name: 'one tuple',
    bytes: hex(`
      5f5e1000                            # timestamp 1600000000
      0020                                # token length 32
      ${TOKEN_HEX}                        # token
    `),
    decoded: [{ token: TOKEN_HEX, timestamp: 1600000000 }],
    encode: () => encodeFeedbackTuple({ token: TOKEN_HEX, timestamp: 1600000000 }),
    reencode: reencodeTuple,
  },
  {
    name: 'a Date timestamp and a Buffer token',
    bytes: hex(`ffffffff 0020 ${'00'.repeat(32)}`),
    decoded: [{ token: '00'.repeat(32), timestamp: 0xffffffff }],
    encode: () => encodeFeedbackTuple({ token: Buffer.alloc(32), timestamp: new Date(0xffffffff * 1000 + 999) }),
    reencode: reencodeTuple,
  },
]);
vectors.run();

const test = suite('FeedbackDecoder');

function drain(decoder: FeedbackDecoder, chunks: readonly Uint8Array[]): unknown[] {
  const results: unknown[] = [];
  for (const chunk of chunks) results.push(...decoder.push(chunk).map(plainTuple));
  return results;
}

const manyTokens = Array.from({ length: 50 }, (_, index) => Buffer.alloc(32, index));
const manyTuples = Buffer.concat(manyTokens.map((token, index) => naive.feedbackTuple(1_500_000_000 + index, token)));
const manyExpected = manyTokens.map((token, index) => ({ token: token.toString('hex'), timestamp: 1_500_000_000 + index }));

test('50 tuples in one chunk, byte by byte, and split at every offset', () => {
  assert.equal(drain(new FeedbackDecoder(), [manyTuples]), manyExpected);
  assert.equal(drain(new FeedbackDecoder(), [...manyTuples].map((byte) => Uint8Array.of(byte))), manyExpected);
  for (let cut = 0; cut <= manyTuples.length; cut++) {
    const decoder = new FeedbackDecoder();
    assert.equal(drain(decoder, [manyTuples.subarray(0, cut), manyTuples.subarray(cut)]), manyExpected, `cut ${cut}`);
    assert.is(decoder.bufferedBytes, 0);
  }
});

test('returned tokens are copies: reusing the chunk does not change them', () => {
  const chunk = Buffer.from(naive.feedbackTuple(1, TOKEN));
  const [tuple] = new FeedbackDecoder().push(chunk);
  chunk.fill(0);
  assert.is(tuple?.kind === 'tuple' ? tuple.token.toString('hex') : '', TOKEN_HEX);
});

test('an impossible token length comes back once as garbage, after the complete tuples before it; later bytes are ignored', () => {
  const bad = hex('5f5e1000 1000 abcd'); // claims a 4096-byte token
  const stream = Buffer.concat([manyTuples.subarray(0, 38 * 3), bad]);
  const decoder = new FeedbackDecoder();
  const results = decoder.push(stream);
  assert.equal(results.slice(0, 3).map(plainTuple), manyExpected.slice(0, 3));
  const garbage = results[3];
  assert.is(results.length, 4);
  assert.is(garbage?.kind, 'garbage');
  if (garbage?.kind === 'garbage') {
    assert.is(garbage.bytes.toString('hex'), bad.toString('hex'));
    assert.match(garbage.reason, /4096-byte token; expected 1 to 32 bytes/);
  }
  assert.ok(decoder.failed);
  assert.equal(decoder.push(manyTuples), [], 'nothing after garbage');
  assert.is(decoder.bufferedBytes, 0);
  for (let cut = 0; cut <= stream.length; cut++) {
    const seen = drain(new FeedbackDecoder(), [stream.subarray(0, cut), stream.subarray(cut)]);
    assert.equal(seen.slice(0, 3), manyExpected.slice(0, 3), `cut ${cut}`);
    assert.is(seen.length, 4, `cut ${cut}`);
    assert.is((seen[3] as { kind?: string }).kind, 'garbage', `cut ${cut}`);
  }
});

test('a zero-length token is impossible too: garbage with nothing before it, never a throw', () => {
  const decoder = new FeedbackDecoder();
  assert.equal(decoder.push(hex('00000001 0000')).map(plainTuple), [{ kind: 'garbage', bytes: '000000010000' }]);
  const [again] = new FeedbackDecoder().push(hex('00000001 0000'));
  assert.match(again?.kind === 'garbage' ? again.reason : '', /0-byte token/);
  assert.ok(decoder.failed);
  assert.is(decoder.bufferedBytes, 0);
});

test('maxTokenLength admits longer tokens; bad values are refused', () => {
  const long = Buffer.alloc(100, 9);
  const decoder = new FeedbackDecoder({ maxTokenLength: 100 });
  assert.equal(decoder.push(naive.feedbackTuple(7, long)).map(plainTuple), [{ token: long.toString('hex'), timestamp: 7 }]);
  throwsCode(() => new FeedbackDecoder({ maxTokenLength: 0 }), 'APNS_ERR_INVALID_OPTION', /maxTokenLength/);
  throwsCode(() => new FeedbackDecoder({ maxTokenLength: 65536 }), 'APNS_ERR_INVALID_OPTION');
});

test('a truncated tail stays visible in bufferedBytes', () => {
  const decoder = new FeedbackDecoder();
  const stream = manyTuples.subarray(0, 38 * 2 + 10);
  assert.equal(decoder.push(stream).map(plainTuple), manyExpected.slice(0, 2));
  assert.is(decoder.bufferedBytes, 10);
  assert.not.ok(decoder.failed);
  assert.equal(decoder.push(manyTuples.subarray(38 * 2 + 10, 38 * 3)).map(plainTuple), manyExpected.slice(2, 3));
  assert.is(decoder.bufferedBytes, 0);
});

test('Uint8Array chunks that are not Buffers', () => {
  const tuple = naive.feedbackTuple(5, TOKEN);
  const copy = new Uint8Array(tuple);
  assert.equal(new FeedbackDecoder().push(copy).map(plainTuple), [{ token: TOKEN_HEX, timestamp: 5 }]);
});

test('encodeFeedbackTuple refuses bad timestamps and tokens with exact codes', () => {
  for (const timestamp of [-1, 1.5, 2 ** 32, Number.NaN, new Date(Number.NaN), new Date(-1000)]) {
    throwsCode(() => encodeFeedbackTuple({ token: TOKEN, timestamp }), 'APNS_ERR_INVALID_TIMESTAMP', /timestamp must be UNIX seconds/);
  }
  throwsCode(() => encodeFeedbackTuple({ token: 'abc', timestamp: 1 }), 'APNS_ERR_INVALID_TOKEN');
});

test.run();
