/**
 * RFC 7541 Appendix B: the Huffman code. The table gives each symbol's code length (256 octets,
 * then EOS); the code itself is canonical (shorter codes first, then by symbol), which is how the
 * RFC's table was made, so the codes are derived here rather than copied. Decoding walks a 4-bit
 * state table built once from those codes.
 */
import { HpackError } from './errors.js';

// prettier-ignore
const CODE_LENGTHS: readonly number[] = [
  13, 23, 28, 28, 28, 28, 28, 28, 28, 24, 30, 28, 28, 30, 28, 28,
  28, 28, 28, 28, 28, 28, 30, 28, 28, 28, 28, 28, 28, 28, 28, 28,
  6, 10, 10, 12, 13, 6, 8, 11, 10, 10, 8, 11, 8, 6, 6, 6,
  5, 5, 5, 6, 6, 6, 6, 6, 6, 6, 7, 8, 15, 6, 12, 10,
  13, 6, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7,
  7, 7, 7, 7, 7, 7, 7, 7, 8, 7, 8, 13, 19, 13, 14, 6,
  15, 5, 6, 5, 6, 5, 6, 6, 6, 5, 7, 7, 6, 6, 6, 5,
  6, 7, 6, 5, 5, 6, 7, 7, 7, 7, 7, 15, 11, 14, 13, 28,
  20, 22, 20, 20, 22, 22, 22, 23, 22, 23, 23, 23, 23, 23, 24, 23,
  24, 24, 22, 23, 24, 23, 23, 23, 23, 21, 22, 23, 22, 23, 23, 24,
  22, 21, 20, 22, 22, 23, 23, 21, 23, 22, 22, 24, 21, 22, 23, 23,
  21, 21, 22, 21, 23, 22, 23, 23, 20, 22, 22, 22, 23, 22, 22, 23,
  26, 26, 20, 19, 22, 23, 22, 25, 26, 26, 26, 27, 27, 26, 24, 25,
  19, 21, 26, 27, 27, 26, 27, 24, 21, 21, 26, 26, 28, 27, 27, 27,
  20, 24, 20, 21, 22, 21, 21, 23, 22, 22, 25, 25, 24, 24, 26, 23,
  26, 27, 26, 26, 27, 27, 27, 27, 27, 28, 27, 27, 27, 27, 27, 26,
  30,
];

const EOS = 256;
/** Padding is at most 7 bits (RFC 7541 5.2). */
const MAX_PADDING_BITS = 7;

/** Each symbol's code, right-aligned in `HUFFMAN_CODES[symbol]`, `CODE_LENGTHS[symbol]` bits long. */
export const HUFFMAN_CODES: readonly number[] = canonicalCodes(CODE_LENGTHS);
export const HUFFMAN_CODE_LENGTHS = CODE_LENGTHS;

function canonicalCodes(lengths: readonly number[]): number[] {
  const symbols = lengths.map((_, symbol) => symbol).sort((a, b) => lengths[a]! - lengths[b]! || a - b);
  const codes = new Array<number>(lengths.length);
  let code = 0;
  let previousLength = lengths[symbols[0]!]!;
  symbols.forEach((symbol, order) => {
    const length = lengths[symbol]!;
    // Codes reach 30 bits: multiply rather than shift, to stay clear of 32-bit sign trouble.
    if (order > 0) code = (code + 1) * 2 ** (length - previousLength);
    previousLength = length;
    codes[symbol] = code;
  });
  return codes;
}

/*
 * The decoding state table. A state is an internal node of the code tree (0 = root). For each
 * state and 4-bit input, one Int32 says: the next state (bits 0-7), whether a symbol was emitted
 * (bit 8), the symbol (bits 9-16), and whether the input hit EOS (bit 17). No code is shorter than
 * 5 bits, so 4 bits emit at most one symbol.
 */
const EMITS = 1 << 8;
const SYMBOL_SHIFT = 9;
const FAILS = 1 << 17;
const NEXT_MASK = 0xff;

interface TreeNode {
  children: [TreeNode | number | undefined, TreeNode | number | undefined];
  state: number;
  /** Reached from the root by 1 bits only, at most 7 of them: a valid place to end (padding). */
  accepting: boolean;
}

function buildTree(): TreeNode[] {
  const root: TreeNode = { children: [undefined, undefined], state: 0, accepting: true };
  const nodes = [root];
  for (let symbol = 0; symbol <= EOS; symbol += 1) {
    const length = CODE_LENGTHS[symbol]!;
    const code = HUFFMAN_CODES[symbol]!;
    let node = root;
    for (let bit = length - 1; bit > 0; bit -= 1) {
      const branch = Math.floor(code / 2 ** bit) % 2;
      let child = node.children[branch];
      if (child === undefined) {
        const depth = length - bit;
        child = { children: [undefined, undefined], state: nodes.length, accepting: node.accepting && branch === 1 && depth <= MAX_PADDING_BITS };
        nodes.push(child);
        node.children[branch] = child;
      }
      node = child as TreeNode;
    }
    node.children[code % 2] = symbol;
  }
  return nodes;
}

const TREE = buildTree();
const DECODE_TABLE = new Int32Array(TREE.length * 16);
const ACCEPTING = new Uint8Array(TREE.length);
for (const node of TREE) {
  ACCEPTING[node.state] = node.accepting ? 1 : 0;
  for (let nibble = 0; nibble < 16; nibble += 1) {
    let current = node;
    let entry = 0;
    for (let bit = 3; bit >= 0; bit -= 1) {
      const next = current.children[(nibble >> bit) & 1]!;
      if (typeof next === 'number') {
        if (next === EOS) entry |= FAILS;
        else entry |= EMITS | (next << SYMBOL_SHIFT);
        current = TREE[0]!;
      } else {
        current = next;
      }
    }
    DECODE_TABLE[node.state * 16 + nibble] = entry | current.state;
  }
}

/** Scratch space for decoded octets (a Huffman string decodes to at most 8/5 of its length). */
let scratch = new Uint8Array(256);

/** Decodes `length` Huffman-coded octets at `offset`; throws HpackError for EOS or bad padding. */
export function huffmanDecode(source: Uint8Array, offset: number, length: number): string {
  const bound = Math.ceil((length * 8) / 5);
  if (scratch.length < bound) scratch = new Uint8Array(Math.max(bound, scratch.length * 2));
  const output = scratch;
  let written = 0;
  let state = 0;
  const end = offset + length;
  for (let index = offset; index < end; index += 1) {
    const octet = source[index]!;
    let entry = DECODE_TABLE[state * 16 + (octet >> 4)]!;
    if (entry & FAILS) throw new HpackError('a Huffman string contains EOS');
    if (entry & EMITS) output[written++] = (entry >> SYMBOL_SHIFT) & 0xff;
    entry = DECODE_TABLE[(entry & NEXT_MASK) * 16 + (octet & 0x0f)]!;
    if (entry & FAILS) throw new HpackError('a Huffman string contains EOS');
    if (entry & EMITS) output[written++] = (entry >> SYMBOL_SHIFT) & 0xff;
    state = entry & NEXT_MASK;
  }
  if (ACCEPTING[state] !== 1) throw new HpackError('a Huffman string ends in bad padding (not a short run of 1 bits)');
  return Buffer.from(output.buffer, output.byteOffset, written).toString('utf8');
}

/** The Huffman-coded length of `bytes`, in octets. */
export function huffmanEncodedLength(bytes: Uint8Array): number {
  let bits = 0;
  for (const octet of bytes) bits += CODE_LENGTHS[octet]!;
  return Math.ceil(bits / 8);
}

/** Huffman-codes `bytes` into `target` at `offset` (padding with 1 bits); returns the offset after. */
export function huffmanEncode(bytes: Uint8Array, target: Uint8Array, offset: number): number {
  let pending = 0;
  let pendingBits = 0;
  let position = offset;
  for (const octet of bytes) {
    const length = CODE_LENGTHS[octet]!;
    let code = HUFFMAN_CODES[octet]!;
    let remaining = length;
    // Feed the code in chunks of at most 8 bits so `pending` stays small.
    while (remaining > 0) {
      const take = Math.min(remaining, 8);
      remaining -= take;
      const chunk = Math.floor(code / 2 ** remaining) & ((1 << take) - 1);
      code %= 2 ** remaining;
      pending = (pending << take) | chunk;
      pendingBits += take;
      while (pendingBits >= 8) {
        pendingBits -= 8;
        target[position++] = (pending >> pendingBits) & 0xff;
      }
      pending &= (1 << pendingBits) - 1;
    }
  }
  if (pendingBits > 0) target[position++] = ((pending << (8 - pendingBits)) | ((1 << (8 - pendingBits)) - 1)) & 0xff;
  return position;
}
