import type { FrameChunk } from './frame-queue.js';

/** Bounds of the sent window: what a connection remembers of the frames it wrote. */
export interface WindowLimits {
  /** Frames older than this are forgotten (default 15 000 ms, as the original library). */
  readonly maxAgeMs: number;
  /** At most this many frames (default 1 000 000). */
  readonly maxCount: number;
  /** At most this many frame bytes (default 256 MiB). */
  readonly maxBytes: number;
}

export const DEFAULT_WINDOW: WindowLimits = Object.freeze({
  maxAgeMs: 15_000,
  maxCount: 1_000_000,
  maxBytes: 256 * 1024 * 1024,
});

/** Slots allocated up front (about 280 KB); the ring doubles from there up to maxCount. */
const INITIAL_CAPACITY = 16_384;

/**
 * Ring buffer of written frames in sequence order. Each entry is a slice of the batch buffer it
 * was written from (no copy, no caller object): the buffer's number, start, length, mark and write
 * time, about 25 bytes besides the frame bytes themselves. Sequences are contiguous: the oldest
 * entry is `firstSequence`, the next one pushed gets `nextSequence`.
 *
 * Entries name their buffer by number rather than hold a reference: a ring of object references
 * written per frame makes every young-generation collection walk them (several ms each at a
 * million frames a second); numbers are plain data. Buffers are numbered in the order first
 * pushed, so the entries' numbers never decrease and the live buffers form a queue.
 */
export class SentWindow {
  /** The buffer number of each entry. */
  private sources: Float64Array;
  /** Buffers still referenced by an entry, oldest first; the first is number `firstSource`. */
  private sourceBuffers: Buffer[] = [];
  private firstSource = 0;
  private starts: Uint32Array;
  private lengths: Uint32Array;
  private marks: Uint8Array;
  private sentAt: Float64Array;
  private head = 0;
  size = 0;
  bytes = 0;
  /** Frames forgotten so far (by age, count or bytes). */
  evicted = 0;

  constructor(
    private readonly limits: WindowLimits,
    public firstSequence: number,
  ) {
    const capacity = Math.min(INITIAL_CAPACITY, limits.maxCount);
    this.sources = new Float64Array(capacity);
    this.starts = new Uint32Array(capacity);
    this.lengths = new Uint32Array(capacity);
    this.marks = new Uint8Array(capacity);
    this.sentAt = new Float64Array(capacity);
  }

  get nextSequence(): number {
    return this.firstSequence + this.size;
  }

  push(buffer: Buffer, start: number, length: number, mark: number, now: number): void {
    while (this.size > 0 && (this.size >= this.limits.maxCount || this.bytes + length > this.limits.maxBytes)) this.evictOldest();
    if (this.size === this.sources.length) this.grow();
    if (this.size >= this.limits.maxCount || length > this.limits.maxBytes) {
      // A window of zero (or a frame larger than the byte bound): remember nothing.
      this.firstSequence += 1;
      this.evicted += 1;
      return;
    }
    const slot = (this.head + this.size) % this.sources.length;
    this.sources[slot] = this.sourceOf(buffer);
    this.starts[slot] = start;
    this.lengths[slot] = length;
    this.marks[slot] = mark;
    this.sentAt[slot] = now;
    this.size += 1;
    this.bytes += length;
  }

  /** Remembers every frame of a written chunk (one pass, no per-frame bound checks when it fits). */
  pushChunk(chunk: FrameChunk, now: number): void {
    const { buffer, starts, marks, count, used } = chunk;
    if (count === 0) return;
    const needed = Math.min(this.size + count, this.limits.maxCount);
    if (needed > this.sources.length) this.resize(Math.max(needed, Math.min(this.sources.length * 2, this.limits.maxCount)));
    if (this.size + count > this.limits.maxCount || this.bytes + used > this.limits.maxBytes) {
      for (let index = 0; index < count; index += 1) this.push(buffer, starts[index], chunk.lengthOf(index), marks[index], now);
      return;
    }
    const capacity = this.sources.length;
    const source = this.sourceOf(buffer);
    let slot = (this.head + this.size) % capacity;
    for (let index = 0; index < count; index += 1) {
      const start = starts[index];
      this.sources[slot] = source;
      this.starts[slot] = start;
      this.lengths[slot] = (index + 1 < count ? starts[index + 1] : used) - start;
      this.marks[slot] = marks[index];
      this.sentAt[slot] = now;
      slot = slot + 1 === capacity ? 0 : slot + 1;
    }
    this.size += count;
    this.bytes += used;
  }

  /** Forgets frames written more than maxAgeMs before `now`. */
  expire(now: number): void {
    const oldest = now - this.limits.maxAgeMs;
    while (this.size > 0 && this.sentAt[this.head] < oldest) this.evictOldest();
  }

  has(sequence: number): boolean {
    return sequence >= this.firstSequence && sequence < this.nextSequence;
  }

  /** The frame bytes (a view into the batch buffer) of a remembered sequence. */
  frame(sequence: number): Buffer {
    const slot = this.slotOf(sequence);
    const start = this.starts[slot];
    return this.sourceBuffers[this.sources[slot] - this.firstSource].subarray(start, start + this.lengths[slot]);
  }

  mark(sequence: number): number {
    return this.marks[this.slotOf(sequence)];
  }

  /** Drops every entry (after a settlement was handed on). */
  clear(): void {
    this.firstSource += this.sourceBuffers.length;
    this.sourceBuffers = [];
    this.firstSequence = this.nextSequence;
    this.size = 0;
    this.bytes = 0;
    this.head = 0;
  }

  private slotOf(sequence: number): number {
    if (!this.has(sequence)) throw new RangeError(`sequence ${sequence} is not in the window`);
    return (this.head + (sequence - this.firstSequence)) % this.sources.length;
  }

  /** The number of `buffer`: the newest one's when it is the same buffer, else a new one. */
  private sourceOf(buffer: Buffer): number {
    const buffers = this.sourceBuffers;
    if (buffers.length > 0 && buffers[buffers.length - 1] === buffer) return this.firstSource + buffers.length - 1;
    buffers.push(buffer);
    return this.firstSource + buffers.length - 1;
  }

  private evictOldest(): void {
    this.bytes -= this.lengths[this.head];
    this.head = (this.head + 1) % this.sources.length;
    this.size -= 1;
    this.firstSequence += 1;
    this.evicted += 1;
    // Let go of buffers no remaining entry points into.
    const oldest = this.size > 0 ? this.sources[this.head] : this.firstSource + this.sourceBuffers.length;
    while (this.firstSource < oldest) {
      this.sourceBuffers.shift();
      this.firstSource += 1;
    }
  }

  private grow(): void {
    this.resize(Math.min(this.sources.length * 2, this.limits.maxCount));
  }

  /** Moves the entries, oldest first, into rings of `capacity` slots. */
  private resize(capacity: number): void {
    if (capacity <= this.sources.length) return;
    const { head, size } = this;
    this.sources = unrolled(this.sources, new Float64Array(capacity), head, size);
    this.starts = unrolled(this.starts, new Uint32Array(capacity), head, size);
    this.lengths = unrolled(this.lengths, new Uint32Array(capacity), head, size);
    this.marks = unrolled(this.marks, new Uint8Array(capacity), head, size);
    this.sentAt = unrolled(this.sentAt, new Float64Array(capacity), head, size);
    this.head = 0;
  }
}

/** Copies the `size` entries of a ring starting at `head` into `target` in order, oldest first. */
function unrolled<T extends Uint32Array | Uint8Array | Float64Array>(ring: T, target: T, head: number, size: number): T {
  const first = Math.min(size, ring.length - head);
  target.set(ring.subarray(head, head + first) as never);
  if (first < size) target.set(ring.subarray(0, size - first) as never, first);
  return target;
}
