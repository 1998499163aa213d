import {
  Command,
  ENHANCED_HEADER_LENGTH,
  EXPIRY_LENGTH,
  FRAME_HEADER_LENGTH,
  IDENTIFIER_LENGTH,
  ITEM_HEADER_LENGTH,
  ItemId,
  MAX_FRAME_LENGTH,
  PRIORITY_LENGTH,
  SIMPLE_HEADER_LENGTH,
  U16_LENGTH,
} from './constants.js';

/*
 * Finds where each notification packet ends before any parsing, so that binary-parser only
 * sees complete, well-framed packets and a claimed length is judged before it is waited for.
 * The scanner sends here whatever its canonical-run fast path (canonical-run.ts) did not take.
 */

/** The packet is not all here yet. */
export const INCOMPLETE = 0;
/** The packet is malformed: see `ScanState.problem`. */
export const MALFORMED = -1;

export type FramingProblem =
  /** Unknown command byte: nothing after it can be framed. */
  | 'unknown-command'
  /** A frame length the protocol could not send. */
  | 'frame-too-long'
  /** Item lengths that do not add up to the frame length. */
  | 'items-do-not-fit'
  /** An item id outside 1-5, a fixed-size item of the wrong size, or an item given twice. */
  | 'bad-item';

/*
 * A layout says how a complete packet is laid out, which picks its parser. Commands 0 and 1 have
 * the general layout. A well-framed command-2 frame (each item at most once) has the order of
 * its item ids written as octal digits after a leading 1: items 1, 2, 3, 4, 5 are 0o112345,
 * pushy's 3, 1, 2, 4, 5 are 0o131245, a frame with no items is 1. There are 326 such layouts.
 */
export type Layout = number;
export const GENERAL_LAYOUT: Layout = 0;
const EMPTY_FRAME_LAYOUT: Layout = 1;
const LAYOUT_DIGIT_BASE = 8;
/** Items 1, 2, 3, 4, 5 in that order, as nearly every client writes them. */
export const CANONICAL_LAYOUT: Layout = 0o112345;

/** The item ids of a frame layout, in order. */
export function itemOrder(layout: Layout): number[] {
  const order: number[] = [];
  for (let rest = layout; rest > EMPTY_FRAME_LAYOUT; rest = Math.floor(rest / LAYOUT_DIGIT_BASE)) {
    order.unshift(rest % LAYOUT_DIGIT_BASE);
  }
  return order;
}

/** What the last `packetLength` call found beyond the length. Reused to avoid allocating. */
export interface ScanState {
  layout: Layout;
  problem: FramingProblem;
  /** Bytes to skip to reach the next packet after a malformed one, or 0 when framing is lost. */
  skip: number;
  /** The identifier of a malformed packet, when it could be read. */
  id: number | undefined;
  /** For 'bad-item': which item and how. */
  detail: string;
  /** After INCOMPLETE: the whole packet's length when the header already tells it, else 0. */
  needed: number;
}

export function newScanState(): ScanState {
  return { layout: GENERAL_LAYOUT, problem: 'unknown-command', skip: 0, id: undefined, detail: '', needed: 0 };
}

/** The fixed size of an item, 0 for the variable ones (token, payload), -1 for unknown ids. */
function itemSize(itemId: number): number {
  switch (itemId) {
    case ItemId.Token:
    case ItemId.Payload:
      return 0;
    case ItemId.Identifier:
      return IDENTIFIER_LENGTH;
    case ItemId.Expiry:
      return EXPIRY_LENGTH;
    case ItemId.Priority:
      return PRIORITY_LENGTH;
    default:
      return -1;
  }
}

/**
 * Length of the packet at `offset`: > 0 when complete (layout in `state.layout`), INCOMPLETE
 * when more bytes are needed, MALFORMED when it cannot be parsed (details in `state`).
 */
export function packetLength(data: Buffer, offset: number, state: ScanState): number {
  const available = data.length - offset;
  state.needed = 0;
  if (available < 1) return INCOMPLETE;
  switch (data[offset]) {
    case Command.Frame:
      return frameLength(data, offset, available, state);
    case Command.Enhanced:
      state.layout = GENERAL_LAYOUT;
      return tokenAndPayloadLength(data, offset, available, ENHANCED_HEADER_LENGTH, state);
    case Command.Simple:
      state.layout = GENERAL_LAYOUT;
      return tokenAndPayloadLength(data, offset, available, SIMPLE_HEADER_LENGTH, state);
    default:
      return malformed(state, 'unknown-command', 0, undefined, '');
  }
}

function frameLength(data: Buffer, offset: number, available: number, state: ScanState): number {
  if (available < FRAME_HEADER_LENGTH) return INCOMPLETE;
  const bodyLength = data.readUInt32BE(offset + 1);
  if (bodyLength > MAX_FRAME_LENGTH) return malformed(state, 'frame-too-long', 0, undefined, '');
  const total = FRAME_HEADER_LENGTH + bodyLength;
  if (available < total) {
    state.needed = total;
    return INCOMPLETE;
  }
  const end = offset + total;
  // Walk the item headers: they must tile the frame exactly, with known ids, fixed sizes right, none twice.
  let cursor = offset + FRAME_HEADER_LENGTH;
  let badItem = '';
  let layout = EMPTY_FRAME_LAYOUT;
  let seen = 0;
  while (cursor + ITEM_HEADER_LENGTH <= end) {
    const itemId = data[cursor]!;
    const itemLength = (data[cursor + 1]! << 8) | data[cursor + 2]!;
    const dataStart = cursor + ITEM_HEADER_LENGTH;
    if (dataStart + itemLength > end) break;
    const size = itemSize(itemId);
    if (size < 0) badItem ||= `unknown item id ${itemId}`;
    else if (size > 0 && size !== itemLength) badItem ||= `item ${itemId} is ${itemLength} bytes, not ${size}`;
    else if (seen & (1 << itemId)) badItem ||= `item ${itemId} appears twice`;
    seen |= 1 << itemId;
    layout = layout * LAYOUT_DIGIT_BASE + itemId;
    cursor = dataStart + itemLength;
  }
  if (cursor !== end) return malformed(state, 'items-do-not-fit', total, identifierOf(data, offset, end), '');
  if (badItem) return malformed(state, 'bad-item', total, identifierOf(data, offset, end), badItem);
  state.layout = layout;
  return total;
}

/** The identifier item's value in a malformed frame, when one of the right size can be found. */
function identifierOf(data: Buffer, offset: number, end: number): number | undefined {
  for (let cursor = offset + FRAME_HEADER_LENGTH; cursor + ITEM_HEADER_LENGTH <= end; ) {
    const itemLength = data.readUInt16BE(cursor + 1);
    const dataStart = cursor + ITEM_HEADER_LENGTH;
    if (dataStart + itemLength > end) return undefined;
    if (data[cursor] === ItemId.Identifier && itemLength === IDENTIFIER_LENGTH) return data.readUInt32BE(dataStart);
    cursor = dataStart + itemLength;
  }
  return undefined;
}

/** Commands 0 and 1: `header | token length u16 | token | payload length u16 | payload`. */
function tokenAndPayloadLength(
  data: Buffer,
  offset: number,
  available: number,
  headerLength: number,
  state: ScanState,
): number {
  if (available < headerLength) return INCOMPLETE;
  const tokenLength = data.readUInt16BE(offset + headerLength - U16_LENGTH);
  const payloadLengthAt = headerLength + tokenLength;
  if (available < payloadLengthAt + U16_LENGTH) return INCOMPLETE;
  const total = payloadLengthAt + U16_LENGTH + data.readUInt16BE(offset + payloadLengthAt);
  if (available >= total) return total;
  state.needed = total;
  return INCOMPLETE;
}

function malformed(state: ScanState, problem: FramingProblem, skip: number, id: number | undefined, detail: string): number {
  state.problem = problem;
  state.skip = skip;
  state.id = id;
  state.detail = detail;
  return MALFORMED;
}

/** A packet begun in an earlier chunk, joined with the next chunk. */
export interface LeftoverJoin {
  /** The completed packet at offset 0 when `length` > 0; otherwise the leftover and chunk joined whole. */
  readonly bytes: Buffer;
  /** The completed packet's length (its layout in the scan state), or 0 when it is not complete or is malformed. */
  readonly length: number;
  /** Where in the chunk the bytes after the completed packet start (unused when `length` is 0). */
  readonly restAt: number;
}

/** Bytes of the next chunk tried first to finish a leftover packet: enough for most whole packets. */
const HEADER_PROBE_LENGTH = 256;

/**
 * Finishes the packet left over from the last chunk by copying only its missing bytes, so a
 * chunk is not copied whole just because a packet straddled its start.
 */
export function joinLeftover(leftover: Buffer, chunk: Buffer, state: ScanState): LeftoverJoin {
  let probe = joined(leftover, chunk, Math.min(chunk.length, HEADER_PROBE_LENGTH));
  let length = packetLength(probe, 0, state);
  const missing = state.needed - leftover.length;
  if (length === INCOMPLETE && missing > 0 && missing <= chunk.length) {
    probe = joined(leftover, chunk, missing);
    length = packetLength(probe, 0, state);
  }
  // Still incomplete, or malformed: the caller's general path sorts it out.
  if (length <= 0) return { bytes: joined(leftover, chunk, chunk.length), length: 0, restAt: 0 };
  return { bytes: probe, length, restAt: length - leftover.length };
}

/** `leftover` then the first `take` bytes of `chunk`, in a new buffer (Buffer.concat costs more for two parts). */
function joined(leftover: Buffer, chunk: Buffer, take: number): Buffer {
  const bytes = Buffer.allocUnsafe(leftover.length + take);
  bytes.set(leftover, 0);
  bytes.set(take === chunk.length ? chunk : chunk.subarray(0, take), leftover.length);
  return bytes;
}
