/**
 * A client HTTP/2 session written straight onto a TLS socket (RFC 9113): the preface and our
 * SETTINGS, requests as HEADERS (+ CONTINUATION) and DATA in batched writes, send flow control
 * (connection and stream windows, INITIAL_WINDOW_SIZE changes, MAX_FRAME_SIZE), our receive window
 * replenished, PING both ways, GOAWAY, RST_STREAM, padded and prioritised frames, unknown frames
 * ignored. Memory stays bounded: one frame of at most our MAX_FRAME_SIZE is buffered, a header
 * block of at most MAX_HEADER_BLOCK_BYTES. Any protocol error from the peer closes the session
 * with GOAWAY and reports the error at close; the layer above treats it as a lost connection.
 */
import type { Duplex } from 'node:stream';
import {
  CONNECTION_PREFACE,
  DEFAULT_INITIAL_WINDOW_SIZE,
  DEFAULT_MAX_FRAME_SIZE,
  FRAME_HEADER_LENGTH,
  FrameFlag,
  FrameReader,
  FrameType,
  HpackDecoder,
  HpackError,
  Http2ErrorCode,
  Http2FrameError,
  LARGEST_MAX_FRAME_SIZE,
  MAX_STREAM_ID,
  PING_PAYLOAD_LENGTH,
  SettingId,
  framePayloadContent,
  goawayFrame,
  pingFrame,
  readGoaway,
  readRstStream,
  readSettings,
  readWindowUpdate,
  rstStreamFrame,
  settingsAckFrame,
  settingsFrame,
  windowUpdateFrame,
  writeFrameHeader,
} from '@apnskit/codec/http2';
import { ApnsCodecError } from '@apnskit/codec';
import { ApnsClientError } from '../../errors.js';
import { OutputBatch } from './output-batch.js';
import { SendFlow } from './send-flow.js';

/** Our receive windows: large, so answers never wait on WINDOW_UPDATE. */
const RECEIVE_STREAM_WINDOW = 1 << 20;
const RECEIVE_CONNECTION_WINDOW = 1 << 24;
/** The HPACK table the peer may use, and the header list we accept (both announced in SETTINGS). */
const HEADER_TABLE_SIZE = 4096;
const MAX_HEADER_LIST_SIZE = 16_384;
/** A header block (HEADERS + CONTINUATION) larger than this ends the connection: APNs' are ~100 octets. */
export const MAX_HEADER_BLOCK_BYTES = 64 * 1024;
/** Octets written and not yet taken by the peer, beyond which it is not reading: the session ends (our own requests stay far below). */
export const MAX_UNSENT_BYTES = 32 * 1024 * 1024;
/** After our GOAWAY (a close or a protocol error), the socket is destroyed if the peer has not closed it by then. */
const CLOSE_GRACE_MS = 1000;
const PRIORITY_PAYLOAD_LENGTH = 5;
/** An absent SETTINGS_MAX_CONCURRENT_STREAMS means no limit. */
const UNLIMITED = Number.MAX_SAFE_INTEGER;

export interface SessionListener {
  /** The peer's SETTINGS were applied (`first`: the session is now usable). */
  settings(first: boolean, maxConcurrentStreams: number): void;
  headers(streamId: number, fields: string[], endStream: boolean): void;
  /** `payload` is a view: copy what must outlive the call. */
  data(streamId: number, payload: Uint8Array, endStream: boolean): void;
  reset(streamId: number, errorCode: number): void;
  goaway(lastStreamId: number, errorCode: number, debugData: Uint8Array): void;
  pingAnswered(): void;
  closed(error: Error | undefined): void;
}

/** Writes a prepared header block into a buffer (the request encoder). */
export interface HeaderBlockSource {
  writeBlock(target: Buffer, offset: number): number;
}

export class DirectSession {
  private readonly reader = new FrameReader(DEFAULT_MAX_FRAME_SIZE);
  private readonly decoder = new HpackDecoder(HEADER_TABLE_SIZE, MAX_HEADER_LIST_SIZE);
  private readonly output: OutputBatch;
  private nextStreamId = 1;
  private peerSettingsSeen = false;
  private peerMaxFrameSize = DEFAULT_MAX_FRAME_SIZE;
  private peerMaxStreams = UNLIMITED;
  private readonly flow: SendFlow;
  private receiveConsumed = 0;
  private blockStreamId = 0;
  private blockParts: Buffer[] = [];
  private blockLength = 0;
  private blockEndStream = false;
  /** Set once we sent GOAWAY or the peer did: no new streams. */
  private ending = false;
  private failed = false;
  private closing = false;
  private closeTimer: NodeJS.Timeout | undefined;
  private error: Error | undefined;

  constructor(
    private readonly socket: Duplex,
    private readonly listener: SessionListener,
    maxUnsentBytes = MAX_UNSENT_BYTES,
  ) {
    this.output = new OutputBatch((bytes) => {
      if (socket.destroyed) return;
      socket.write(bytes);
      // A peer that sends (PINGs, SETTINGS) but never reads our answers must not grow our memory.
      if (socket.writableLength > maxUnsentBytes) {
        this.destroy(new ApnsClientError('APNS_ERR_HTTP2_PROTOCOL', `the server stopped reading: over ${maxUnsentBytes} octets unsent`));
      }
    });
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('error', (error: Error) => {
      this.error ??= error;
    });
    socket.on('close', () => {
      clearTimeout(this.closeTimer);
      listener.closed(this.error);
    });
    this.flow = new SendFlow(this.output);
    this.output.append(Buffer.from(CONNECTION_PREFACE, 'latin1'));
    this.output.append(
      settingsFrame([
        [SettingId.HeaderTableSize, HEADER_TABLE_SIZE],
        [SettingId.EnablePush, 0],
        [SettingId.InitialWindowSize, RECEIVE_STREAM_WINDOW],
        [SettingId.MaxHeaderListSize, MAX_HEADER_LIST_SIZE],
      ]),
    );
    this.output.append(windowUpdateFrame(0, RECEIVE_CONNECTION_WINDOW - DEFAULT_INITIAL_WINDOW_SIZE));
  }

  /** Whether a new stream may open (not ending, stream ids left). */
  get open(): boolean {
    return !this.ending && !this.socket.destroyed && this.nextStreamId <= MAX_STREAM_ID;
  }

  /** Opens a stream: HEADERS with the block of `source` (`blockLength` octets), then `body` as DATA with END_STREAM. Returns its id, 0 when none can open. */
  request(source: HeaderBlockSource, blockLength: number, body: Uint8Array): number {
    if (!this.open) return 0;
    const streamId = this.nextStreamId;
    this.nextStreamId += 2;
    if (blockLength <= this.peerMaxFrameSize) {
      const target = this.output.reserve(FRAME_HEADER_LENGTH + blockLength);
      const start = this.output.offset;
      const end = source.writeBlock(target, writeFrameHeader(target, start, blockLength, FrameType.Headers, FrameFlag.EndHeaders, streamId));
      this.output.commit(end - start);
    } else {
      this.writeSplitBlock(source, blockLength, streamId);
    }
    this.flow.send(streamId, body);
    return streamId;
  }

  /** Cancels a stream we gave up on (RST_STREAM CANCEL). */
  cancel(streamId: number): void {
    this.flow.drop(streamId);
    if (!this.socket.destroyed) this.output.append(rstStreamFrame(streamId, Http2ErrorCode.Cancel));
  }

  ping(): void {
    if (!this.socket.destroyed) this.output.append(pingFrame(new Uint8Array(PING_PAYLOAD_LENGTH), false));
  }

  /** A clean close: GOAWAY (NO_ERROR), then the socket ends. Once. */
  close(): void {
    if (this.closing || this.socket.destroyed) return;
    this.closing = true;
    this.ending = true;
    this.output.append(goawayFrame(0, Http2ErrorCode.NoError));
    this.endSocket();
  }

  destroy(error?: Error): void {
    this.error ??= error;
    this.socket.destroy();
  }

  private writeSplitBlock(source: HeaderBlockSource, blockLength: number, streamId: number): void {
    const block = Buffer.allocUnsafe(blockLength);
    source.writeBlock(block, 0);
    for (let offset = 0; offset < blockLength; offset += this.peerMaxFrameSize) {
      const length = Math.min(this.peerMaxFrameSize, blockLength - offset);
      const type = offset === 0 ? FrameType.Headers : FrameType.Continuation;
      const flags = offset + length === blockLength ? FrameFlag.EndHeaders : 0;
      const target = this.output.reserve(FRAME_HEADER_LENGTH + length);
      const start = this.output.offset;
      writeFrameHeader(target, start, length, type, flags, streamId);
      block.copy(target, start + FRAME_HEADER_LENGTH, offset, offset + length);
      this.output.commit(FRAME_HEADER_LENGTH + length);
    }
  }

  /**
   * The server answered before our body was all sent (an early 413, say): the rest would be DATA on
   * a closed stream, which servers count against the connection. Cancel the stream instead.
   */
  private remoteEnded(streamId: number): void {
    if (this.flow.drop(streamId)) this.output.append(rstStreamFrame(streamId, Http2ErrorCode.Cancel));
  }

  private receive(chunk: Buffer): void {
    if (this.failed) return;
    try {
      this.reader.push(chunk, this.onFrame);
    } catch (error) {
      this.fail(error as Error);
      // Not the server's fault (a throwing event handler above us): the connection could not go on
      // mid-frame, and the error surfaces as any throwing listener's would.
      if (!(error instanceof ApnsCodecError)) throw error;
    }
  }

  private readonly onFrame = (type: number, flags: number, streamId: number, payload: Uint8Array): void => {
    if (this.failed) return;
    if (!this.peerSettingsSeen && type !== FrameType.Settings) throw protocolError('the server did not start with SETTINGS');
    if (this.blockStreamId !== 0 && type !== FrameType.Continuation) throw protocolError(`a frame of type ${type} inside a header block (CONTINUATION expected)`);
    switch (type) {
      case FrameType.Data:
        return this.onData(flags, streamId, payload);
      case FrameType.Headers:
        return this.onHeaders(flags, streamId, payload);
      case FrameType.Continuation:
        return this.onContinuation(flags, streamId, payload);
      case FrameType.Priority:
        if (payload.length !== PRIORITY_PAYLOAD_LENGTH) throw new Http2FrameError(Http2ErrorCode.FrameSizeError, `PRIORITY of ${payload.length} octets, not 5`);
        return;
      case FrameType.RstStream:
        if (streamId === 0) throw protocolError('RST_STREAM on stream 0');
        this.flow.drop(streamId);
        return this.listener.reset(streamId, readRstStream(payload));
      case FrameType.Settings:
        return this.onSettings(flags, streamId, payload);
      case FrameType.PushPromise:
        throw protocolError('PUSH_PROMISE although we disabled push');
      case FrameType.Ping:
        return this.onPing(flags, streamId, payload);
      case FrameType.Goaway: {
        if (streamId !== 0) throw protocolError('GOAWAY on a stream');
        const goaway = readGoaway(payload);
        this.ending = true;
        return this.listener.goaway(goaway.lastStreamId, goaway.errorCode, goaway.debugData);
      }
      case FrameType.WindowUpdate:
        return this.onWindowUpdate(streamId, payload);
      default:
      // RFC 9113 4.1: unknown frame types are ignored.
    }
  };

  private onData(flags: number, streamId: number, payload: Uint8Array): void {
    if (streamId === 0) throw protocolError('DATA on stream 0');
    this.checkOurStream(streamId, 'DATA');
    // Flow control counts the whole payload, padding included. Everything consumed is granted back
    // at half the window (bodies past MAX_BODY_BYTES are dropped, so reading never waits), which also
    // means no frame (16 KiB at most) can overrun it.
    this.receiveConsumed += payload.length;
    if (this.receiveConsumed >= RECEIVE_CONNECTION_WINDOW / 2) {
      this.output.append(windowUpdateFrame(0, this.receiveConsumed));
      this.receiveConsumed = 0;
    }
    const endStream = (flags & FrameFlag.EndStream) !== 0;
    if (endStream) this.remoteEnded(streamId);
    this.listener.data(streamId, framePayloadContent(FrameType.Data, flags, payload), endStream);
  }

  private onHeaders(flags: number, streamId: number, payload: Uint8Array): void {
    if (streamId === 0) throw protocolError('HEADERS on stream 0');
    const content = framePayloadContent(FrameType.Headers, flags, payload);
    const endStream = (flags & FrameFlag.EndStream) !== 0;
    if (flags & FrameFlag.EndHeaders) return this.headerBlock(streamId, content, endStream);
    this.blockStreamId = streamId;
    this.blockEndStream = endStream;
    this.blockParts = [];
    this.blockLength = 0;
    this.addBlockPart(content);
  }

  private onContinuation(flags: number, streamId: number, payload: Uint8Array): void {
    if (this.blockStreamId === 0 || streamId !== this.blockStreamId) throw protocolError('CONTINUATION without the HEADERS it continues');
    this.addBlockPart(payload);
    if ((flags & FrameFlag.EndHeaders) === 0) return;
    const block = Buffer.concat(this.blockParts, this.blockLength);
    this.blockStreamId = 0;
    this.blockParts = [];
    this.headerBlock(streamId, block, this.blockEndStream);
  }

  private addBlockPart(part: Uint8Array): void {
    this.blockLength += part.length;
    if (this.blockLength > MAX_HEADER_BLOCK_BYTES) throw new Http2FrameError(Http2ErrorCode.EnhanceYourCalm, `a header block over ${MAX_HEADER_BLOCK_BYTES} octets`);
    this.blockParts.push(Buffer.from(part));
  }

  private headerBlock(streamId: number, block: Uint8Array, endStream: boolean): void {
    // Decoded whatever the stream, so the HPACK tables stay in step.
    const fields = this.decoder.decode(block);
    this.checkOurStream(streamId, 'HEADERS');
    if (endStream) this.remoteEnded(streamId);
    this.listener.headers(streamId, fields, endStream);
  }

  /** The server may only answer streams we opened (odd ids, push disabled). */
  private checkOurStream(streamId: number, what: string): void {
    if (streamId % 2 === 0 || streamId >= this.nextStreamId) throw protocolError(`${what} on stream ${streamId}, which we never opened`);
  }

  private onSettings(flags: number, streamId: number, payload: Uint8Array): void {
    if (streamId !== 0) throw protocolError('SETTINGS on a stream');
    if (flags & FrameFlag.Ack) {
      if (payload.length !== 0) throw new Http2FrameError(Http2ErrorCode.FrameSizeError, 'SETTINGS ACK with a payload');
      return;
    }
    const settings = readSettings(payload);
    let maxConcurrentStreams: number | undefined;
    for (let index = 0; index < settings.length; index += 2) {
      const value = settings[index + 1]!;
      switch (settings[index]) {
        case SettingId.EnablePush:
          if (value !== 0) throw protocolError('a server may not enable push');
          break;
        case SettingId.MaxConcurrentStreams:
          maxConcurrentStreams = value;
          break;
        case SettingId.InitialWindowSize:
          this.flow.initialWindowChanged(value);
          break;
        case SettingId.MaxFrameSize:
          if (value < DEFAULT_MAX_FRAME_SIZE || value > LARGEST_MAX_FRAME_SIZE) throw protocolError(`SETTINGS_MAX_FRAME_SIZE ${value} out of range`);
          this.peerMaxFrameSize = value;
          this.flow.maxFrameSize = value;
          break;
        default:
        // HEADER_TABLE_SIZE: our encoder never uses the dynamic table. Unknown settings are ignored.
      }
    }
    // ACK first: DATA a larger window lets out comes after the server knows we apply it.
    this.output.append(settingsAckFrame());
    this.flow.sendPending();
    const first = !this.peerSettingsSeen;
    this.peerSettingsSeen = true;
    if (maxConcurrentStreams !== undefined) this.peerMaxStreams = maxConcurrentStreams;
    this.listener.settings(first, this.peerMaxStreams);
  }


  private onPing(flags: number, streamId: number, payload: Uint8Array): void {
    if (streamId !== 0) throw protocolError('PING on a stream');
    if (payload.length !== PING_PAYLOAD_LENGTH) throw new Http2FrameError(Http2ErrorCode.FrameSizeError, `PING of ${payload.length} octets, not 8`);
    if (flags & FrameFlag.Ack) return this.listener.pingAnswered();
    this.output.append(pingFrame(payload, true));
  }

  private onWindowUpdate(streamId: number, payload: Uint8Array): void {
    const increment = readWindowUpdate(payload);
    if (increment === 0) throw protocolError('WINDOW_UPDATE with increment 0');
    if (streamId === 0) this.flow.connectionWindowUpdate(increment);
    else this.flow.streamWindowUpdate(streamId, increment);
  }

  /** A protocol error (or a throw while reading a frame): GOAWAY with its code, then the socket closes (the listener hears at close). */
  private fail(error: Error): void {
    this.failed = true;
    this.ending = true;
    const code = error instanceof Http2FrameError ? error.errorCode : error instanceof HpackError ? Http2ErrorCode.CompressionError : Http2ErrorCode.InternalError;
    this.error ??= error instanceof ApnsCodecError ? new ApnsClientError('APNS_ERR_HTTP2_PROTOCOL', `the server broke HTTP/2 (error code ${code}): ${error.message}`, { cause: error }) : error;
    if (this.closing || this.socket.destroyed) return;
    this.closing = true;
    this.output.append(goawayFrame(0, code, Buffer.from(error.message)));
    this.endSocket();
  }

  /** Sends what is gathered and ends our side; a peer that keeps its side open is cut off after CLOSE_GRACE_MS. */
  private endSocket(): void {
    this.output.flush();
    this.socket.end();
    this.closeTimer = setTimeout(() => this.socket.destroy(), CLOSE_GRACE_MS);
  }
}

function protocolError(message: string): Http2FrameError {
  return new Http2FrameError(Http2ErrorCode.ProtocolError, message);
}
