import * as constantsModule from './constants.js';

// Module-local copies of imported bindings, which the compiler reloads and checks on every use:
// about 1.1x the frames per CPU-second of the NotificationScanner rows (codec bench, same run).
const { COMMAND_LENGTH, Command, EXPIRY_LENGTH, FRAME_HEADER_LENGTH, IDENTIFIER_LENGTH, ITEM_HEADER_LENGTH, ItemId, PRIORITY_LENGTH, Priority, TOKEN_LENGTH } = constantsModule;

/*
 * The one judge of canonical frames (items 1-5 in order, as every writer here and nearly every
 * client writes them). Frames it does not take go to the general framing (framing.ts), whose
 * item walk and binary-parser runs judge every other layout by the same rules (notification-checks.ts).
 */

/** The first 3 bytes of the 4 read at an item header: `item id u8 | item length u16`, then one data byte. */
const HEADER_OF_WORD = 8;
/** A canonical frame ends `03 0004 id | 04 0004 expiry | 05 0001 priority`. */
const CANONICAL_TAIL = 3 * ITEM_HEADER_LENGTH + IDENTIFIER_LENGTH + EXPIRY_LENGTH + PRIORITY_LENGTH;
/** Those item headers as the top 3 bytes of a 32-bit word. */
const IDENTIFIER_HEADER = (ItemId.Identifier << 16) | IDENTIFIER_LENGTH;
const EXPIRY_HEADER = (ItemId.Expiry << 16) | EXPIRY_LENGTH;
const PRIORITY_HEADER = (ItemId.Priority << 16) | PRIORITY_LENGTH;
/** Where, from the frame's end, the expiry and priority items start. */
const EXPIRY_ITEM_FROM_END = CANONICAL_TAIL - ITEM_HEADER_LENGTH - IDENTIFIER_LENGTH;
const PRIORITY_ITEM_FROM_END = ITEM_HEADER_LENGTH + PRIORITY_LENGTH;

/** `01 0020`: the token item's id and its only valid length, as the top 3 bytes of a word. */
const VALID_TOKEN_HEADER = (ItemId.Token << 16) | TOKEN_LENGTH;
const PAYLOAD_ITEM_AT = FRAME_HEADER_LENGTH + ITEM_HEADER_LENGTH + TOKEN_LENGTH;
const TAIL_FROM_PAYLOAD_ITEM = PAYLOAD_ITEM_AT + ITEM_HEADER_LENGTH;
const SMALLEST_FRAME = PAYLOAD_ITEM_AT + ITEM_HEADER_LENGTH + 1 + CANONICAL_TAIL;

/** How many frames the last `acceptableFrameRun` found. Reused to avoid allocating. */
export interface RunCount {
  count: number;
}

/**
 * End of the run of complete frames from `at` that are canonical (items 1-5 in order) AND that
 * Apple accepts (32-byte token, payload of 1 to `payloadLimit` bytes, priority 10 or 5); their
 * number goes in `found.count`. Stops at the first packet that is anything else, for the general
 * path to judge. One pass of 32-bit loads per frame, nothing allocated: the whole cost of
 * receiving a well-behaved stream.
 */
export function acceptableFrameRun(view: DataView, at: number, end: number, payloadLimit: number, found: RunCount): number {
  let count = 0;
  while (end - at >= SMALLEST_FRAME) {
    const frameEnd = at + FRAME_HEADER_LENGTH + view.getUint32(at + COMMAND_LENGTH);
    if (frameEnd > end || frameEnd - at < SMALLEST_FRAME) break;
    // With the token 32 bytes long, the payload item sits at a fixed place and its length says where the tail starts.
    const payloadItem = view.getUint32(at + PAYLOAD_ITEM_AT);
    const payloadLength = (payloadItem >>> HEADER_OF_WORD) & 0xffff;
    const priorityItem = view.getUint32(frameEnd - PRIORITY_ITEM_FROM_END);
    const priority = priorityItem & 0xff;
    // Everything compared at once, one branch instead of nine: it halves the time per frame. The
    // tail is read where it must be; a frame whose payload says otherwise fails on its length.
    const mismatch =
      (view.getUint8(at) ^ Command.Frame) |
      ((view.getUint32(at + FRAME_HEADER_LENGTH) >>> HEADER_OF_WORD) ^ VALID_TOKEN_HEADER) |
      ((payloadItem >>> 24) ^ ItemId.Payload) |
      ((at + TAIL_FROM_PAYLOAD_ITEM + payloadLength + CANONICAL_TAIL) ^ frameEnd) |
      ((view.getUint32(frameEnd - CANONICAL_TAIL) >>> HEADER_OF_WORD) ^ IDENTIFIER_HEADER) |
      ((view.getUint32(frameEnd - EXPIRY_ITEM_FROM_END) >>> HEADER_OF_WORD) ^ EXPIRY_HEADER) |
      ((priorityItem >>> HEADER_OF_WORD) ^ PRIORITY_HEADER) |
      // Zero only for priority 10 or 5.
      ((priority - Priority.Immediate) * (priority - Priority.PowerConserving));
    if (mismatch !== 0 || payloadLength === 0 || payloadLength > payloadLimit) break;
    count++;
    at = frameEnd;
  }
  found.count = count;
  return at;
}
