import { ApnsCodecError, NotificationEncoder, PayloadLimit, TOKEN_LENGTH, type Notification, type NotificationFormat } from '@apnskit/codec';
import { formatOf, identifierOffset, minFrameLength, tokenOffset } from '@apnskit/codec/wire';
import { MAX_IDENTIFIER, identifierOf } from './identifiers.js';
import { packedTokensProblem } from './packed-tokens.js';

/** Bytes per staging chunk: large enough that one socket write carries hundreds of frames. */
export const CHUNK_BYTES = 128 * 1024;
/**
 * The smallest frame of each format the client writes sizes a chunk's offset table, which the sent
 * window keeps as long as the chunk's frames; a resent frame of unknown format gets the smallest of all.
 */
const SMALLEST_FRAME_BYTES = minFrameLength('simple');
/** Low bits of a frame's mark: how many times it was resent with its fate unknown (charged against the retry limit). */
export const RETRIES_MASK = 0x7f;
/** High bit of a frame's mark: an earlier copy may have been delivered (silent close). */
export const POSSIBLY_DELIVERED = 0x80;

/**
 * Encoded frames waiting to be written, packed into one buffer so that a whole chunk goes to
 * the socket in a single write. Each frame keeps its start offset and a one-byte mark. Every
 * frame here was written by NotificationEncoder (or copied from one that was): the codec says
 * where its identifier lies, so numbering the frames needs no parsing.
 */
export class FrameChunk {
  readonly buffer: Buffer;
  /** A DataView of `buffer`, for patching identifiers. */
  readonly view: DataView;
  readonly starts: Uint32Array;
  readonly marks: Uint8Array;
  used = 0;
  count = 0;

  constructor(bytes: number, minFrameBytes = SMALLEST_FRAME_BYTES) {
    this.buffer = Buffer.allocUnsafe(bytes);
    this.view = new DataView(this.buffer.buffer, this.buffer.byteOffset, this.buffer.byteLength);
    const frames = Math.ceil(bytes / minFrameBytes) + 1;
    this.starts = new Uint32Array(frames);
    this.marks = new Uint8Array(frames);
  }

  fits(length: number): boolean {
    return this.used + length <= this.buffer.length && this.count < this.starts.length;
  }

  lengthOf(index: number): number {
    const end = index + 1 < this.count ? this.starts[index + 1] : this.used;
    return end - this.starts[index];
  }

  /** Writes the identifiers of sequences `firstSequence`, `firstSequence + 1`, ... into the frames, in order. */
  numberFrames(firstSequence: number, format: NotificationFormat): void {
    if (format === 'simple') return;
    const { starts, count, used, view } = this;
    let id = identifierOf(firstSequence);
    for (let index = 0; index < count; index += 1) {
      const end = index + 1 < count ? starts[index + 1]! : used;
      view.setUint32(identifierOffset(format, starts[index]!, end), id);
      id = id === MAX_IDENTIFIER ? 1 : id + 1;
    }
  }

  frameAt(index: number): Buffer {
    const start = this.starts[index];
    return this.buffer.subarray(start, start + this.lengthOf(index));
  }
}

/** Copies a 32-byte token as eight words: cheaper than a call to the copying builtin per frame. */
function copyToken(from: DataView, fromAt: number, to: DataView, toAt: number): void {
  for (let word = 0; word < TOKEN_LENGTH; word += 4) to.setUint32(toAt + word, from.getUint32(fromAt + word));
}

/**
 * Chunks whose frames are settled, kept for the next appends: writing into memory already
 * mapped spares a page fault per 4 KiB of every fresh 128 KiB buffer (cli.bench.ts, 1,000,000
 * notifications). Bounded: beyond `limit` chunks, the rest are left to the collector.
 */
export class ChunkPool {
  private readonly spare: FrameChunk[] = [];

  constructor(private readonly limit: number) {}

  give(chunk: FrameChunk): void {
    if (this.spare.length < this.limit) this.spare.push(chunk);
  }

  /** A spare chunk of that size, emptied, or undefined. */
  take(bytes: number, minFrameBytes: number): FrameChunk | undefined {
    const chunk = this.spare.pop();
    if (chunk === undefined || chunk.buffer.length !== bytes || chunk.starts.length !== Math.ceil(bytes / minFrameBytes) + 1) return undefined;
    chunk.used = 0;
    chunk.count = 0;
    return chunk;
  }
}

/** A FIFO of frame chunks with running counts (the backpressure measure). */
export class FrameQueue {
  /**
   * A queue that has encoded one notification, alive as long as the class. V8 drops optimised code
   * when the last object of a hidden class it was specialised on dies; without this queue (its
   * chunk, encoder and their fields) that happens at a full collection between one sender and the
   * next, which then runs unoptimised until compiled again: 309-321 against 111-135 ns per
   * notification (`node --expose-gc packages/client/bench/compare-queue.mjs WITHOUT . --gc`, same
   * run). Only programs that make a sender per batch gain, but that is a common way to use one.
   */
  private static readonly warm = FrameQueue.warmed();

  private static warmed(): FrameQueue {
    const queue = new FrameQueue(1024);
    queue.appendNotification({ token: new Uint8Array(32), payload: new Uint8Array(2) }, 'frame', PayloadLimit.Default);
    return queue;
  }

  private chunks: FrameChunk[] = [];
  /** The chunk still open for appends (the last one, unless it was taken). */
  private open: FrameChunk | undefined;
  count = 0;
  bytes = 0;
  /** Kept across appends: it caches the last payload string's bytes (bulk sends repeat one). */
  private encoder: NotificationEncoder | undefined;

  constructor(
    private readonly chunkBytes = CHUNK_BYTES,
    /** Written chunks handed back for reuse (see ChunkPool). */
    private readonly pool?: ChunkPool,
  ) {}

  /** Checks and encodes a notification (its own id is ignored: connections assign theirs). Throws ApnsCodecError and queues nothing on bad input. */
  appendNotification(notification: Notification, format: NotificationFormat, payloadLimit: number): void {
    const encoder = this.encoderFor(format, payloadLimit);
    const chunk = this.roomFor(encoder.prepare(notification), format);
    // Identifier 0 until a connection writes the frame and patches in its own.
    this.added(chunk, encoder.writePrepared(chunk.buffer, chunk.used, 0), 0);
  }

  private encoderFor(format: NotificationFormat, payloadLimit: number): NotificationEncoder {
    const encoder = this.encoder;
    if (encoder !== undefined && encoder.format === format && encoder.payloadLimit === payloadLimit) return encoder;
    return (this.encoder = new NotificationEncoder({ format, payloadLimit }));
  }

  /**
   * Queues `notification` once for each 32-byte token in `tokens` (back to back; its own token is
   * ignored). It is checked and encoded once; each frame is that frame copied with the token put
   * in (the codec says where), which spares the checks and field writes per frame: apns-send, which
   * hands its tokens over this way, took 429 ms for a million instead of 484 (best of 12,
   * bench/compare-cli.mjs). Throws ApnsCodecError and queues nothing on bad input.
   */
  appendForTokens(notification: Omit<Notification, 'token'>, tokens: Uint8Array, format: NotificationFormat, payloadLimit: number): void {
    const problem = packedTokensProblem(tokens);
    if (problem !== undefined) throw new ApnsCodecError('APNS_ERR_INVALID_TOKEN', problem);
    const count = tokens.length / TOKEN_LENGTH;
    if (count === 0) return;
    const encoder = this.encoderFor(format, payloadLimit);
    const length = encoder.prepare({ ...notification, token: tokens.subarray(0, TOKEN_LENGTH) });
    const frame = Buffer.allocUnsafe(length);
    encoder.writePrepared(frame, 0, 0);
    const tokensView = new DataView(tokens.buffer, tokens.byteOffset, tokens.byteLength);
    const tokenAt = tokenOffset(format);
    for (let index = 0; index < count; index += 1) {
      const chunk = this.roomFor(length, format);
      const start = chunk.used;
      chunk.buffer.set(frame, start);
      copyToken(tokensView, index * TOKEN_LENGTH, chunk.view, start + tokenAt);
      this.added(chunk, start + length, 0);
    }
  }

  /** Copies an already encoded frame (a resend) with its mark. */
  appendFrame(frame: Uint8Array, mark: number): void {
    const chunk = this.roomFor(frame.length, formatOf(frame));
    chunk.buffer.set(frame, chunk.used);
    this.added(chunk, chunk.used + frame.length, mark);
  }

  /** Records the frame just written at `chunk.used`, ending at `end`. */
  private added(chunk: FrameChunk, end: number, mark: number): void {
    chunk.starts[chunk.count] = chunk.used;
    chunk.marks[chunk.count] = mark;
    this.bytes += end - chunk.used;
    chunk.used = end;
    chunk.count += 1;
    this.count += 1;
  }

  /** Appends a whole chunk (sealed: later appends start a new one). */
  pushChunk(chunk: FrameChunk): void {
    this.chunks.push(chunk);
    this.open = undefined;
    this.count += chunk.count;
    this.bytes += chunk.used;
  }

  /** Moves every chunk of `other` in front of this queue's (resends go first). */
  prependAll(other: FrameQueue): void {
    if (other.count === 0) return;
    // The open chunk must stay the last one, so appends keep their order.
    if (this.chunks.length === 0) this.open = other.open;
    this.chunks = other.chunks.concat(this.chunks);
    this.count += other.count;
    this.bytes += other.bytes;
    other.clear();
  }

  /** Takes the oldest chunk whole. */
  shift(): FrameChunk | undefined {
    const chunk = this.chunks.shift();
    if (chunk === undefined) return undefined;
    if (chunk === this.open) this.open = undefined;
    this.count -= chunk.count;
    this.bytes -= chunk.used;
    return chunk;
  }

  /** Every queued frame, oldest first. */
  *frames(): IterableIterator<{ frame: Buffer; mark: number }> {
    for (const chunk of this.chunks) {
      for (let index = 0; index < chunk.count; index += 1) yield { frame: chunk.frameAt(index), mark: chunk.marks[index] };
    }
  }

  clear(): void {
    this.chunks = [];
    this.open = undefined;
    this.count = 0;
    this.bytes = 0;
  }

  /** The open chunk when `length` more bytes fit, else a new one sized for frames of `format`. */
  private roomFor(length: number, format: NotificationFormat | undefined): FrameChunk {
    if (this.open !== undefined && this.open.fits(length)) return this.open;
    const minFrameBytes = format === undefined ? SMALLEST_FRAME_BYTES : minFrameLength(format);
    const chunk = (length <= this.chunkBytes ? this.pool?.take(this.chunkBytes, minFrameBytes) : undefined) ?? new FrameChunk(Math.max(this.chunkBytes, length), minFrameBytes);
    this.chunks.push(chunk);
    this.open = chunk;
    return chunk;
  }
}
