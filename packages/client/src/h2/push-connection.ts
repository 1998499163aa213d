/**
 * What the sender needs of one connection, whatever carries it: the purpose-built frame writer
 * (direct/) or node:http2 (node-connection.ts). The sender's queue, retries, GOAWAY and token
 * policy sit above this line and are shared by both.
 */
import { isIP } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { PushOutcome } from '@apnskit/codec/http2';
import type { ResolvedCredentials } from '@apnskit/tls';
import type { Address } from '../address.js';
import type { TlsSessions } from '../tls-sessions.js';
import type { Push } from './notification.js';
import type { ProviderTokenSigner } from './provider-token.js';
import type { Http2DisconnectCause } from './types.js';

/** How a stream ended without an answer. */
export type Unanswered = 'refused' | 'reset' | 'lost' | 'timeout';

export type ConnectionState = 'connecting' | 'ready' | 'draining' | 'closed';

export interface ConnectionSettings {
  readonly requestTimeoutMs: number;
  readonly connectTimeoutMs: number;
  readonly pingIntervalMs: number;
  readonly pingTimeoutMs: number;
  readonly tokenRefreshMs: number;
  readonly clock: () => number;
}

export interface ConnectionHooks {
  /** TLS, HTTP/2 and the server's first SETTINGS are through. */
  opened(connection: PushConnection): void;
  /** Room for more streams (ready, a stream ended, the limit rose). */
  room(connection: PushConnection): void;
  answered(connection: PushConnection, push: Push, outcome: PushOutcome, apnsId: string | undefined): void;
  unanswered(connection: PushConnection, push: Push, how: Unanswered): void;
  /** APNs sent GOAWAY (with the reason of its debug data, if any). */
  goaway(connection: PushConnection, reason: string | undefined): void;
  closed(connection: PushConnection, cause: Http2DisconnectCause, reason: string | undefined, error: Error | undefined): void;
}

export interface PushConnection {
  readonly number: number;
  readonly state: ConnectionState;
  /** Whether any stream got an answer (the connection works). */
  readonly answeredAny: boolean;
  /** Streams open and not yet settled. */
  readonly inFlightCount: number;
  /** Streams it can open now. */
  readonly room: number;
  connect(): void;
  /** Opens a stream for `push`; false when it cannot now (closing, or its token is being replaced): the caller keeps the push. */
  open(push: Push): boolean;
  /** Takes no new streams; closes once those in flight are answered. */
  drain(cause?: Http2DisconnectCause): void;
  /** Our own close: nothing left to send. */
  close(): void;
  destroy(cause: Http2DisconnectCause, error?: Error): void;
  /** How long it has been open (0 before it was). */
  openFor(now: number): number;
}

/** The transports a sender can use: the direct frame writer (default) or node:http2 (the reference). */
export type Http2Transport = 'direct' | 'node-http2';

export interface ConnectionParts {
  readonly number: number;
  readonly address: Address;
  readonly credentials: ResolvedCredentials;
  readonly signer: ProviderTokenSigner | undefined;
  readonly settings: ConnectionSettings;
  readonly hooks: ConnectionHooks;
  /** The sender's TLS sessions: a reconnect resumes the last one. */
  readonly sessions: TlsSessions;
}

/** More of a failure body than APNs ever sends is not kept. */
export const MAX_BODY_BYTES = 4096;
/** Streams per connection at most, whatever the server allows (bounds memory per connection). */
export const MAX_STREAMS_PER_CONNECTION = 2000;
const TIMEOUT_SWEEPS_PER_PERIOD = 4;
const MAX_SWEEP_MS = 1000;

/** How often to look for timed-out streams: a few times per timeout period, at least once a second. */
export function timeoutSweepMs(requestTimeoutMs: number): number {
  return Math.max(1, Math.min(MAX_SWEEP_MS, Math.floor(requestTimeoutMs / TIMEOUT_SWEEPS_PER_PERIOD)));
}

/** The ALPN name of HTTP/2 over TLS. */
export const ALPN_H2 = 'h2';

/**
 * The TLS socket under either transport: HTTP/2 offered by ALPN, the sender's last session offered
 * for resumption, and as server name the configured one, else the host unless it is an IP address.
 */
export function openHttp2Socket(parts: ConnectionParts): TLSSocket {
  const { address: { host, port }, credentials } = parts;
  const servername = credentials.connectOptions.servername ?? (isIP(host) !== 0 ? undefined : host);
  return parts.sessions.connect({ ...credentials.connectOptions, host, port, ALPNProtocols: [ALPN_H2], ...(servername ? { servername } : {}) });
}
