/**
 * Send-side flow control (RFC 9113 6.9): request bodies go out as DATA while the connection window
 * and their stream's window allow, at most MAX_FRAME_SIZE per frame; what does not fit waits, in
 * stream order, for WINDOW_UPDATE or a larger SETTINGS_INITIAL_WINDOW_SIZE.
 */
import { DEFAULT_INITIAL_WINDOW_SIZE, DEFAULT_MAX_FRAME_SIZE, FRAME_HEADER_LENGTH, FrameFlag, FrameType, Http2ErrorCode, Http2FrameError, MAX_WINDOW_SIZE, writeFrameHeader } from '@apnskit/codec/http2';
import type { OutputBatch } from './output-batch.js';

/** A body still to send, waiting on a window. */
interface PendingBody {
  readonly streamId: number;
  readonly body: Uint8Array;
  offset: number;
  window: number;
  /** END_STREAM is written. */
  done: boolean;
}

function flowControlError(message: string): Http2FrameError {
  return new Http2FrameError(Http2ErrorCode.FlowControlError, message);
}

export class SendFlow {
  /** The peer's SETTINGS_MAX_FRAME_SIZE. */
  maxFrameSize = DEFAULT_MAX_FRAME_SIZE;
  private connectionWindow = DEFAULT_INITIAL_WINDOW_SIZE;
  private initialStreamWindow = DEFAULT_INITIAL_WINDOW_SIZE;
  /** In stream order (streams open in increasing ids). */
  private readonly pending: PendingBody[] = [];

  constructor(private readonly output: OutputBatch) {}

  /** A new stream's body: all of it now when the windows allow (the usual case), else as they open. */
  send(streamId: number, body: Uint8Array): void {
    if (this.pending.length === 0 && body.length <= this.connectionWindow && body.length <= this.initialStreamWindow && body.length <= this.maxFrameSize) {
      this.connectionWindow -= body.length;
      this.writeData(streamId, body, 0, body.length, true);
      return;
    }
    this.pending.push({ streamId, body, offset: 0, window: this.initialStreamWindow, done: false });
    this.sendPending();
  }

  /** Forgets a stream's unsent body (reset, cancelled, or answered early); true when there was one. */
  drop(streamId: number): boolean {
    // Most calls are for streams below the first one waiting.
    if (this.pending.length === 0 || streamId < this.pending[0]!.streamId) return false;
    const at = this.pending.findIndex((entry) => entry.streamId === streamId);
    if (at < 0) return false;
    this.pending.splice(at, 1);
    return true;
  }

  connectionWindowUpdate(increment: number): void {
    this.connectionWindow += increment;
    if (this.connectionWindow > MAX_WINDOW_SIZE) throw flowControlError('the connection window above 2^31-1');
    this.sendPending();
  }

  streamWindowUpdate(streamId: number, increment: number): void {
    const entry = this.pending.find((candidate) => candidate.streamId === streamId);
    // A stream whose body is all sent needs no window.
    if (!entry) return;
    entry.window += increment;
    if (entry.window > MAX_WINDOW_SIZE) throw flowControlError(`stream ${streamId}'s window above 2^31-1`);
    this.sendPending();
  }

  /** RFC 9113 6.9.2: a new INITIAL_WINDOW_SIZE moves every open stream's window by the difference (then sendPending, after the SETTINGS ACK). */
  initialWindowChanged(value: number): void {
    if (value > MAX_WINDOW_SIZE) throw flowControlError(`SETTINGS_INITIAL_WINDOW_SIZE ${value} above 2^31-1`);
    const delta = value - this.initialStreamWindow;
    this.initialStreamWindow = value;
    for (const entry of this.pending) {
      entry.window += delta;
      if (entry.window > MAX_WINDOW_SIZE) throw flowControlError('a stream window above 2^31-1');
    }
  }

  /** Sends queued DATA as far as the windows allow, in order; keeps the rest. */
  sendPending(): void {
    const pending = this.pending;
    let kept = 0;
    let index = 0;
    // Stops at the first body the connection window cannot serve: the rest waits, untouched.
    for (; index < pending.length; index += 1) {
      const entry = pending[index]!;
      if (this.connectionWindow <= 0 && entry.body.length > 0) break;
      this.sendAllowed(entry);
      if (!entry.done) pending[kept++] = entry;
    }
    pending.splice(kept, index - kept);
  }

  /** One stream's queued DATA, as much as its window, the connection's and MAX_FRAME_SIZE allow. */
  private sendAllowed(entry: PendingBody): void {
    while (!entry.done) {
      const length = Math.min(entry.body.length - entry.offset, this.connectionWindow, entry.window, this.maxFrameSize);
      if (length <= 0 && entry.body.length > 0) return;
      entry.done = entry.offset + length === entry.body.length;
      this.writeData(entry.streamId, entry.body, entry.offset, length, entry.done);
      entry.offset += length;
      entry.window -= length;
      this.connectionWindow -= length;
    }
  }

  private writeData(streamId: number, body: Uint8Array, from: number, length: number, endStream: boolean): void {
    const target = this.output.reserve(FRAME_HEADER_LENGTH + length);
    const start = this.output.offset;
    writeFrameHeader(target, start, length, FrameType.Data, endStream ? FrameFlag.EndStream : 0, streamId);
    target.set(body.subarray(from, from + length), start + FRAME_HEADER_LENGTH);
    this.output.commit(FRAME_HEADER_LENGTH + length);
  }
}
