/**
 * RFC 7541 section 6: decodes header blocks into [name, value, name, value, ...], keeping the
 * dynamic table the peer's encoder builds. Bounded: the table never exceeds the size we announced
 * (SETTINGS_HEADER_TABLE_SIZE), and one block never decodes to more than `maxHeaderListSize`
 * (RFC 7540 6.5.2 sizing: name + value + 32 per field). Every malformed block throws HpackError,
 * after which the connection must close: the tables can no longer agree.
 */
import { HpackError } from './errors.js';
import { readInteger, readString, type BlockCursor } from './primitives.js';
import { STATIC_TABLE, STATIC_TABLE_LENGTH } from './static-table.js';

/** RFC 7541 4.1: each entry costs its octets plus 32. */
export const ENTRY_OVERHEAD = 32;
export const DEFAULT_HEADER_TABLE_SIZE = 4096;
export const DEFAULT_MAX_HEADER_LIST_SIZE = 16_384;

const enum Representation {
  Indexed = 0x80,
  LiteralIncremental = 0x40,
  SizeUpdate = 0x20,
  LiteralNeverIndexed = 0x10,
}

export class HpackDecoder {
  /** Newest entry last. */
  private readonly names: string[] = [];
  private readonly values: string[] = [];
  private tableSize = 0;
  /** The table size the peer's encoder last chose (at most `maxTableSize`). */
  private capacity: number;

  constructor(
    /** The SETTINGS_HEADER_TABLE_SIZE we announced: the peer may not use more. */
    readonly maxTableSize = DEFAULT_HEADER_TABLE_SIZE,
    readonly maxHeaderListSize = DEFAULT_MAX_HEADER_LIST_SIZE,
  ) {
    this.capacity = maxTableSize;
  }

  /** Octets the dynamic table holds, by RFC 7541's count. */
  get dynamicTableSize(): number {
    return this.tableSize;
  }

  get dynamicTableLength(): number {
    return this.names.length;
  }

  /** The dynamic table, newest first, as [name, value, size]. */
  entries(): [string, string, number][] {
    return this.names.map((name, index) => [name, this.values[index]!, Buffer.byteLength(name) + Buffer.byteLength(this.values[index]!) + ENTRY_OVERHEAD] as [string, string, number]).reverse();
  }

  /** Decodes one complete header block (HEADERS plus any CONTINUATION payloads). */
  decode(block: Uint8Array): string[] {
    const cursor: BlockCursor = { block, offset: 0 };
    const fields: string[] = [];
    let listSize = 0;
    let fieldsSeen = false;
    while (cursor.offset < block.length) {
      const first = block[cursor.offset]!;
      let name: string;
      let value: string;
      if (first & Representation.Indexed) {
        const index = readInteger(cursor, 7);
        if (index === 0) throw new HpackError('indexed header field with index 0');
        name = this.nameAt(index);
        value = this.valueAt(index);
      } else if (first & Representation.LiteralIncremental) {
        name = this.literalName(cursor, 6);
        value = readString(cursor, this.maxHeaderListSize);
        this.insert(name, value);
      } else if (first & Representation.SizeUpdate) {
        if (fieldsSeen) throw new HpackError('a dynamic table size update after a header field (RFC 7541 4.2: only at the start of a block)');
        const size = readInteger(cursor, 5);
        if (size > this.maxTableSize) throw new HpackError(`dynamic table size update to ${size}, above the ${this.maxTableSize} we allow`);
        this.capacity = size;
        this.evictTo(size);
        continue;
      } else {
        // Literal without indexing (0000) or never indexed (0001): both with a 4-bit prefix.
        name = this.literalName(cursor, 4);
        value = readString(cursor, this.maxHeaderListSize);
      }
      fieldsSeen = true;
      listSize += name.length + value.length + ENTRY_OVERHEAD;
      if (listSize > this.maxHeaderListSize) throw new HpackError(`a header block decodes to more than ${this.maxHeaderListSize} octets`);
      fields.push(name, value);
    }
    return fields;
  }

  private literalName(cursor: BlockCursor, prefixBits: number): string {
    const index = readInteger(cursor, prefixBits);
    return index === 0 ? readString(cursor, this.maxHeaderListSize) : this.nameAt(index);
  }

  private nameAt(index: number): string {
    if (index <= STATIC_TABLE_LENGTH) return STATIC_TABLE[index - 1]![0];
    return this.names[this.dynamicPosition(index)]!;
  }

  private valueAt(index: number): string {
    if (index <= STATIC_TABLE_LENGTH) return STATIC_TABLE[index - 1]![1];
    return this.values[this.dynamicPosition(index)]!;
  }

  private dynamicPosition(index: number): number {
    const fromNewest = index - STATIC_TABLE_LENGTH - 1;
    if (fromNewest >= this.names.length) throw new HpackError(`header index ${index} is beyond the ${STATIC_TABLE_LENGTH + this.names.length} entries of the tables`);
    return this.names.length - 1 - fromNewest;
  }

  private insert(name: string, value: string): void {
    const size = Buffer.byteLength(name) + Buffer.byteLength(value) + ENTRY_OVERHEAD;
    if (size > this.capacity) {
      // RFC 7541 4.4: an entry larger than the table empties it and is not added.
      this.evictTo(0);
      return;
    }
    this.evictTo(this.capacity - size);
    this.names.push(name);
    this.values.push(value);
    this.tableSize += size;
  }

  private evictTo(size: number): void {
    while (this.tableSize > size) {
      const name = this.names.shift()!;
      const value = this.values.shift()!;
      this.tableSize -= Buffer.byteLength(name) + Buffer.byteLength(value) + ENTRY_OVERHEAD;
    }
  }
}
