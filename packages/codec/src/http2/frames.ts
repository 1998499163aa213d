/**
 * HTTP/2 framing (RFC 9113 section 4 and 6): frame types, flags, settings, error codes, builders
 * for the control frames a client sends, readers for the payloads it receives, and a streaming
 * frame reader. Pure: bytes in, values out. Every malformed frame throws Http2FrameError carrying
 * the HTTP/2 error code the connection must close with.
 */
import { ApnsCodecError } from '../errors.js';

export const FRAME_HEADER_LENGTH = 9;
/** RFC 9113 3.4: what a client sends first. */
export const CONNECTION_PREFACE = 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n';
export const DEFAULT_MAX_FRAME_SIZE = 16_384;
export const LARGEST_MAX_FRAME_SIZE = 16_777_215;
export const DEFAULT_INITIAL_WINDOW_SIZE = 65_535;
export const MAX_WINDOW_SIZE = 2 ** 31 - 1;
export const MAX_STREAM_ID = 2 ** 31 - 1;
export const PING_PAYLOAD_LENGTH = 8;

export const FrameType = Object.freeze({
  Data: 0x0,
  Headers: 0x1,
  Priority: 0x2,
  RstStream: 0x3,
  Settings: 0x4,
  PushPromise: 0x5,
  Ping: 0x6,
  Goaway: 0x7,
  WindowUpdate: 0x8,
  Continuation: 0x9,
} as const);

export const FrameFlag = Object.freeze({
  EndStream: 0x1,
  Ack: 0x1,
  EndHeaders: 0x4,
  Padded: 0x8,
  Priority: 0x20,
} as const);

export const SettingId = Object.freeze({
  HeaderTableSize: 0x1,
  EnablePush: 0x2,
  MaxConcurrentStreams: 0x3,
  InitialWindowSize: 0x4,
  MaxFrameSize: 0x5,
  MaxHeaderListSize: 0x6,
} as const);

export const Http2ErrorCode = Object.freeze({
  NoError: 0x0,
  ProtocolError: 0x1,
  InternalError: 0x2,
  FlowControlError: 0x3,
  SettingsTimeout: 0x4,
  StreamClosed: 0x5,
  FrameSizeError: 0x6,
  RefusedStream: 0x7,
  Cancel: 0x8,
  CompressionError: 0x9,
  ConnectError: 0xa,
  EnhanceYourCalm: 0xb,
  InadequateSecurity: 0xc,
  Http11Required: 0xd,
} as const);

const SETTING_LENGTH = 6;
const PRIORITY_FIELDS_LENGTH = 5;
const RST_STREAM_LENGTH = 4;
const WINDOW_UPDATE_LENGTH = 4;
const GOAWAY_FIXED_LENGTH = 8;
const STREAM_ID_MASK = 0x7fffffff;

/** A frame the peer got wrong; `errorCode` is what the connection closes with (GOAWAY). */
export class Http2FrameError extends ApnsCodecError {
  constructor(
    readonly errorCode: number,
    message: string,
  ) {
    super('APNS_ERR_HTTP2_FRAME', message);
    this.name = 'Http2FrameError';
  }
}

/** Writes a 9-octet frame header at `offset`; returns the offset after it. */
export function writeFrameHeader(target: Uint8Array, offset: number, length: number, type: number, flags: number, streamId: number): number {
  target[offset] = (length >>> 16) & 0xff;
  target[offset + 1] = (length >>> 8) & 0xff;
  target[offset + 2] = length & 0xff;
  target[offset + 3] = type;
  target[offset + 4] = flags;
  target[offset + 5] = (streamId >>> 24) & 0x7f;
  target[offset + 6] = (streamId >>> 16) & 0xff;
  target[offset + 7] = (streamId >>> 8) & 0xff;
  target[offset + 8] = streamId & 0xff;
  return offset + FRAME_HEADER_LENGTH;
}

function frame(type: number, flags: number, streamId: number, payloadLength: number): Buffer {
  const bytes = Buffer.alloc(FRAME_HEADER_LENGTH + payloadLength);
  writeFrameHeader(bytes, 0, payloadLength, type, flags, streamId);
  return bytes;
}

/** A SETTINGS frame with `settings` as [id, value] pairs. */
export function settingsFrame(settings: readonly (readonly [id: number, value: number])[]): Buffer {
  const bytes = frame(FrameType.Settings, 0, 0, settings.length * SETTING_LENGTH);
  settings.forEach(([id, value], index) => {
    const at = FRAME_HEADER_LENGTH + index * SETTING_LENGTH;
    bytes.writeUInt16BE(id, at);
    bytes.writeUInt32BE(value, at + 2);
  });
  return bytes;
}

export function settingsAckFrame(): Buffer {
  return frame(FrameType.Settings, FrameFlag.Ack, 0, 0);
}

export function pingFrame(opaqueData: Uint8Array, ack: boolean): Buffer {
  const bytes = frame(FrameType.Ping, ack ? FrameFlag.Ack : 0, 0, PING_PAYLOAD_LENGTH);
  bytes.set(opaqueData.subarray(0, PING_PAYLOAD_LENGTH), FRAME_HEADER_LENGTH);
  return bytes;
}

export function windowUpdateFrame(streamId: number, increment: number): Buffer {
  const bytes = frame(FrameType.WindowUpdate, 0, streamId, WINDOW_UPDATE_LENGTH);
  bytes.writeUInt32BE(increment & STREAM_ID_MASK, FRAME_HEADER_LENGTH);
  return bytes;
}

export function rstStreamFrame(streamId: number, errorCode: number): Buffer {
  const bytes = frame(FrameType.RstStream, 0, streamId, RST_STREAM_LENGTH);
  bytes.writeUInt32BE(errorCode, FRAME_HEADER_LENGTH);
  return bytes;
}

export function goawayFrame(lastStreamId: number, errorCode: number, debugData: Uint8Array = new Uint8Array(0)): Buffer {
  const bytes = frame(FrameType.Goaway, 0, 0, GOAWAY_FIXED_LENGTH + debugData.length);
  bytes.writeUInt32BE(lastStreamId & STREAM_ID_MASK, FRAME_HEADER_LENGTH);
  bytes.writeUInt32BE(errorCode, FRAME_HEADER_LENGTH + 4);
  bytes.set(debugData, FRAME_HEADER_LENGTH + GOAWAY_FIXED_LENGTH);
  return bytes;
}

function uint32(payload: Uint8Array, at: number): number {
  return ((payload[at]! << 24) | (payload[at + 1]! << 16) | (payload[at + 2]! << 8) | payload[at + 3]!) >>> 0;
}

/** SETTINGS payload as [id, value, id, value, ...]. */
export function readSettings(payload: Uint8Array): number[] {
  if (payload.length % SETTING_LENGTH !== 0) throw new Http2FrameError(Http2ErrorCode.FrameSizeError, `SETTINGS payload of ${payload.length} octets is not a multiple of 6`);
  const settings: number[] = [];
  for (let at = 0; at < payload.length; at += SETTING_LENGTH) settings.push((payload[at]! << 8) | payload[at + 1]!, uint32(payload, at + 2));
  return settings;
}

export interface Goaway {
  readonly lastStreamId: number;
  readonly errorCode: number;
  readonly debugData: Uint8Array;
}

export function readGoaway(payload: Uint8Array): Goaway {
  if (payload.length < GOAWAY_FIXED_LENGTH) throw new Http2FrameError(Http2ErrorCode.FrameSizeError, `GOAWAY payload of ${payload.length} octets is shorter than 8`);
  return { lastStreamId: uint32(payload, 0) & STREAM_ID_MASK, errorCode: uint32(payload, 4), debugData: payload.subarray(GOAWAY_FIXED_LENGTH) };
}

export function readRstStream(payload: Uint8Array): number {
  if (payload.length !== RST_STREAM_LENGTH) throw new Http2FrameError(Http2ErrorCode.FrameSizeError, `RST_STREAM payload of ${payload.length} octets, not 4`);
  return uint32(payload, 0);
}

/** A WINDOW_UPDATE's increment (a zero increment is the caller's PROTOCOL_ERROR to judge per stream). */
export function readWindowUpdate(payload: Uint8Array): number {
  if (payload.length !== WINDOW_UPDATE_LENGTH) throw new Http2FrameError(Http2ErrorCode.FrameSizeError, `WINDOW_UPDATE payload of ${payload.length} octets, not 4`);
  return uint32(payload, 0) & STREAM_ID_MASK;
}

/**
 * The content of a DATA or HEADERS payload without its padding and (HEADERS) priority fields.
 * RFC 9113 6.1, 6.2: padding that covers the whole payload is a PROTOCOL_ERROR.
 */
export function framePayloadContent(type: number, flags: number, payload: Uint8Array): Uint8Array {
  let start = 0;
  let end = payload.length;
  if (flags & FrameFlag.Padded) {
    if (payload.length < 1) throw new Http2FrameError(Http2ErrorCode.FrameSizeError, 'a padded frame without its pad length');
    end -= payload[0]!;
    start = 1;
  }
  if (type === FrameType.Headers && flags & FrameFlag.Priority) start += PRIORITY_FIELDS_LENGTH;
  if (start > end) throw new Http2FrameError(Http2ErrorCode.ProtocolError, 'padding or priority fields longer than the frame');
  return start === 0 && end === payload.length ? payload : payload.subarray(start, end);
}

export type FrameHandler = (type: number, flags: number, streamId: number, payload: Uint8Array) => void;

/**
 * Splits a byte stream into frames. A frame longer than `maxFrameSize` (the SETTINGS_MAX_FRAME_SIZE
 * we announced) is a FRAME_SIZE_ERROR at once, so at most one frame is ever buffered. Payloads are
 * views into the received chunks: copy what must outlive the handler call.
 */
export class FrameReader {
  /** Received octets of a frame not yet whole, kept as they came. */
  private parts: Uint8Array[] = [];
  private partsLength = 0;
  /** Octets needed before the parts are worth joining: a frame header, then the whole frame. */
  private needed = FRAME_HEADER_LENGTH;

  constructor(readonly maxFrameSize = DEFAULT_MAX_FRAME_SIZE) {}

  /** Octets held waiting for the rest of a frame. */
  get buffered(): number {
    return this.partsLength;
  }

  push(chunk: Uint8Array, onFrame: FrameHandler): void {
    let bytes = chunk;
    if (this.partsLength > 0) {
      // Copied: the caller's chunk is not ours to keep.
      this.parts.push(chunk.slice());
      this.partsLength += chunk.length;
      // A frame trickling in a few octets at a time is joined once, not once per chunk.
      if (this.partsLength < this.needed) return;
      bytes = join(this.parts, this.partsLength);
      this.parts = [];
      this.partsLength = 0;
    }
    let offset = 0;
    this.needed = FRAME_HEADER_LENGTH;
    while (bytes.length - offset >= FRAME_HEADER_LENGTH) {
      const length = (bytes[offset]! << 16) | (bytes[offset + 1]! << 8) | bytes[offset + 2]!;
      if (length > this.maxFrameSize) throw new Http2FrameError(Http2ErrorCode.FrameSizeError, `a frame of ${length} octets exceeds our SETTINGS_MAX_FRAME_SIZE ${this.maxFrameSize}`);
      const end = offset + FRAME_HEADER_LENGTH + length;
      if (end > bytes.length) {
        this.needed = FRAME_HEADER_LENGTH + length;
        break;
      }
      const streamId = uint32(bytes, offset + 5) & STREAM_ID_MASK;
      onFrame(bytes[offset + 3]!, bytes[offset + 4]!, streamId, bytes.subarray(offset + FRAME_HEADER_LENGTH, end));
      offset = end;
    }
    if (offset < bytes.length) {
      // Copy the tail: the chunk it came from is not ours to keep.
      this.parts = [bytes.slice(offset)];
      this.partsLength = bytes.length - offset;
    }
  }
}

function join(parts: readonly Uint8Array[], length: number): Uint8Array {
  const joined = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    joined.set(part, offset);
    offset += part.length;
  }
  return joined;
}
