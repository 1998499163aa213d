/** The mock's clock: real time shifted by an offset, or a caller's function, so token rules test in milliseconds. */
export class MockClock {
  private offsetMs = 0;

  constructor(private readonly source: () => number = Date.now) {}

  /** Milliseconds since the epoch, as the mock sees them. */
  now(): number {
    return this.source() + this.offsetMs;
  }

  /** Moves the mock's time forward (or back, with a negative value). */
  advance(ms: number): number {
    this.offsetMs += ms;
    return this.now();
  }

  /** Sets the mock's time to `ms` since the epoch; it runs on from there. */
  set(ms: number): number {
    this.offsetMs = ms - this.source();
    return this.now();
  }

  reset(): void {
    this.offsetMs = 0;
  }
}
