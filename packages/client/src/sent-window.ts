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
 * was written from (no copy, no caller object): a reference, start, length, mark and write time,
 * about 25 bytes besides the frame bytes themselves. Sequences are contiguous: the oldest entry
 * is `firstSequence`, the next one pushed gets `nextSequence`.
 */
export class SentWindow {
  private buffers: (Buffer | undefined)[];
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
    this.buffers = new Array<Buffer | undefined>(capacity).fill(undefined);
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
    if (this.size === this.buffers.length) this.grow();
    if (this.size >= this.limits.maxCount || length > this.limits.maxBytes) {
      // A window of zero (or a frame larger than the byte bound): remember nothing.
      this.firstSequence += 1;
      this.evicted += 1;
      return;
    }
    const slot = (this.head + this.size) % this.buffers.length;
    this.buffers[slot] = buffer;
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
    const needed = Math.min(this.size + count, this.limits.maxCount);
    if (needed > this.buffers.length) this.resize(Math.max(needed, Math.min(this.buffers.length * 2, this.limits.maxCount)));
    if (this.size + count > this.limits.maxCount || this.bytes + used > this.limits.maxBytes) {
      for (let index = 0; index < count; index += 1) this.push(buffer, starts[index], chunk.lengthOf(index), marks[index], now);
      return;
    }
    const capacity = this.buffers.length;
    let slot = (this.head + this.size) % capacity;
    for (let index = 0; index < count; index += 1) {
      const start = starts[index];
      this.buffers[slot] = buffer;
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
    return (this.buffers[slot] as Buffer).subarray(start, start + this.lengths[slot]);
  }

  mark(sequence: number): number {
    return this.marks[this.slotOf(sequence)];
  }

  /** Drops every entry (after a settlement was handed on). */
  clear(): void {
    this.buffers.fill(undefined);
    this.firstSequence = this.nextSequence;
    this.size = 0;
    this.bytes = 0;
    this.head = 0;
  }

  private slotOf(sequence: number): number {
    if (!this.has(sequence)) throw new RangeError(`sequence ${sequence} is not in the window`);
    return (this.head + (sequence - this.firstSequence)) % this.buffers.length;
  }

  private evictOldest(): void {
    this.buffers[this.head] = undefined;
    this.bytes -= this.lengths[this.head];
    this.head = (this.head + 1) % this.buffers.length;
    this.size -= 1;
    this.firstSequence += 1;
    this.evicted += 1;
  }

  private grow(): void {
    this.resize(Math.min(this.buffers.length * 2, this.limits.maxCount));
  }

  /** Moves the entries, oldest first, into rings of `capacity` slots. */
  private resize(capacity: number): void {
    if (capacity <= this.buffers.length) return;
    const { head, size } = this;
    const ordered = [...this.buffers.slice(head, head + size), ...this.buffers.slice(0, Math.max(0, head + size - this.buffers.length))];
    this.buffers = ordered.concat(new Array<Buffer | undefined>(capacity - size).fill(undefined));
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
