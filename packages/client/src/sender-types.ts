import type { NotificationFormat, StatusInfo } from '@apnskit/codec';
import type { AddressInput } from './connection-api.js';
import type { SentNotification } from './frames.js';
import type { WindowLimits } from './sent-window.js';
import type { SettleCause } from './settlement.js';
import type { TlsInput } from './socket.js';

export interface SenderOptions {
  /** 'binary' (default): the binary gateway; `protocol: 'h2'` takes Http2SenderOptions instead. */
  readonly protocol?: 'binary';
  /** Gateway: `host:port` or `{ host, port }` (gatewayAddress('sandbox' | 'production')). */
  readonly address: AddressInput;
  /** Credentials (resolved once, before any connection: bad ones throw ApnsTlsError here). */
  readonly tls: TlsInput;
  /** Connections in the pool (default 1). */
  readonly connections?: number;
  /** 'frame' (default), 'enhanced', or 'simple' (no identifiers: every answer is ambiguous). */
  readonly format?: NotificationFormat;
  /** Largest payload in bytes (default 2048). */
  readonly payloadLimit?: number;
  /** send() waits while this many notifications are queued in the process (default 8192; a lower mark lets socket events run between bursts of sends). */
  readonly highWaterMark?: number;
  /**
   * Times one notification may be resent after its fate was left unknown (silent close, reset,
   * unplaceable answer; default 3). Resending what Apple discarded because another notification
   * failed is not charged: Apple said it never processed those, and every answer settles at least one.
   */
  readonly maxRetries?: number;
  /** Consecutive failed connection attempts before the sender gives up (default 10). */
  readonly reconnectLimit?: number;
  /** Reconnect delay after failures: initialMs doubling up to maxMs (defaults 100, 5000). */
  readonly backoff?: { readonly initialMs?: number; readonly maxMs?: number };
  /**
   * After this many notifications on one connection, end it with a probe and carry on with a new
   * one (default 0: never). Bounds what a silent close can put in doubt (and resend as possibly
   * duplicated) to about this many per connection, at the cost of a reconnect each time.
   */
  readonly checkpointEvery?: number;
  /** How long close() waits for each probe's answer (default 10 000 ms). */
  readonly probeTimeoutMs?: number;
  /** After a silent close: resend the ambiguous tail (default, counted as possibly duplicated) or report it unconfirmed. */
  readonly silentClose?: 'resend' | 'unconfirmed';
  /** Keep the delivered notifications in the report (default false: a count only). */
  readonly keepDelivered?: boolean;
  /** Sent window of each connection (defaults: 15 s, 1 000 000 frames, 256 MiB). */
  readonly window?: Partial<WindowLimits>;
  readonly connectTimeoutMs?: number;
  readonly writeBufferBytes?: number;
  readonly closeGraceMs?: number;
  /** Called for each notification Apple rejected (same as the 'failed' event). */
  readonly onFailed?: (event: FailedNotification) => void;
}

/** A notification Apple rejected. Status 8 (name `invalid-token`): drop the token. */
export interface FailedNotification {
  readonly notification: SentNotification;
  readonly status: number;
  readonly name: string;
  readonly info: StatusInfo;
}

export type UnconfirmedReason =
  /** Written before a silent close and not resent (silentClose: 'unconfirmed'). */
  | 'silent-close'
  /** Its retry limit was reached. */
  | 'retry-limit'
  /** The closing probe went unanswered. */
  | 'probe-timeout'
  /** Never written: the sender gave up connecting. */
  | 'connect-failed';

export interface UnconfirmedNotification {
  readonly notification: SentNotification;
  readonly reason: UnconfirmedReason;
}

export interface ResentEvent {
  /** How many notifications go back to the queue. */
  readonly count: number;
  /** True after a silent close: an earlier copy may have arrived. */
  readonly possiblyDelivered: boolean;
  readonly cause: SettleCause;
  /** The notifications, only when a 'resent' listener exists. */
  readonly notifications: readonly SentNotification[];
}

export interface UnknownIdentifierNotice {
  readonly id: number;
  readonly status: number;
  readonly name: string;
  /** Notifications whose fate this leaves unknown (counted in unconfirmedCount as forgotten). */
  readonly forgotten: number;
}

/**
 * What close() resolves with, the same for both protocols: every notification accepted by send()
 * is counted in exactly one of delivered, failed and unconfirmed.
 */
export interface ReportOf<Sent, Failed, Unconfirmed> {
  /** Notifications accepted by send(). sent = delivered + failed.length + unconfirmedCount. */
  readonly sent: number;
  /** Proven processed: on the binary gateway an answer naming a later notification or the probe's answer; on HTTP/2 a 200. */
  readonly delivered: number;
  /** With keepDelivered: the delivered notifications (on the binary gateway, those the window still held when proven). */
  readonly deliveredNotifications?: readonly Sent[];
  readonly failed: readonly Failed[];
  readonly unconfirmed: readonly Unconfirmed[];
  /** unconfirmed.length plus `forgotten`. */
  readonly unconfirmedCount: number;
  /** Unconfirmed ones the binary sender's window had forgotten: counted, not listed (always 0 on HTTP/2). */
  readonly forgotten: number;
  /** Writes after the first (each resend of each notification). */
  readonly resent: number;
  /** Resent after a silent close, a reset stream or a lost connection: the server may hold two copies. */
  readonly possiblyDuplicated: number;
  /** Connections opened. */
  readonly connections: number;
  readonly elapsedMs: number;
}

export type SenderReport = ReportOf<SentNotification, FailedNotification, UnconfirmedNotification>;

export interface SenderEvents {
  failed: [FailedNotification];
  resent: [ResentEvent];
  unconfirmed: [UnconfirmedNotification];
  unknownIdentifier: [UnknownIdentifierNotice];
  connect: [{ readonly connection: number }];
  disconnect: [{ readonly connection: number; readonly cause: SettleCause; readonly error?: Error }];
  error: [Error];
}
