/**
 * The HTTP/2 sender's options, report and events. Field for field they follow the binary sender's
 * (sent, delivered, failed with status and name, unconfirmed with a reason), so code that reads one
 * report reads the other; HTTP/2 adds Apple's reason, the 410 timestamp and apns-id.
 */
import type { Http2Priority, ReasonInfo } from '@apnskit/codec/http2';
import type { ApnsTlsOptions, ServerTrustOptions } from '@apnskit/tls';
import type { AddressInput } from '../connection-api.js';
import type { ReportOf } from '../sender-types.js';

/** A provider token key: Apple's .p8 file (path or PEM text), its key id and your team id. */
export interface ProviderTokenOptions {
  /** Path to `AuthKey_<keyId>.p8`, or its PEM text (`-----BEGIN PRIVATE KEY-----`). */
  readonly key: string | Buffer;
  /** The 10-character key id shown beside the key in Apple's developer portal. */
  readonly keyId: string;
  /** The 10-character team id. */
  readonly teamId: string;
}

export interface Http2SenderOptions {
  /** Selects this sender in createSender(). */
  readonly protocol: 'h2';
  /** 'sandbox' (default): api.sandbox.push.apple.com:443; 'production': api.push.apple.com:443. */
  readonly environment?: 'sandbox' | 'production';
  /** Overrides the host and port (a mock, or port 2197). */
  readonly address?: AddressInput;
  /** Provider token authentication (one of `token` or a client certificate in `tls`). */
  readonly token?: ProviderTokenOptions;
  /**
   * A client certificate (certificate authentication), or with `token` only server trust
   * (`ca`, `servername`). Bad files throw ApnsTlsError here, before any connection.
   */
  readonly tls?: ApnsTlsOptions | ServerTrustOptions;
  /** Bundle id the topic is made from (`<bundle>` + the push type's suffix). Default: the certificate's UID. */
  readonly topic?: string;
  /** apns-push-type when a notification names none (default: inferred from the payload). */
  readonly pushType?: string;
  /**
   * What carries the HTTP/2 frames: 'direct' (default), frames written straight onto the TLS
   * socket by this package; or 'node-http2', Node's own HTTP/2 client (slower per notification,
   * kept as the reference the direct path is tested against).
   */
  readonly transport?: 'direct' | 'node-http2';
  /** Connections in the pool (default 1). */
  readonly connections?: number;
  /** send() waits while this many notifications are queued (default 8192). */
  readonly highWaterMark?: number;
  /** Per notification, counted from when its stream is opened (default 10 000 ms). Then it is reported unconfirmed ('timeout'). */
  readonly requestTimeoutMs?: number;
  /** Resends of one notification after 429, 500, 503 or a lost connection (default 3). */
  readonly maxRetries?: number;
  /** Delay before such a resend: initialMs doubling per attempt up to maxMs (defaults 1000, 60 000). */
  readonly retryBackoff?: { readonly initialMs?: number; readonly maxMs?: number };
  /** Consecutive failed connection attempts before the sender gives up (default 10). */
  readonly reconnectLimit?: number;
  /** Reconnect delay after failures: initialMs doubling up to maxMs (defaults 100, 5000). */
  readonly backoff?: { readonly initialMs?: number; readonly maxMs?: number };
  /** PING an idle-or-busy connection this often (default 60 000 ms; 0: never). */
  readonly pingIntervalMs?: number;
  /** A PING unanswered this long ends the connection (default 10 000 ms). */
  readonly pingTimeoutMs?: number;
  /** TCP + TLS + first SETTINGS within this time (default 10 000 ms). */
  readonly connectTimeoutMs?: number;
  /** A connection's provider token is replaced after this long (default 50 min; 20 to 50 min). */
  readonly tokenRefreshMs?: number;
  /** Milliseconds since the epoch for token `iat` and ages (default Date.now; tests inject one). */
  readonly clock?: () => number;
  /** Keep the delivered notifications in the report (default false: a count only). */
  readonly keepDelivered?: boolean;
  /** Called for each notification Apple rejected (same as the 'failed' event). */
  readonly onFailed?: (event: Http2FailedNotification) => void;
}

/** What send() takes: the binary sender's Notification fields, plus the HTTP/2 headers. */
export interface Http2Notification {
  /** Device token: hex (any length) or bytes. */
  readonly token: string | Uint8Array;
  /** JSON: a string, its bytes, or an object to stringify. */
  readonly payload: string | Uint8Array | object;
  /** apns-topic; default the sender's topic with the push type's suffix. */
  readonly topic?: string;
  readonly pushType?: string;
  /** 10 (default; background: 5), 5 or 1. */
  readonly priority?: Http2Priority;
  /** apns-expiration: UNIX seconds or a Date; 0 = one attempt. `expiry` (binary name) is read too. */
  readonly expiration?: number | Date;
  readonly expiry?: number | Date;
  readonly collapseId?: string;
  /** A canonical UUID; APNs makes one when absent. */
  readonly apnsId?: string;
}

/** A notification as sent (what reports and events carry). */
export interface Http2SentNotification {
  /** Lower-case hex. */
  readonly token: string;
  readonly payload: Buffer;
  readonly topic: string | undefined;
  readonly pushType: string;
  readonly priority: Http2Priority | undefined;
  readonly expiration: number | undefined;
  readonly collapseId: string | undefined;
  readonly apnsId: string | undefined;
  readonly format: 'h2';
}

/** A notification APNs rejected. */
export interface Http2FailedNotification {
  readonly notification: Http2SentNotification;
  /** HTTP status, e.g. 410. */
  readonly status: number;
  /** Apple's reason, e.g. `Unregistered` (same as `reason`; the binary sender's field name). */
  readonly name: string;
  readonly reason: string;
  /** What the reason means and what to do about it. */
  readonly info: ReasonInfo;
  /** 410 only: when APNs last saw the token invalid for the topic. */
  readonly timestamp?: Date;
  /** The apns-id APNs answered with. */
  readonly apnsId?: string;
}

export type Http2UnconfirmedReason =
  /** Its stream stayed unanswered for requestTimeoutMs (it may still have been delivered). */
  | 'timeout'
  /** Its retry limit was reached (lost connections, 429/500/503 answers). */
  | 'retry-limit'
  /** Never answered: the sender gave up connecting, or APNs refused the connection or the clock. */
  | 'connect-failed';

export interface Http2UnconfirmedNotification {
  readonly notification: Http2SentNotification;
  readonly reason: Http2UnconfirmedReason;
}

/** Why notifications went back to the queue. */
export type Http2ResendCause = 'goaway' | 'refused' | 'reset' | 'connection-lost' | 'retryable-answer' | 'expired-provider-token';

export interface Http2ResentEvent {
  readonly count: number;
  /** True when APNs may have processed an earlier copy (a reset stream or a lost connection). */
  readonly possiblyDelivered: boolean;
  readonly cause: Http2ResendCause;
  readonly notifications: readonly Http2SentNotification[];
}

/** A 410: stop sending to this token (HTTP/2's feedback service). */
export interface UnregisteredEvent {
  readonly token: string;
  readonly reason: string;
  /** Apple's timestamp; the answer's time when Apple sent none. */
  readonly timestamp: Date;
  readonly notification: Http2SentNotification;
}

export type Http2SenderReport = ReportOf<Http2SentNotification, Http2FailedNotification, Http2UnconfirmedNotification>;

export type Http2DisconnectCause = 'closed' | 'goaway' | 'connection-lost' | 'ping-timeout' | 'connect-failed' | 'token-expired';

export interface Http2SenderEvents {
  failed: [Http2FailedNotification];
  unregistered: [UnregisteredEvent];
  resent: [Http2ResentEvent];
  unconfirmed: [Http2UnconfirmedNotification];
  connect: [{ readonly connection: number }];
  disconnect: [{ readonly connection: number; readonly cause: Http2DisconnectCause; readonly reason?: string; readonly error?: Error }];
  error: [Error];
}
