import type { NotificationFormat, StatusInfo } from '@apnskit/codec';
import type { SentNotification } from './frames.js';
import type { WindowLimits } from './sent-window.js';
import type { SettleCause } from './settlement.js';
import type { ApnsClientError } from './errors.js';
import type { Connection } from './connection.js';
import type { FrameQueue } from './frame-queue.js';
import type { Settlement } from './settlement.js';

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

/** Every handler is optional; each runs inside a socket event, so a throw goes to onException. */
export interface ConnectionHandlers {
  readonly onError?: (event: ConnectionErrorEvent) => void;
  readonly onChannelInactive?: (event: ChannelInactiveEvent) => void;
  readonly onUnknownIdentifier?: (event: UnknownIdentifierEvent) => void;
  readonly onConnect?: () => void;
  readonly onDisconnect?: (event: { readonly cause: SettleCause; readonly error?: Error }) => void;
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

/** What the managed sender listens to (compact: no message objects). */
export interface ConnectionHooks {
  readonly onOpen?: (connection: Connection) => void;
  readonly onWritable?: (connection: Connection) => void;
  /** The ending is known; `unwritten` holds the frames that never left the process. */
  readonly onSettled?: (connection: Connection, settlement: Settlement, unwritten: FrameQueue) => void;
  readonly onClosed?: (connection: Connection) => void;
}
