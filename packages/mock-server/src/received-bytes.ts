/** Size of one slab; a longer run of bytes gets a slab of its own size. */
export const SLAB_BYTES = 4 * 1024 * 1024;
/** Slabs kept for reuse after `clear()`, at most (192 MiB: over a million notifications). */
const SPARE_SLABS = 48;

/**
 * Keeps received bytes by copying them into large slabs. The chunks they arrived in then die
 * young, as in a server that keeps nothing, instead of leaving thousands of small buffers for the
 * garbage collector to promote and track while a test sends millions of notifications.
 */
export class ReceivedBytes {
  private slabs: Buffer[] = [];
  /** Cleared slabs, reused first: a test that resets and sends again touches no new memory. */
  private spare: Buffer[] = [];
  private used = 0;
  /** Where the last `keep` put its bytes. */
  lastSlab = -1;
  lastOffset = 0;

  /** Copies `source[start, end)`; `lastSlab` and `lastOffset` then say where it lies. */
  keep(source: Buffer, start: number, end: number): void {
    const length = end - start;
    let slab = this.slabs[this.slabs.length - 1];
    if (!slab || this.used + length > slab.length) {
      slab = length <= SLAB_BYTES && this.spare.length > 0 ? this.spare.pop()! : Buffer.allocUnsafeSlow(Math.max(SLAB_BYTES, length));
      this.slabs.push(slab);
      this.used = 0;
    }
    source.copy(slab, this.used, start, end);
    this.lastSlab = this.slabs.length - 1;
    this.lastOffset = this.used;
    this.used += length;
  }

  /** The bytes kept at `slab`/`offset`: a view, valid until `clear()`. */
  bytes(slab: number, offset: number, length: number): Buffer {
    return this.slabs[slab]!.subarray(offset, offset + length);
  }

  clear(): void {
    for (const slab of this.slabs) if (slab.length === SLAB_BYTES && this.spare.length < SPARE_SLABS) this.spare.push(slab);
    this.slabs = [];
    this.used = 0;
    this.lastSlab = -1;
    this.lastOffset = 0;
  }
}
