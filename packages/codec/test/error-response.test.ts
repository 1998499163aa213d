// Error responses (command 8): vectors, streams, unknown statuses and garbage.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { encodeErrorResponse, ErrorResponseDecoder, type ErrorResponseResult } from '../src/index.js';
import { errorResponseCodec, plainErrorResponse } from './helpers/codecs.js';
import { throwsCode } from './helpers/errors.js';
import { hex } from './helpers/hex.js';
import * as naive from './helpers/naive.js';
import { registerVectors } from './helpers/vector.js';

const reencode = (result: ErrorResponseResult): Buffer => {
  if (result.kind !== 'error-response') throw new Error('garbage cannot be re-encoded');
  return encodeErrorResponse(result.status, result.id);
};

const vectors = suite('error response vectors');
registerVectors(vectors, errorResponseCodec, [
  {
    name: 'status 8 (invalid token) for id 1',
    bytes: hex(`
      08                                  # command 8
      08                                  # status 8: invalid token
      00000001                            # identifier 1
    `),
    decoded: [{ kind: 'error-response', status: 8, id: 1, name: 'invalid-token', outcome: 'failed', known: true }],
    encode: () => encodeErrorResponse(8, 1),
    reencode,
  },
  {
    name: 'status 10 (shutdown) names the last delivered, largest id',
    bytes: hex('08 0a ffffffff'),
    decoded: [{ kind: 'error-response', status: 10, id: 0xffffffff, name: 'shutdown', outcome: 'last-delivered', known: true }],
    encode: () => encodeErrorResponse(10, 0xffffffff),
    reencode,
  },
  {
    name: 'undocumented status 42 decodes as unknown',
    bytes: hex('08 2a 00000007'),
    decoded: [{ kind: 'error-response', status: 42, id: 7, name: 'unknown-42', outcome: 'failed', known: false }],
    encode: () => encodeErrorResponse(42, 7),
    reencode,
  },
  {
    name: 'two responses back to back',
    bytes: hex('08 01 00000002   08 80 00000003'),
    decoded: [
      { kind: 'error-response', status: 1, id: 2, name: 'processing-error', outcome: 'failed', known: true },
      { kind: 'error-response', status: 128, id: 3, name: 'protocol-error', outcome: 'failed', known: true },
    ],
    encode: () => Buffer.concat([encodeErrorResponse(1, 2), encodeErrorResponse(128, 3)]),
    reencode,
    readyAt: [6, 12],
  },
]);
vectors.run();

const test = suite('ErrorResponseDecoder');

function decodeAll(chunks: readonly Uint8Array[], decoder = new ErrorResponseDecoder()): unknown[] {
  return chunks.flatMap((chunk) => decoder.push(chunk)).map(plainErrorResponse);
}

test('every prefix of two responses yields the complete ones and holds the rest', () => {
  const stream = Buffer.concat([naive.errorResponse(1, 2), naive.errorResponse(128, 3)]);
  for (let length = 0; length <= stream.length; length++) {
    const decoder = new ErrorResponseDecoder();
    const results = decoder.push(stream.subarray(0, length));
    assert.is(results.length, Math.floor(length / 6), `prefix ${length}`);
    assert.is(decoder.bufferedBytes, length % 6);
  }
});

test('many responses in one chunk, split at every offset and byte by byte', () => {
  const statuses = [0, 1, 2, 3, 4, 5, 6, 7, 8, 10, 128, 255, 9, 200];
  const stream = Buffer.concat(statuses.map((status, index) => naive.errorResponse(status, index * 1000)));
  const expected = decodeAll([stream]);
  assert.is(expected.length, statuses.length);
  assert.equal(
    expected.map((result) => (result as { status: number }).status),
    statuses,
  );
  for (let cut = 0; cut <= stream.length; cut++) assert.equal(decodeAll([stream.subarray(0, cut), stream.subarray(cut)]), expected);
  assert.equal(decodeAll([...stream].map((byte) => Uint8Array.of(byte))), expected);
});

test('every status byte 0-255 decodes, unknown ones as unknown-N', () => {
  for (let status = 0; status <= 255; status++) {
    const [result] = new ErrorResponseDecoder().push(naive.errorResponse(status, status));
    assert.ok(result?.kind === 'error-response');
    if (result?.kind !== 'error-response') return;
    assert.is(result.status, status);
    assert.is(result.id, status);
    assert.is(result.info.status, status);
    if (!result.info.known) assert.is(result.info.name, `unknown-${status}`);
  }
});

test('garbage yields one garbage result, keeps what came before, and never throws', () => {
  const stream = Buffer.concat([naive.errorResponse(8, 1), hex('48 54 54 50 2f 31'), naive.errorResponse(8, 2)]);
  for (let cut = 0; cut <= stream.length; cut++) {
    const decoder = new ErrorResponseDecoder();
    const results = decodeAll([stream.subarray(0, cut), stream.subarray(cut)], decoder);
    assert.is(results.length, 2, `cut ${cut}`);
    assert.equal(results[0], { kind: 'error-response', status: 8, id: 1, name: 'invalid-token', outcome: 'failed', known: true });
    assert.is((results[1] as { kind: string }).kind, 'garbage');
    assert.ok(decoder.failed);
    assert.is(decoder.bufferedBytes, 0);
    assert.equal(decoder.push(naive.errorResponse(8, 3)), []);
  }
  const [garbage] = new ErrorResponseDecoder().push(hex('00 01 02'));
  assert.equal(garbage, { kind: 'garbage', bytes: hex('00 01 02'), reason: 'expected an error response (command 8), got command byte 0' });
});

test('a split packet is reassembled from Uint8Array chunks; empty chunks change nothing', () => {
  const decoder = new ErrorResponseDecoder();
  const packet = new Uint8Array(naive.errorResponse(7, 99));
  assert.equal(decoder.push(packet.subarray(0, 2)), []);
  assert.equal(decoder.push(new Uint8Array(0)), []);
  assert.is(decoder.bufferedBytes, 2);
  assert.equal(decodeAll([packet.subarray(2)], decoder), [
    { kind: 'error-response', status: 7, id: 99, name: 'invalid-payload-size', outcome: 'failed', known: true },
  ]);
  assert.not.ok(decoder.failed);
});

test('encodeErrorResponse refuses bad statuses and ids with exact codes', () => {
  for (const status of [-1, 256, 1.5, Number.NaN]) {
    throwsCode(() => encodeErrorResponse(status, 1), 'APNS_ERR_INVALID_STATUS', /status must be a byte/);
  }
  for (const id of [-1, 2 ** 32, 0.5]) {
    throwsCode(() => encodeErrorResponse(8, id), 'APNS_ERR_INVALID_IDENTIFIER', /id must be an integer from 0 to 4294967295/);
  }
});

test.run();
