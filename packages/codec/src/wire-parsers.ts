import { Parser } from 'binary-parser';
import { COMMAND_LENGTH, Command, ItemId, U16_LENGTH, U8_LENGTH } from './constants.js';
import { itemOrder, type Layout } from './framing.js';

/*
 * binary-parser definitions of every packet. They only ever see bytes whose framing has been
 * checked first (binary-parser accepts overruns silently), and parse all complete packets of a
 * chunk in one call: its per-call cost is high, its per-record cost low.
 */

/*
 * Variable-length fields (token, payload) are recorded as offsets, not sliced: creating a Buffer
 * view costs more than parsing the rest of the frame, and most consumers only need a few of them.
 */

/** Command 0 or 1. */
export interface TokenAndPayloadRecord {
  command: typeof Command.Enhanced | typeof Command.Simple;
  body: { id?: number; expiry?: number; tokenLength: number; tokenAt: number; payloadLength: number; payloadAt: number };
}

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

const tokenAndPayloadPacket = new Parser()
  .endianness('big')
  .uint8('command')
  .choice('body', { tag: 'command', choices: { [Command.Simple]: simpleBody, [Command.Enhanced]: enhancedBody } });

const tokenAndPayloadStream = new Parser().array('packets', { type: tokenAndPayloadPacket, readUntil: 'eof' });

/** Parses a run of complete commands 0 and 1; offsets are relative to `bytes`. */
export function parseTokenAndPayloadPackets(bytes: Buffer): TokenAndPayloadRecord[] {
  return (tokenAndPayloadStream.parse(bytes) as { packets: TokenAndPayloadRecord[] }).packets;
}

/** A command-2 frame parsed flat, with no item objects; items the frame lacks stay undefined. */
export interface FlatFrameRecord {
  frameLength: number;
  tokenLength?: number;
  tokenAt?: number;
  payloadLength?: number;
  payloadAt?: number;
  id?: number;
  expiry?: number;
  priority?: number;
}

/** A flat parser for frames whose items come in `order` (framing has checked ids and fixed sizes, so their lengths are skipped). */
function flatFrameParser(order: readonly number[]): Parser {
  let parser = new Parser().endianness('big').seek(COMMAND_LENGTH).uint32('frameLength'); // command byte, known to be 2
  for (const itemId of order) {
    parser = parser.seek(U8_LENGTH); // item id
    switch (itemId) {
      case ItemId.Token:
        parser = parser.uint16('tokenLength').saveOffset('tokenAt').seek('tokenLength');
        break;
      case ItemId.Payload:
        parser = parser.uint16('payloadLength').saveOffset('payloadAt').seek('payloadLength');
        break;
      case ItemId.Identifier:
        parser = parser.seek(U16_LENGTH).uint32('id');
        break;
      case ItemId.Expiry:
        parser = parser.seek(U16_LENGTH).uint32('expiry');
        break;
      default:
        parser = parser.seek(U16_LENGTH).uint8('priority');
    }
  }
  return parser;
}

/**
 * One compiled stream parser per frame layout, made when first seen: item order does not vary
 * in practice, and there are only 326 layouts, so the cache stays small even against garbage.
 */
const flatFrameStreams = new Map<Layout, Parser>();

/** Parses a run of complete frames that all have `layout`; offsets are relative to `bytes`. */
export function parseFlatFrames(layout: Layout, bytes: Buffer): FlatFrameRecord[] {
  let stream = flatFrameStreams.get(layout);
  if (!stream) {
    stream = new Parser().array('frames', { type: flatFrameParser(itemOrder(layout)), readUntil: 'eof' });
    flatFrameStreams.set(layout, stream);
  }
  return (stream.parse(bytes) as { frames: FlatFrameRecord[] }).frames;
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
