import { Parser } from 'binary-parser';
import { Command, ItemId } from './constants.js';

/*
 * binary-parser definitions of every packet. They only ever see bytes whose framing has been
 * checked first (binary-parser accepts overruns silently), and parse all complete packets of a
 * chunk in one call: its per-call cost is high, its per-record cost low.
 */

/*
 * Variable-length fields (token, payload) are recorded as offsets, not sliced: creating a Buffer
 * view costs more than parsing the rest of the frame, and most consumers only need a few of them.
 */

/** One command-2 item: offsets for token and payload, the value for the fixed-size items. */
export interface ItemRecord {
  itemId: number;
  length: number;
  /** Where the data starts (token and payload items). */
  at: number;
  /** The value (identifier, expiry and priority items). */
  value: number;
}

export interface FrameRecord {
  command: typeof Command.Frame;
  body: { frameLength: number; items: ItemRecord[] };
}

export interface TokenAndPayloadRecord {
  command: typeof Command.Enhanced | typeof Command.Simple;
  body: { id?: number; expiry?: number; tokenLength: number; tokenAt: number; payloadLength: number; payloadAt: number };
}

export type NotificationRecord = FrameRecord | TokenAndPayloadRecord;

const offsetAndSkip = (): Parser => new Parser().saveOffset('at').seek('length');

const item = new Parser()
  .endianness('big')
  .uint8('itemId')
  .uint16('length')
  .choice('', {
    tag: 'itemId',
    choices: {
      [ItemId.Token]: offsetAndSkip(),
      [ItemId.Payload]: offsetAndSkip(),
      [ItemId.Identifier]: new Parser().endianness('big').uint32('value'),
      [ItemId.Expiry]: new Parser().endianness('big').uint32('value'),
      [ItemId.Priority]: new Parser().uint8('value'),
    },
  });

const frameBody = new Parser()
  .endianness('big')
  .uint32('frameLength')
  .array('items', { type: item, lengthInBytes: 'frameLength' });

const tokenAndPayload = (parser: Parser): Parser =>
  parser
    .uint16('tokenLength')
    .saveOffset('tokenAt')
    .seek('tokenLength')
    .uint16('payloadLength')
    .saveOffset('payloadAt')
    .seek('payloadLength');

const simpleBody = tokenAndPayload(new Parser().endianness('big'));
const enhancedBody = tokenAndPayload(new Parser().endianness('big').uint32('id').uint32('expiry'));

const notificationPacket = new Parser()
  .endianness('big')
  .uint8('command')
  .choice('body', {
    tag: 'command',
    choices: { [Command.Simple]: simpleBody, [Command.Enhanced]: enhancedBody, [Command.Frame]: frameBody },
  });

const notificationStream = new Parser().array('packets', { type: notificationPacket, readUntil: 'eof' });

/** Items 1-5 in order, as nearly every client writes them: parsed flat, with no item objects. */
export interface CanonicalFrameRecord {
  frameLength: number;
  tokenLength: number;
  tokenAt: number;
  payloadLength: number;
  payloadAt: number;
  id: number;
  expiry: number;
  priority: number;
}

const canonicalFrame = new Parser()
  .endianness('big')
  .seek(1) // command byte, known to be 2
  .uint32('frameLength')
  .seek(1)
  .uint16('tokenLength')
  .saveOffset('tokenAt')
  .seek('tokenLength')
  .seek(1)
  .uint16('payloadLength')
  .saveOffset('payloadAt')
  .seek('payloadLength')
  .seek(3)
  .uint32('id')
  .seek(3)
  .uint32('expiry')
  .seek(3)
  .uint8('priority');

const canonicalFrameStream = new Parser().array('frames', { type: canonicalFrame, readUntil: 'eof' });

/** Parses a run of complete frames known to be in canonical layout; offsets are relative to `bytes`. */
export function parseCanonicalFrames(bytes: Buffer): CanonicalFrameRecord[] {
  return (canonicalFrameStream.parse(bytes) as { frames: CanonicalFrameRecord[] }).frames;
}

/** Parses a run of complete, framing-checked packets; offsets are relative to `bytes`. */
export function parseNotificationPackets(bytes: Buffer): NotificationRecord[] {
  return (notificationStream.parse(bytes) as { packets: NotificationRecord[] }).packets;
}

export interface ErrorResponseRecord {
  command: number;
  status: number;
  id: number;
}

const errorResponse = new Parser().endianness('big').uint8('command').uint8('status').uint32('id');
const errorResponseStream = new Parser().array('packets', { type: errorResponse, readUntil: 'eof' });

/** Parses a run of whole 6-byte error response packets. */
export function parseErrorResponses(bytes: Buffer): ErrorResponseRecord[] {
  return (errorResponseStream.parse(bytes) as { packets: ErrorResponseRecord[] }).packets;
}

export interface FeedbackRecord {
  timestamp: number;
  tokenLength: number;
  token: Buffer;
}

const feedbackTuple = new Parser()
  .endianness('big')
  .uint32('timestamp')
  .uint16('tokenLength')
  .buffer('token', { length: 'tokenLength' });
const feedbackStream = new Parser().array('tuples', { type: feedbackTuple, readUntil: 'eof' });

/** Parses a run of complete feedback tuples. */
export function parseFeedbackTuples(bytes: Buffer): FeedbackRecord[] {
  return (feedbackStream.parse(bytes) as { tuples: FeedbackRecord[] }).tuples;
}
