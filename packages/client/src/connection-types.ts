import type { Message, Notification, NotificationFormat, PriorityValue, StatusInfo } from '@apnskit/codec';
import type { ApnsClientError } from './errors.js';

/*
 * The public shapes of a connection: options, handlers and the events they get. A leaf: it
 * imports nothing from the package but the error class, so the implementation depends on it,
 * never the other way round.
 */

export type ConnectionState = 'idle' | 'connecting' | 'open' | 'closing' | 'closed';

/** Why a connection ended. */
export type SettleCause =
  /** Apple's error response named a notification we remember (or forgot: see forgotten). */
  | 'error-response'
  /** The closing probe was answered: everything before it was processed. */
  | 'probe-answered'
  /** The error response named nothing we could place (id 0 without a probe, never assigned, simple format). */
  | 'unknown-identifier'
  /** Closed (or reset) without an error response. */
  | 'silent-close'
  /** The gateway wrote bytes that are not error responses. */
  | 'garbage'
  /** The probe was not answered in time. */
  | 'probe-timeout'
  /** Never connected: every frame is still unwritten. */
  | 'connect-failed'
  /** Closed by the caller without a probe. */
  | 'closed';

/** Bounds of a connection's sent window. */
export interface WindowLimits {
  /** Frames older than this are forgotten (default 15 000 ms, as the original library). */
  readonly maxAgeMs: number;
  /** At most this many frames (default 1 000 000). */
  readonly maxCount: number;
  /** At most this many frame bytes (default 256 MiB). */
  readonly maxBytes: number;
}

/** A notification as read back from the frame the client wrote (what reports and handlers carry). */
export interface SentNotification {
  /** Device token, hex. */
  readonly token: string;
  /** Payload bytes (a copy). */
  readonly payload: Buffer;
  /** Identifier on the connection that last wrote it (0 for the simple format). */
  readonly id: number;
  readonly expiry: number;
  readonly priority: PriorityValue;
  readonly format: NotificationFormat;
}

/** A message the connection wrote (or queued), read back from its encoded frame. */
export interface SentMessage {
  /** The identifier it carried on this connection (0 when never written). */
  readonly id: number;
  readonly notification: SentNotification;
  /** The encoded frame (a view into the batch it was written from): resend it as is. */
  readonly frame: Buffer;
  /** True when an earlier write may have reached Apple (after a silent close). */
  readonly possiblyDelivered: boolean;
  /** How many times the managed sender resent it after its fate was left unknown (0 on a plain connection). */
  readonly retries: number;
}

/** Apple's error response, read against the sent window. */
export interface ConnectionErrorEvent {
  readonly status: number;
  /** Stable name of the status, e.g. `invalid-token`, `shutdown`, `unknown-77`. */
  readonly name: string;
  readonly id: number;
  readonly info: StatusInfo;
  /** The rejected message: one, or none for status 10 (it was the last delivered) or when forgotten. */
  readonly faulty: readonly SentMessage[];
  /** Messages after it that Apple discarded: resend them. */
  readonly resent: readonly SentMessage[];
  /** How many messages this answer proves were processed. */
  readonly delivered: number;
}

/** The connection ended: what to do with what it held. */
export interface ChannelInactiveEvent {
  readonly cause: SettleCause;
  /** Messages to send again: discarded by Apple, never written, or (possiblyDelivered) of unknown fate. */
  readonly resend: readonly SentMessage[];
  /** Messages proven processed. */
  readonly delivered: number;
  /** Messages Apple rejected (see the error handler). */
  readonly failed: number;
  /** Messages the window no longer held whose fate is unknown: they cannot be resent. */
  readonly forgotten: number;
  readonly error?: Error;
}

/** An error response named an identifier the window no longer (or never) held. */
export interface UnknownIdentifierEvent {
  readonly id: number;
  readonly status: number;
  readonly name: string;
  /** Messages written before the window's oldest whose fate this answer leaves unknown. */
  readonly forgotten: number;
  readonly error: ApnsClientError;
}

/** The socket went away (before onChannelInactive). */
export interface DisconnectEvent {
  readonly cause: SettleCause;
  readonly error?: Error;
}

/** Every handler is optional; each runs inside a socket event, so a throw goes to onException. */
export interface ConnectionHandlers {
  readonly onError?: (event: ConnectionErrorEvent) => void;
  readonly onChannelInactive?: (event: ChannelInactiveEvent) => void;
  readonly onUnknownIdentifier?: (event: UnknownIdentifierEvent) => void;
  readonly onConnect?: () => void;
  readonly onDisconnect?: (event: DisconnectEvent) => void;
  readonly onClose?: () => void;
  readonly onDrain?: () => void;
  readonly onException?: (error: Error) => void;
  /** Raw bytes as read from the gateway. */
  readonly onRead?: (chunk: Buffer) => void;
}

export interface ConnectionOptions {
  /** Wire format of notifications: 'frame' (default), 'enhanced' or 'simple' (no identifiers). */
  readonly format?: NotificationFormat;
  /** Largest payload in bytes (default 2048). */
  readonly payloadLimit?: number;
  /** Bounds of the sent window (defaults: 15 s, 1 000 000 frames, 256 MiB). */
  readonly window?: Partial<WindowLimits>;
  /** Give up opening after this long (default 10 000 ms). */
  readonly connectTimeoutMs?: number;
  /**
   * Stop writing while the socket holds this many unsent bytes (default 256 KiB). Everything written
   * but not yet read by the gateway is discarded after a rejection and resent: a smaller buffer wastes less.
   */
  readonly writeBufferBytes?: number;
  /** How long to keep reading after a write error or our own end, for a late error response (default 1000 ms). */
  readonly closeGraceMs?: number;
  /** Identifier of the first message (default 1); for tests of the wrap at 2^32. */
  readonly firstIdentifier?: number;
}

/** A connection to the gateway, as createConnection returns it. */
export interface Connection {
  readonly state: ConnectionState;
  readonly format: NotificationFormat;
  /** Messages queued in the process, not yet written. */
  readonly queued: number;
  /** Frames written whose fate is not known yet. */
  readonly unsettled: number;
  /** Frames written so far (the probe excluded). */
  readonly written: number;
  /** The socket or protocol error that ended (or is ending) the connection, if any. */
  readonly error: Error | undefined;
  /** Queues a message (checked now: bad input throws and queues nothing). Connects on first use. */
  send(message: Notification | Message): void;
  /**
   * Ends with the probe (a zero-length-token frame) once everything queued is written; its answer
   * proves every earlier frame processed. Returns false when nothing needs proving (then it just closes).
   */
  probe(timeoutMs: number): boolean;
  /** Closes without a probe: written frames of unknown fate come back as possibly delivered. */
  close(): void;
  /** Tears the socket down now. */
  destroy(error?: Error): void;
}
