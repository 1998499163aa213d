// Messages between the bench (main thread) and the mock server it hosts in a worker thread.
// The mock runs on its own thread so that it has its own core, as a real gateway would.

export interface MockReady {
  readonly type: 'ready';
  readonly host: string;
  readonly port: number;
  /** A TLS server with the mock's certificates that only counts bytes (no decoding, no records). */
  readonly sinkPort: number;
  readonly ca: string;
  readonly clientCert: string;
  readonly clientKey: string;
}

/** One set of tokens a run must have left in the mock: `count` tokens tagged `tag`. */
export interface ExpectedBatch {
  readonly tag: number;
  readonly count: number;
}

export type MockRequest =
  | { readonly seq: number; readonly type: 'wait'; readonly total: number; readonly timeoutMs: number }
  | { readonly seq: number; readonly type: 'wait-bytes'; readonly total: number; readonly timeoutMs: number }
  | { readonly seq: number; readonly type: 'validate'; readonly batches: readonly ExpectedBatch[] }
  | { readonly seq: number; readonly type: 'reset' }
  | { readonly seq: number; readonly type: 'reset-sink' }
  | { readonly seq: number; readonly type: 'close' };

export type MockReply =
  /** `at` is wall-clock milliseconds (timeOrigin + now), comparable across threads. */
  | { readonly seq: number; readonly type: 'reached'; readonly at: number }
  | { readonly seq: number; readonly type: 'validated'; readonly problems: readonly string[] }
  | { readonly seq: number; readonly type: 'done' }
  | { readonly seq: number; readonly type: 'failed'; readonly message: string };

/** Wall-clock milliseconds with sub-millisecond resolution, comparable between threads. */
export function clock(): number {
  return performance.timeOrigin + performance.now();
}
