import type { ConnectionEnd, GatewayCounters } from './gateway-connection.js';
import type { Fault, FaultState } from './fault-types.js';
import type { RejectedNotification } from './recorder.js';
import type { Http2Stats } from './http2/service.js';

export type Service = 'gateway' | 'feedback' | 'http2';
/** Every listener of the mock, for limit events. */
export type Listener = Service | 'control';

/** Counters since start or the last `reset()`. */
export interface MockServerStats extends GatewayCounters {
  /** Gateway connections that completed the handshake (numbered from 1; numbers are never reused). */
  connections: number;
  openConnections: number;
  accepted: number;
  rejected: number;
  /** Connections refused before the handshake: a refuse-connections fault, or over maxConnections. */
  refused: number;
  /** Connections closed right after the handshake (drop-connections fault or wrong environment). */
  dropped: number;
  /** Handshakes that failed: no client certificate, another CA's, or a TLS error. */
  tlsErrors: number;
  feedbackConnections: number;
  feedbackTuplesSent: number;
  /** Connections a listener limit closed: evicted in their handshake, handshake or idle timeout. */
  limitClosed: number;
  feedbackQueued: number;
  /** The HTTP/2 service's counters (its accepted and rejected pushes are also in `accepted` and `rejected`). */
  http2: Http2Stats;
}

export interface ConnectionEvent {
  readonly service: Service;
  readonly connection: number;
  readonly remote: string;
  readonly topic: string | undefined;
  readonly environments: readonly string[];
  /** True when the client resumed an earlier TLS session (no certificates exchanged this time). */
  readonly resumed: boolean;
}
export interface DisconnectEvent {
  readonly service: Service;
  readonly connection: number;
  readonly reason: ConnectionEnd;
}
export interface RefusedEvent {
  readonly service: Service;
  readonly remote: string;
  readonly reason: 'refuse-connections' | 'drop-connections' | 'wrong-environment' | 'too-many-connections';
  /** For too-many-connections: the limit that applied, e.g. "maxConnections 256". */
  readonly limit?: string;
}
/** A connection a listener limit closed: over the cap (evicted in its handshake), handshake or idle timeout. */
export interface LimitClosedEvent {
  readonly service: Listener;
  readonly remote: string;
  readonly reason: 'evicted' | 'handshake-timeout' | 'idle-timeout' | 'too-many-connections';
  readonly limit: string;
}
export interface TlsErrorEvent {
  readonly service: Service;
  readonly code: string | undefined;
  readonly message: string;
  /** Why the handshake failed, as the server saw it (e.g. the client certificate's verify error). */
  readonly reason: string;
}
export interface FeedbackEvent {
  readonly connection: number;
  readonly topic: string;
  readonly tuples: number;
}

export interface MockServerEvents {
  connection: [ConnectionEvent];
  disconnect: [DisconnectEvent];
  rejection: [RejectedNotification];
  refused: [RefusedEvent];
  'tls-error': [TlsErrorEvent];
  limit: [LimitClosedEvent];
  feedback: [FeedbackEvent];
}

/** The fault controls of a running server. */
export interface FaultControls {
  /** Checks and adds a fault; returns its id. Throws APNS_ERR_INVALID_FAULT naming what to fix. */
  add(fault: Fault): number;
  /** Checks every fault, then adds them all (or none when one is bad); returns their ids. */
  addAll(faults: readonly Fault[]): number[];
  remove(id: number): boolean;
  clear(): void;
  list(): FaultState[];
}

export interface WaitOptions {
  /** Reject with APNS_ERR_WAIT_TIMEOUT after this long. Default 10000 ms. */
  readonly timeoutMs?: number;
}
