// Feedback tuples: annotated vectors, streams of many tuples, impossible lengths, truncated tails.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ApnsCodecError, encodeFeedbackTuple, FeedbackDecoder, type FeedbackTuple } from '../src/index.js';
import { feedbackCodec, plainTuple } from './helpers/codecs.js';
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
    reencode: (tuple: FeedbackTuple) => encodeFeedbackTuple(tuple),
  },
  {
    name: 'a Date timestamp and a Buffer token',
    bytes: hex(`ffffffff 0020 ${'00'.repeat(32)}`),
    decoded: [{ token: '00'.repeat(32), timestamp: 0xffffffff }],
    encode: () => encodeFeedbackTuple({ token: Buffer.alloc(32), timestamp: new Date(0xffffffff * 1000 + 999) }),
    reencode: (tuple: FeedbackTuple) => encodeFeedbackTuple(tuple),
  },
]);
vectors.run();

const test = suite('FeedbackDecoder');

function drain(decoder: FeedbackDecoder, chunks: readonly Uint8Array[]): { tuples: unknown[]; error?: ApnsCodecError } {
  const tuples: unknown[] = [];
  try {
    for (const chunk of chunks) tuples.push(...decoder.push(chunk).map(plainTuple));
    decoder.push(new Uint8Array(0)); // surfaces an error held back behind returned tuples
  } catch (error) {
    assert.instance(error, ApnsCodecError);
    return { tuples, error: error as ApnsCodecError };
  }
  return { tuples };
}

const manyTokens = Array.from({ length: 50 }, (_, index) => Buffer.alloc(32, index));
const manyTuples = Buffer.concat(manyTokens.map((token, index) => naive.feedbackTuple(1_500_000_000 + index, token)));
const manyExpected = manyTokens.map((token, index) => ({ token: token.toString('hex'), timestamp: 1_500_000_000 + index }));

test('50 tuples in one chunk, byte by byte, and split at every offset', () => {
  assert.equal(drain(new FeedbackDecoder(), [manyTuples]), { tuples: manyExpected });
  assert.equal(drain(new FeedbackDecoder(), [...manyTuples].map((byte) => Uint8Array.of(byte))), { tuples: manyExpected });
  for (let cut = 0; cut <= manyTuples.length; cut++) {
    const decoder = new FeedbackDecoder();
    assert.equal(drain(decoder, [manyTuples.subarray(0, cut), manyTuples.subarray(cut)]), { tuples: manyExpected }, `cut ${cut}`);
    assert.is(decoder.bufferedBytes, 0);
  }
});

test('returned tokens are copies: reusing the chunk does not change them', () => {
  const chunk = Buffer.from(naive.feedbackTuple(1, TOKEN));
  const [tuple] = new FeedbackDecoder().push(chunk);
  chunk.fill(0);
  assert.is(tuple?.token.toString('hex'), TOKEN_HEX);
});

test('an impossible token length is a typed error; the complete tuples before it are kept', () => {
  const bad = hex('5f5e1000 1000 abcd'); // claims a 4096-byte token
  const stream = Buffer.concat([manyTuples.subarray(0, 38 * 3), bad]);
  const decoder = new FeedbackDecoder();
  const tuples = decoder.push(stream).map(plainTuple);
  assert.equal(tuples, manyExpected.slice(0, 3));
  assert.ok(decoder.failed);
  const error = throwsCode(() => decoder.push(Buffer.alloc(0)), 'APNS_ERR_FEEDBACK_TOKEN_LENGTH', /4096-byte token; expected 1 to 32 bytes/);
  assert.ok(error.message.length > 0);
  throwsCode(() => decoder.push(manyTuples), 'APNS_ERR_FEEDBACK_TOKEN_LENGTH');
  for (let cut = 0; cut <= stream.length; cut++) {
    const result = drain(new FeedbackDecoder(), [stream.subarray(0, cut), stream.subarray(cut)]);
    assert.equal(result.tuples, manyExpected.slice(0, 3), `cut ${cut}`);
    assert.is(result.error?.code, 'APNS_ERR_FEEDBACK_TOKEN_LENGTH');
  }
});

test('a zero-length token is impossible too; with nothing before it the push throws at once', () => {
  const decoder = new FeedbackDecoder();
  throwsCode(() => decoder.push(hex('00000001 0000')), 'APNS_ERR_FEEDBACK_TOKEN_LENGTH', /0-byte token/);
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
