/** RFC 7541 5.1 and 5.2: integers with an N-bit prefix, and string literals (raw or Huffman). */
import { HpackError } from './errors.js';
import { huffmanDecode } from './huffman.js';

/** No index, length or size we accept needs more: a larger integer is an error, not a long read. */
export const MAX_HPACK_INTEGER = 2 ** 28;
const HUFFMAN_FLAG = 0x80;
const CONTINUE_FLAG = 0x80;
const CONTINUE_BITS = 7;

/** A cursor over one header block. */
export interface BlockCursor {
  readonly block: Uint8Array;
  offset: number;
}

/** Reads an integer whose first octet keeps its low `prefixBits` bits. */
export function readInteger(cursor: BlockCursor, prefixBits: number): number {
  const { block } = cursor;
  if (cursor.offset >= block.length) throw new HpackError('a header block ends inside an integer');
  const prefixMax = (1 << prefixBits) - 1;
  let value = block[cursor.offset++]! & prefixMax;
  if (value < prefixMax) return value;
  let shift = 0;
  for (;;) {
    if (cursor.offset >= block.length) throw new HpackError('a header block ends inside an integer');
    const octet = block[cursor.offset++]!;
    value += (octet & 0x7f) * 2 ** shift;
    if (value > MAX_HPACK_INTEGER) throw new HpackError(`an HPACK integer exceeds ${MAX_HPACK_INTEGER}`);
    if ((octet & CONTINUE_FLAG) === 0) return value;
    shift += CONTINUE_BITS;
  }
}

/** Octets an integer takes with a `prefixBits` prefix. */
export function integerLength(value: number, prefixBits: number): number {
  const prefixMax = (1 << prefixBits) - 1;
  if (value < prefixMax) return 1;
  let length = 2;
  for (let rest = value - prefixMax; rest >= 0x80; rest = Math.floor(rest / 0x80)) length += 1;
  return length;
}

/** Writes an integer; `pattern` holds the bits above the prefix in the first octet. Returns the offset after. */
export function writeInteger(target: Uint8Array, offset: number, value: number, prefixBits: number, pattern: number): number {
  const prefixMax = (1 << prefixBits) - 1;
  if (value < prefixMax) {
    target[offset] = pattern | value;
    return offset + 1;
  }
  target[offset++] = pattern | prefixMax;
  let rest = value - prefixMax;
  while (rest >= 0x80) {
    target[offset++] = (rest % 0x80) | CONTINUE_FLAG;
    rest = Math.floor(rest / 0x80);
  }
  target[offset] = rest;
  return offset + 1;
}

/** Reads a string literal of at most `maxLength` octets on the wire. */
export function readString(cursor: BlockCursor, maxLength: number): string {
  const { block } = cursor;
  if (cursor.offset >= block.length) throw new HpackError('a header block ends before a string');
  const huffman = (block[cursor.offset]! & HUFFMAN_FLAG) !== 0;
  const length = readInteger(cursor, 7);
  if (length > maxLength) throw new HpackError(`a header string of ${length} octets exceeds the ${maxLength} allowed`);
  const start = cursor.offset;
  if (start + length > block.length) throw new HpackError(`a header string of ${length} octets runs past the end of its block`);
  cursor.offset = start + length;
  if (huffman) return huffmanDecode(block, start, length);
  return Buffer.from(block.buffer, block.byteOffset + start, length).toString('utf8');
}
