/*
 * The faults a test can script. Each is one-shot unless `repeat` is true; `connection` limits a
 * fault to the connection with that number (gateway connections are numbered from 1).
 */

interface FaultBase {
  /** Keep the fault after it fires (default: it fires once, then is removed). */
  readonly repeat?: boolean;
  /** Only on the gateway connection with this number. */
  readonly connection?: number;
}

/** Reject every notification to `token` with `status` (default 8, invalid token). */
export interface RejectTokenFault extends FaultBase {
  readonly type: 'reject-token';
  /** 64 hex digits. */
  readonly token: string;
  readonly status?: number;
  /** Also put the token on the feedback list (what Apple did for uninstalled apps). */
  readonly feedback?: boolean;
}

/** Reject the `n`th notification counted from when the fault was added (with `repeat`: every `n`th). */
export interface RejectNthFault extends FaultBase {
  readonly type: 'reject-nth';
  readonly n: number;
  readonly status?: number;
}

/** Reject each notification with probability `p`, from a generator seeded by `seed` (or the server's seed). */
export interface RejectRandomFault extends FaultBase {
  readonly type: 'reject-random';
  readonly p: number;
  readonly status?: number;
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
  | DropConnectionsFault;

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
]);

/** A fault as held by the server: the spec, its id and how often it fired. */
export interface FaultState {
  readonly id: number;
  readonly fault: Fault;
  readonly fired: number;
}
