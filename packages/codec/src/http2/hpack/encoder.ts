/**
 * A small HPACK encoder for requests: fields in the static table go out indexed, the rest as
 * literals without indexing (a static name index where there is one), strings raw. It never uses
 * the dynamic table, so the peer's SETTINGS_HEADER_TABLE_SIZE cannot matter and a block can be
 * cached and replayed on any connection. Strings are written as UTF-8.
 */
import { integerLength, writeInteger } from './primitives.js';
import { staticFieldIndex, staticNameIndex } from './static-table.js';

const INDEXED_PATTERN = 0x80;
const LITERAL_PATTERN = 0x00;
const INDEXED_PREFIX_BITS = 7;
const LITERAL_NAME_PREFIX_BITS = 4;
const STRING_PREFIX_BITS = 7;
const RAW_STRING_PATTERN = 0x00;

/** Octets one field takes. */
export function headerFieldLength(name: string, value: string): number {
  const full = staticFieldIndex(name, value);
  if (full !== 0) return integerLength(full, INDEXED_PREFIX_BITS);
  return literalFieldLength(staticNameIndex(name), name, value);
}

/** Writes one field at `offset` in `target` (which must have room: see headerFieldLength); returns the offset after. */
export function encodeHeaderField(name: string, value: string, target: Uint8Array, offset: number): number {
  const full = staticFieldIndex(name, value);
  if (full !== 0) return writeInteger(target, offset, full, INDEXED_PREFIX_BITS, INDEXED_PATTERN);
  const nameIndex = staticNameIndex(name);
  if (nameIndex !== 0) return writeLiteralField(nameIndex, value, target, offset);
  offset = writeInteger(target, offset, 0, LITERAL_NAME_PREFIX_BITS, LITERAL_PATTERN);
  offset = writeRawString(name, target, offset);
  return writeRawString(value, target, offset);
}

/** Octets of a literal field without indexing whose name is static index `nameIndex` (0: the name as a literal). */
export function literalFieldLength(nameIndex: number, name: string, value: string): number {
  const nameLength = nameIndex !== 0 ? integerLength(nameIndex, LITERAL_NAME_PREFIX_BITS) : 1 + rawStringLength(name);
  return nameLength + rawStringLength(value);
}

/** A literal without indexing whose name is static index `nameIndex` (e.g. 4 for :path). */
export function writeLiteralField(nameIndex: number, value: string, target: Uint8Array, offset: number): number {
  offset = writeInteger(target, offset, nameIndex, LITERAL_NAME_PREFIX_BITS, LITERAL_PATTERN);
  return writeRawString(value, target, offset);
}

export function rawStringLength(text: string): number {
  const bytes = Buffer.byteLength(text);
  return integerLength(bytes, STRING_PREFIX_BITS) + bytes;
}

function writeRawString(text: string, target: Uint8Array, offset: number): number {
  const bytes = Buffer.byteLength(text);
  offset = writeInteger(target, offset, bytes, STRING_PREFIX_BITS, RAW_STRING_PATTERN);
  // A Buffer writes strings itself; a bare Uint8Array needs a Buffer view over it.
  const view = target instanceof Buffer ? target : Buffer.from(target.buffer, target.byteOffset, target.byteLength);
  return offset + view.write(text, offset, bytes, 'utf8');
}

/** A whole header block for `fields` (name, value pairs in order). */
export function encodeHeaderBlock(fields: readonly (readonly [string, string])[]): Buffer {
  let length = 0;
  for (const [name, value] of fields) length += headerFieldLength(name, value);
  const block = Buffer.allocUnsafe(length);
  let offset = 0;
  for (const [name, value] of fields) offset = encodeHeaderField(name, value, block, offset);
  return block;
}
