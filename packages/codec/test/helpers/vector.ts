import type { Test } from 'uvu';
import * as assert from 'uvu/assert';

/** What the vector helper needs of a streaming decoder. */
export interface StreamDecoder<Result> {
  push(chunk: Uint8Array): Result[];
  readonly bufferedBytes: number;
}

export interface VectorCodec<Result> {
  /** A fresh decoder. */
  readonly decoder: () => StreamDecoder<Result>;
  /** A plain, comparable form of one decoded result. */
  readonly normalize: (result: Result) => unknown;
}

/** One annotated byte vector and what it means. */
export interface Vector<Result> {
  readonly name: string;
  readonly bytes: Buffer;
  /** Decoding `bytes` in one chunk gives these, normalised. */
  readonly decoded: readonly unknown[];
  /** The encoder under test, given the vector's object; must give exactly `bytes`. */
  readonly encode?: () => Buffer;
  /** Encodes one decoded result again (round trip back to the bytes). */
  readonly reencode?: (result: Result) => Buffer;
  /**
   * For each decoded result, the prefix length from which the decoder yields it: a fatal error
   * is reported as soon as it is seen, a packet once it is complete. Default: the whole vector.
   */
  readonly readyAt?: readonly number[];
}

export function decodeChunks<Result>(codec: VectorCodec<Result>, chunks: readonly Uint8Array[]): unknown[] {
  const decoder = codec.decoder();
  return chunks.flatMap((chunk) => decoder.push(chunk)).map(codec.normalize);
}

/**
 * Registers, for every vector: decode gives the object, encode gives the bytes, the round trip
 * holds, the bytes split in two at every offset decode the same, and every truncated prefix
 * yields nothing (holding its bytes) without throwing.
 */
export function registerVectors<Result>(test: Test, codec: VectorCodec<Result>, vectors: readonly Vector<Result>[]): void {
  for (const vector of vectors) {
    const { name, bytes, decoded } = vector;

    test(`${name}: decodes to its object`, () => {
      const decoder = codec.decoder();
      assert.equal(decoder.push(bytes).map(codec.normalize), decoded);
      assert.is(decoder.bufferedBytes, 0);
    });

    const { encode, reencode } = vector;
    if (encode) {
      test(`${name}: encodes to its bytes`, () => {
        assert.is(encode().toString('hex'), bytes.toString('hex'));
      });
    }

    if (reencode) {
      test(`${name}: round trip`, () => {
        const results = codec.decoder().push(bytes);
        assert.is(Buffer.concat(results.map(reencode)).toString('hex'), bytes.toString('hex'));
        if (encode) assert.equal(decodeChunks(codec, [encode()]), decoded);
      });
    }

    test(`${name}: split in two at every offset`, () => {
      for (let cut = 0; cut <= bytes.length; cut++) {
        const results = decodeChunks(codec, [bytes.subarray(0, cut), bytes.subarray(cut)]);
        assert.equal(results, decoded, `split at ${cut}`);
      }
    });

    test(`${name}: every truncated prefix yields only what it completes, and waits`, () => {
      const readyAt = vector.readyAt ?? decoded.map(() => bytes.length);
      for (let length = 0; length < bytes.length; length++) {
        const decoder = codec.decoder();
        const results = decoder.push(bytes.subarray(0, length)).map(codec.normalize);
        assert.equal(results, decoded.filter((_, index) => readyAt[index]! <= length), `prefix of ${length} bytes`);
        if (results.length === 0) assert.is(decoder.bufferedBytes, length, `bytes held after a prefix of ${length}`);
      }
    });
  }
}
