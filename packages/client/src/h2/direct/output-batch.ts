/**
 * Frames for the socket, gathered into one buffer and written once per tick: a pump that opens
 * hundreds of streams makes one socket write, not hundreds (what cork/uncork does, without the
 * per-write bookkeeping).
 */
const BATCH_BYTES = 64 * 1024;

export class OutputBatch {
  private buffer: Buffer = Buffer.allocUnsafe(BATCH_BYTES);
  private used = 0;
  private scheduled = false;

  constructor(private readonly write: (bytes: Buffer) => void) {}

  /** Room for `length` octets; returns the buffer and the offset to write them at (then call commit). */
  reserve(length: number): Buffer {
    if (this.used + length > this.buffer.length) {
      this.flush();
      if (length > this.buffer.length) this.buffer = Buffer.allocUnsafe(length);
    }
    this.schedule();
    return this.buffer;
  }

  /** Where reserved octets go. */
  get offset(): number {
    return this.used;
  }

  commit(length: number): void {
    this.used += length;
  }

  /** Appends ready-made bytes (control frames). */
  append(bytes: Uint8Array): void {
    const target = this.reserve(bytes.length);
    target.set(bytes, this.used);
    this.used += bytes.length;
  }

  /** Writes what is gathered now. */
  flush(): void {
    if (this.used === 0) return;
    const bytes = this.buffer.subarray(0, this.used);
    // The socket keeps `bytes` until written: the next frames go into a fresh buffer.
    this.buffer = Buffer.allocUnsafe(Math.max(BATCH_BYTES, this.buffer.length));
    this.used = 0;
    this.write(bytes);
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    process.nextTick(() => {
      this.scheduled = false;
      this.flush();
    });
  }
}
