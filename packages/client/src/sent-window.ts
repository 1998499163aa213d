import type { FrameChunk } from './frame-queue.js';
import type { WindowLimits } from './connection-types.js';

export type { WindowLimits } from './connection-types.js';

/** Bounds of the sent window by default: what a connection remembers of the frames it wrote. */
export const DEFAULT_WINDOW: WindowLimits = Object.freeze({
  maxAgeMs: 15_000,
  maxCount: 1_000_000,
  maxBytes: 256 * 1024 * 1024,
});

/** A written chunk as the window remembers it: its frames from `from` on are still remembered. */
interface Segment {
  readonly chunk: FrameChunk;
  /** Sequence of the chunk's frame 0. */
  readonly base: number;
  readonly sentAt: number;
  /** Index of the oldest frame still remembered. */
  from: number;
}

/**
 * The frames a connection wrote, in sequence order, remembered as the chunks they were written
 * from: a written chunk is kept whole (its buffer, offset table and marks), so remembering costs
 * nothing per frame, only an entry per chunk of several hundred frames. Sequences are contiguous:
 * the oldest remembered frame is `firstSequence`, the next one written gets `nextSequence`.
 * The bounds are kept to the frame: eviction drops the oldest frames one by one, whole chunks
 * at once where it can.
 */
export class SentWindow {
  /** Oldest first; entries before `head` are dropped. */
  private segments: Segment[] = [];
  private head = 0;
  size = 0;
  bytes = 0;
  /** Frames forgotten so far (by age, count or bytes). */
  evicted = 0;

  constructor(
    private readonly limits: WindowLimits,
    public firstSequence: number,
  ) {}

  get nextSequence(): number {
    return this.firstSequence + this.size;
  }

  /** Remembers every frame of a written chunk, then applies the count and byte bounds. */
  pushChunk(chunk: FrameChunk, now: number): void {
    if (chunk.count === 0) return;
    this.segments.push({ chunk, base: this.nextSequence, sentAt: now, from: 0 });
    this.size += chunk.count;
    this.bytes += chunk.used;
    const { maxCount, maxBytes } = this.limits;
    while (this.size > maxCount) this.evict(this.size - maxCount);
    while (this.bytes > maxBytes) {
      const { chunk, from } = this.segments[this.head]!;
      // The whole oldest chunk when that still leaves enough, else frame by frame.
      this.evict(this.bytes - (chunk.used - chunk.starts[from]!) >= maxBytes ? chunk.count : 1);
    }
    this.compact();
  }

  /** Forgets frames written more than maxAgeMs before `now` (a chunk's frames share its write time). */
  expire(now: number): void {
    const oldest = now - this.limits.maxAgeMs;
    while (this.size > 0 && this.segments[this.head]!.sentAt < oldest) this.evict(this.size);
    this.compact();
  }

  has(sequence: number): boolean {
    return sequence >= this.firstSequence && sequence < this.nextSequence;
  }

  /** The frame bytes (a view into the chunk's buffer) of a remembered sequence. */
  frame(sequence: number): Buffer {
    const segment = this.segmentOf(sequence);
    return segment.chunk.frameAt(sequence - segment.base);
  }

  mark(sequence: number): number {
    const segment = this.segmentOf(sequence);
    return segment.chunk.marks[sequence - segment.base]!;
  }

  /**
   * Hands back the chunks of every frame still remembered and forgets them: for reuse once the
   * settlement was booked and nothing refers to their bytes any more.
   */
  releaseChunks(): FrameChunk[] {
    const chunks: FrameChunk[] = [];
    for (let index = this.head; index < this.segments.length; index += 1) chunks.push(this.segments[index]!.chunk);
    this.clear();
    return chunks;
  }

  /** Drops every entry (after a settlement was handed on). */
  clear(): void {
    this.firstSequence = this.nextSequence;
    this.segments = [];
    this.head = 0;
    this.size = 0;
    this.bytes = 0;
  }

  /** Forgets up to `count` of the oldest frames, within the oldest chunk only. */
  private evict(count: number): void {
    const segment = this.segments[this.head]!;
    const { chunk } = segment;
    const dropped = Math.min(count, chunk.count - segment.from);
    const end = segment.from + dropped;
    this.bytes -= (end < chunk.count ? chunk.starts[end]! : chunk.used) - chunk.starts[segment.from]!;
    segment.from = end;
    this.size -= dropped;
    this.firstSequence += dropped;
    this.evicted += dropped;
    // The chunk is let go of once none of its frames is remembered.
    if (end === chunk.count) this.head += 1;
  }

  /** Lets go of the dropped entries now and then, rather than shifting the array per chunk. */
  private compact(): void {
    if (this.head > 64 && this.head * 2 > this.segments.length) {
      this.segments = this.segments.slice(this.head);
      this.head = 0;
    }
  }

  /** The chunk holding a remembered sequence (binary search: chunks are in sequence order). */
  private segmentOf(sequence: number): Segment {
    if (!this.has(sequence)) throw new RangeError(`sequence ${sequence} is not in the window`);
    let low = this.head;
    let high = this.segments.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >>> 1;
      if (this.segments[middle]!.base <= sequence) low = middle;
      else high = middle - 1;
    }
    return this.segments[low]!;
  }
}
