/** HPACK (RFC 7541): a bounded decoder for responses and a static-table encoder for requests. Pure: no I/O. */
export { HpackDecoder, DEFAULT_HEADER_TABLE_SIZE, DEFAULT_MAX_HEADER_LIST_SIZE, ENTRY_OVERHEAD } from './decoder.js';
export { encodeHeaderBlock, encodeHeaderField, headerFieldLength, literalFieldLength, rawStringLength, writeLiteralField } from './encoder.js';
export { HpackError } from './errors.js';
export { HUFFMAN_CODES, HUFFMAN_CODE_LENGTHS, huffmanDecode, huffmanEncode, huffmanEncodedLength } from './huffman.js';
export { MAX_HPACK_INTEGER, integerLength, readInteger, readString, writeInteger, type BlockCursor } from './primitives.js';
export { STATIC_TABLE, STATIC_TABLE_LENGTH, staticFieldIndex, staticNameIndex } from './static-table.js';
