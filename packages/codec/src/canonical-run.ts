import { COMMAND_LENGTH, Command, FRAME_HEADER_LENGTH, ITEM_HEADER_LENGTH, ItemId, Priority, TOKEN_LENGTH } from './constants.js';
import {
  CANONICAL_TAIL,
  EXPIRY_HEADER,
  EXPIRY_ITEM_FROM_END,
  HEADER_OF_WORD,
  IDENTIFIER_HEADER,
  PRIORITY_HEADER,
  PRIORITY_ITEM_FROM_END,
} from './framing.js';

/** `01 0020`: the token item's id and its only valid length, as the top 3 bytes of a word. */
const VALID_TOKEN_HEADER = (ItemId.Token << 16) | TOKEN_LENGTH;
const PAYLOAD_ITEM_AT = FRAME_HEADER_LENGTH + ITEM_HEADER_LENGTH + TOKEN_LENGTH;
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
  while (end - at >= SMALLEST_FRAME && view.getUint8(at) === Command.Frame) {
    const frameEnd = at + FRAME_HEADER_LENGTH + view.getUint32(at + COMMAND_LENGTH);
    if (frameEnd > end || view.getUint32(at + FRAME_HEADER_LENGTH) >>> HEADER_OF_WORD !== VALID_TOKEN_HEADER) break;
    const payloadItem = view.getUint32(at + PAYLOAD_ITEM_AT);
    const payloadLength = (payloadItem >>> HEADER_OF_WORD) & 0xffff;
    if (payloadItem >>> 24 !== ItemId.Payload || payloadLength === 0 || payloadLength > payloadLimit) break;
    const tailAt = at + PAYLOAD_ITEM_AT + ITEM_HEADER_LENGTH + payloadLength;
    if (tailAt + CANONICAL_TAIL !== frameEnd) break;
    const priorityItem = view.getUint32(frameEnd - PRIORITY_ITEM_FROM_END);
    const priority = priorityItem & 0xff;
    if (
      view.getUint32(tailAt) >>> HEADER_OF_WORD !== IDENTIFIER_HEADER ||
      view.getUint32(frameEnd - EXPIRY_ITEM_FROM_END) >>> HEADER_OF_WORD !== EXPIRY_HEADER ||
      priorityItem >>> HEADER_OF_WORD !== PRIORITY_HEADER ||
      (priority !== Priority.Immediate && priority !== Priority.PowerConserving)
    ) {
      break;
    }
    count++;
    at = frameEnd;
  }
  found.count = count;
  return at;
}
