/*
 * The faults a test can script, one vocabulary for both protocols. Each is one-shot unless
 * `repeat` is true; `connection` limits a fault to the connection with that number (gateway and
 * HTTP/2 connections are each numbered from 1). A rejecting fault answers `status` on the binary
 * gateway and `reason` on HTTP/2 (default: the reason meaning `status`, so 8 is Unregistered).
 */

interface FaultBase {
  /** Keep the fault after it fires (default: it fires once, then is removed). */
  readonly repeat?: boolean;
  /** Only on the gateway connection with this number. */
  readonly connection?: number;
}

/** Reject every notification to `token` with `status` (default 8, invalid token) or, on HTTP/2, `reason`. */
export interface RejectTokenFault extends FaultBase {
  readonly type: 'reject-token';
  /** Hex: 64 digits (32 bytes) to hit the binary gateway, any even number up to 2048 for HTTP/2 tokens. */
  readonly token: string;
  readonly status?: number;
  /** HTTP/2 reason (one of Apple's); a 410 answer carries a `timestamp`. */
  readonly reason?: string;
  /** Also put the token on the feedback list (what Apple did for uninstalled apps). */
  readonly feedback?: boolean;
}

/** Reject the `n`th notification counted from when the fault was added (with `repeat`: every `n`th). */
export interface RejectNthFault extends FaultBase {
  readonly type: 'reject-nth';
  readonly n: number;
  readonly status?: number;
  /** HTTP/2 reason, e.g. InternalServerError (500) or ServiceUnavailable (503). */
  readonly reason?: string;
}

/** Reject each notification with probability `p`, from a generator seeded by `seed` (or the server's seed). */
export interface RejectRandomFault extends FaultBase {
  readonly type: 'reject-random';
  readonly p: number;
  readonly status?: number;
  readonly reason?: string;
  readonly seed?: number;
}

/** After `n` accepted notifications: status 10 naming the last accepted one, then close. */
export interface ShutdownAfterFault extends FaultBase {
  readonly type: 'shutdown-after';
  readonly n: number;
}

/** After `n` accepted notifications: close with no error packet. */
export interface CloseAfterFault extends FaultBase {
  readonly type: 'close-after';
  readonly n: number;
}

/** After `n` accepted notifications: reset the connection (TCP RST). */
export interface ResetAfterFault extends FaultBase {
  readonly type: 'reset-after';
  readonly n: number;
}

/** Hold the next error response for `ms`, still reading and discarding what arrives. */
export interface DelayErrorFault extends FaultBase {
  readonly type: 'delay-error';
  readonly ms: number;
}

/** Write the next error response in two writes (2 bytes, then 4 bytes `gapMs` later, default 20). */
export interface SplitErrorFault extends FaultBase {
  readonly type: 'split-error';
  readonly gapMs?: number;
}

/** Answer the next error response with identifier 0 (a quirk seen on Apple's sandbox). */
export interface ZeroIdFault extends FaultBase {
  readonly type: 'zero-id';
}

/** After `n` accepted notifications (default 1), stop reading that connection for `ms`. */
export interface StallReadsFault extends FaultBase {
  readonly type: 'stall-reads';
  readonly ms: number;
  readonly n?: number;
}

/** Fail the TLS handshake of the next `count` connections (default 1): the TCP connection is closed before it. */
export interface RefuseConnectionsFault {
  readonly type: 'refuse-connections';
  readonly count?: number;
  readonly repeat?: boolean;
}

/** Complete the handshake of the next `count` connections (default 1), then close them at once. */
export interface DropConnectionsFault {
  readonly type: 'drop-connections';
  readonly count?: number;
  readonly repeat?: boolean;
}

/** HTTP/2: hold the next answer (every answer with `repeat`) for `ms`, or a random time from `ms` to `maxMs`. */
export interface DelayAnswerFault extends FaultBase {
  readonly type: 'delay-answer';
  readonly ms: number;
  readonly maxMs?: number;
}

/** HTTP/2: never answer the next stream (no HEADERS, no RST_STREAM), as APNs sometimes does. */
export interface NoAnswerFault extends FaultBase {
  readonly type: 'no-answer';
}

/** HTTP/2: reset the next stream with RST_STREAM `code` (default 2, INTERNAL_ERROR) instead of answering. */
export interface RstStreamFault extends FaultBase {
  readonly type: 'rst-stream';
  readonly code?: number;
}

/**
 * HTTP/2: when the `n`th stream arrives, send GOAWAY (`errorCode`, default 0) with debug data
 * `{"reason":<reason>}` (none when `reason` is absent) and `lastStreamId` (default: that stream's
 * id; at least 1, since node:http2 cannot send 0). Streams above it are never processed; the
 * connection is destroyed after the close grace.
 */
export interface GoawayAfterFault extends FaultBase {
  readonly type: 'goaway-after';
  readonly n: number;
  readonly reason?: string;
  readonly errorCode?: number;
  readonly lastStreamId?: number;
}

/** HTTP/2: when the `n`th stream (default 1) has arrived, close the TCP connection without answering it. */
export interface CloseMidStreamFault extends FaultBase {
  readonly type: 'close-mid-stream';
  readonly n?: number;
}

/** HTTP/2: 429 TooManyRequests for a push that is over `k` pushes to one device token within `windowMs`. Stays until removed. */
export interface TooManyRequestsFault {
  readonly type: 'too-many-requests';
  readonly k: number;
  readonly windowMs: number;
  readonly connection?: number;
}

/** HTTP/2: after a rejected push the connection's stream limit drops to 1, and returns after an accepted one. Stays until removed. */
export interface NarrowAfterRejectionFault {
  readonly type: 'narrow-after-rejection';
  readonly connection?: number;
}

/** HTTP/2: a connection with no stream for `ms` gets GOAWAY `{"reason":"IdleTimeout"}` and is closed. Stays until removed. */
export interface IdleTimeoutFault {
  readonly type: 'idle-timeout';
  readonly ms: number;
}

/** HTTP/2: the next connection (each one with `repeat`) never acknowledges a PING; streams are answered as usual. */
export interface IgnorePingFault extends FaultBase {
  readonly type: 'ignore-ping';
}

export type Fault =
  | RejectTokenFault
  | RejectNthFault
  | RejectRandomFault
  | ShutdownAfterFault
  | CloseAfterFault
  | ResetAfterFault
  | DelayErrorFault
  | SplitErrorFault
  | ZeroIdFault
  | StallReadsFault
  | RefuseConnectionsFault
  | DropConnectionsFault
  | DelayAnswerFault
  | NoAnswerFault
  | RstStreamFault
  | GoawayAfterFault
  | CloseMidStreamFault
  | TooManyRequestsFault
  | NarrowAfterRejectionFault
  | IdleTimeoutFault
  | IgnorePingFault;

export type FaultType = Fault['type'];

export const FAULT_TYPES: readonly FaultType[] = Object.freeze([
  'reject-token',
  'reject-nth',
  'reject-random',
  'shutdown-after',
  'close-after',
  'reset-after',
  'delay-error',
  'split-error',
  'zero-id',
  'stall-reads',
  'refuse-connections',
  'drop-connections',
  'delay-answer',
  'no-answer',
  'rst-stream',
  'goaway-after',
  'close-mid-stream',
  'too-many-requests',
  'narrow-after-rejection',
  'idle-timeout',
  'ignore-ping',
]);

/** A fault as held by the server: the spec, its id and how often it fired. */
export interface FaultState {
  readonly id: number;
  readonly fault: Fault;
  readonly fired: number;
}
