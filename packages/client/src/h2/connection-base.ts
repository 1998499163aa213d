/**
 * What every transport's connection does the same way: streams only while the server's live
 * SETTINGS_MAX_CONCURRENT_STREAMS leaves room (one until a token connection's token is proven),
 * the provider token, timers counted from each stream's opening, PING health checks, GOAWAY
 * bookkeeping, and telling the sender how each stream ended: answered, refused unprocessed, reset,
 * lost with the connection, or timed out. A transport supplies the wire: connect, open a stream,
 * cancel one, ping, close; and calls back here as the server answers.
 */
import { Http2ErrorCode, Http2Status, parseFailureBody, pushOutcome } from '@apnskit/codec/http2';
import { ConnectionToken } from './connection-token.js';
import type { Push } from './notification.js';
import { MAX_BODY_BYTES, MAX_STREAMS_PER_CONNECTION, timeoutSweepMs, type ConnectionParts, type ConnectionState, type PushConnection, type Unanswered } from './push-connection.js';
import type { Http2DisconnectCause } from './types.js';

export interface InFlight {
  readonly push: Push;
  readonly openedAt: number;
  /** Its stream id once known (0 before). */
  streamId: number;
  status: number;
  apnsId: string | undefined;
  body: Buffer[] | undefined;
  bodyLength: number;
  timedOut: boolean;
}

export abstract class ConnectionBase<Key> implements PushConnection {
  state: ConnectionState = 'connecting';
  answeredAny = false;
  readonly number: number;
  protected readonly inFlight = new Map<Key, InFlight>();
  protected readonly tokens: ConnectionToken;
  /** Why it ends, once known; undefined until then (a connection that just dies is 'connection-lost'). */
  protected cause: Http2DisconnectCause | undefined;
  protected error: Error | undefined;
  /** The server's SETTINGS_MAX_CONCURRENT_STREAMS (capped), 0 until its first SETTINGS. */
  private limit = 0;
  private goawayLastStreamId = Number.POSITIVE_INFINITY;
  private reason: string | undefined;
  private openedAt = 0;
  private connectTimer: NodeJS.Timeout | undefined;
  private sweepTimer: NodeJS.Timeout | undefined;
  private pingTimer: NodeJS.Timeout | undefined;
  private pingDeadline: NodeJS.Timeout | undefined;

  constructor(protected readonly parts: ConnectionParts) {
    this.number = parts.number;
    this.tokens = new ConnectionToken(parts.signer, parts.settings, () => parts.hooks.room(this), (error) => this.destroy('connect-failed', error));
  }

  abstract connect(): void;
  /** Opens a stream carrying `push` (and the provider token); undefined when the transport takes no more streams. */
  protected abstract openStream(push: Push, providerToken: string | undefined, entry: InFlight): Key | undefined;
  /** Cancels a timed-out stream; the transport then reports it over (streamOver). */
  protected abstract cancelStream(key: Key): void;
  protected abstract sendPing(): void;
  protected abstract closeTransport(): void;
  protected abstract destroyTransport(): void;

  get inFlightCount(): number {
    return this.inFlight.size;
  }

  get room(): number {
    if (this.state !== 'ready' || this.tokens.signing) return 0;
    return Math.max(0, this.tokens.allowed(this.limit) - this.inFlight.size);
  }

  openFor(now: number): number {
    return this.openedAt === 0 ? 0 : now - this.openedAt;
  }

  open(push: Push): boolean {
    if (this.room === 0) return false;
    if (this.tokens.refreshIfDue()) return false;
    const entry: InFlight = { push, openedAt: Date.now(), streamId: 0, status: 0, apnsId: undefined, body: undefined, bodyLength: 0, timedOut: false };
    const key = this.openStream(push, this.tokens.token, entry);
    if (key === undefined) {
      // The transport is closing (or out of stream ids): this connection takes no more.
      this.drain();
      return false;
    }
    this.inFlight.set(key, entry);
    return true;
  }

  drain(cause?: Http2DisconnectCause): void {
    if (this.state === 'closed') return;
    if (cause) this.cause = cause;
    this.state = 'draining';
    if (this.inFlight.size === 0) this.closeTransport();
  }

  /** Our own close, unless it is already ending for another reason (GOAWAY, a retired token). */
  close(): void {
    this.cause ??= 'closed';
    this.drain();
  }

  destroy(cause: Http2DisconnectCause, error?: Error): void {
    this.cause = cause;
    this.error ??= error;
    this.destroyTransport();
  }

  /** Fails the connection if the server's first SETTINGS has not come within connectTimeoutMs. */
  protected startConnectTimer(where: string): void {
    this.connectTimer = setTimeout(() => {
      this.error ??= new Error(`no HTTP/2 SETTINGS from ${where} within ${this.parts.settings.connectTimeoutMs} ms`);
      this.destroy('connect-failed');
    }, this.parts.settings.connectTimeoutMs);
  }

  /** The server's SETTINGS: the first makes the connection ready, later ones may make room. */
  protected settingsReceived(maxConcurrentStreams: number | undefined): void {
    this.limit = Math.min(maxConcurrentStreams ?? MAX_STREAMS_PER_CONNECTION, MAX_STREAMS_PER_CONNECTION);
    if (this.state === 'connecting') this.becomeReady();
    else this.parts.hooks.room(this);
  }

  protected responseHeaders(entry: InFlight, status: number, apnsId: string | undefined): void {
    // 1xx are interim: the answer comes later.
    if (status >= Http2Status.Ok) entry.status = status;
    if (apnsId !== undefined) entry.apnsId = apnsId;
  }

  /** Keeps at most MAX_BODY_BYTES of a failure body (copied: `chunk` may be a view). */
  protected responseData(entry: InFlight, chunk: Uint8Array): void {
    if (chunk.length === 0 || entry.bodyLength + chunk.length > MAX_BODY_BYTES) return;
    (entry.body ??= []).push(Buffer.from(chunk));
    entry.bodyLength += chunk.length;
  }

  /** A stream is over: an answer when it got a status in time, else unanswered as `how` says. */
  protected streamOver(key: Key, entry: InFlight, how: Unanswered): void {
    if (!this.inFlight.delete(key)) return;
    const { push } = entry;
    if (entry.status > 0 && !entry.timedOut) {
      this.answeredAny = true;
      const body = entry.status === Http2Status.Ok || entry.body === undefined ? '' : Buffer.concat(entry.body, entry.bodyLength).toString('utf8');
      // A 403 may be the token itself; anything else proves it (or the request never reached auth).
      this.tokens.answered(entry.status);
      this.parts.hooks.answered(this, push, pushOutcome(entry.status, body), entry.apnsId);
    } else {
      this.parts.hooks.unanswered(this, push, entry.timedOut ? 'timeout' : how);
    }
    if (this.state === 'draining' && this.inFlight.size === 0) this.closeTransport();
    else this.parts.hooks.room(this);
  }

  /** How a stream that ended unanswered ended: refused when APNs never processed it, lost when its fate is unknown. */
  protected unansweredHow(entry: InFlight, resetCode: number | undefined, connectionGone: boolean): Unanswered {
    // Above a GOAWAY's lastStreamId, or refused outright: APNs never processed it.
    if (resetCode === Http2ErrorCode.RefusedStream || entry.streamId > this.goawayLastStreamId) return 'refused';
    // At or below lastStreamId yet cut off unanswered, or the connection died: fate unknown.
    return connectionGone || this.goawayLastStreamId !== Number.POSITIVE_INFINITY ? 'lost' : 'reset';
  }

  protected goawayReceived(errorCode: number, lastStreamId: number, debugData: Uint8Array | undefined): void {
    this.goawayLastStreamId = Math.min(this.goawayLastStreamId, lastStreamId);
    const body = debugData && debugData.length > 0 ? parseFailureBody(Buffer.from(debugData.buffer, debugData.byteOffset, debugData.length).toString('utf8')) : undefined;
    this.reason ??= body?.reason ?? (errorCode !== Http2ErrorCode.NoError ? `GOAWAY error ${errorCode}` : undefined);
    // A close we began (ours, or a retired token) keeps its cause when the server answers with GOAWAY.
    this.cause ??= 'goaway';
    this.state = 'draining';
    this.parts.hooks.goaway(this, this.reason);
  }

  /** Whether a stream was above a GOAWAY's lastStreamId (never processed). */
  protected aboveGoaway(streamId: number): boolean {
    return streamId > this.goawayLastStreamId;
  }

  pingAnswered(): void {
    clearTimeout(this.pingDeadline);
    this.pingDeadline = undefined;
  }

  /** The transport is gone: every stream still in flight is refused (never sent or above GOAWAY) or lost. */
  protected transportClosed(): void {
    clearTimeout(this.connectTimer);
    clearInterval(this.sweepTimer);
    clearInterval(this.pingTimer);
    this.pingAnswered();
    if (this.state === 'connecting') this.cause = 'connect-failed';
    this.state = 'closed';
    for (const [key, entry] of this.inFlight) {
      this.inFlight.delete(key);
      const refused = entry.streamId === 0 || entry.streamId > this.goawayLastStreamId;
      this.parts.hooks.unanswered(this, entry.push, entry.timedOut ? 'timeout' : refused ? 'refused' : 'lost');
    }
    this.parts.hooks.closed(this, this.cause ?? 'connection-lost', this.reason, this.error);
  }

  private becomeReady(): void {
    clearTimeout(this.connectTimer);
    this.openedAt = Date.now();
    this.state = 'ready';
    const { requestTimeoutMs, pingIntervalMs } = this.parts.settings;
    this.sweepTimer = setInterval(() => this.sweepTimeouts(), timeoutSweepMs(requestTimeoutMs));
    this.sweepTimer.unref();
    if (pingIntervalMs > 0) {
      this.pingTimer = setInterval(() => this.ping(), pingIntervalMs);
      this.pingTimer.unref();
    }
    this.parts.hooks.opened(this);
    if (this.tokens.needed) this.tokens.refresh();
    else this.parts.hooks.room(this);
  }

  /** A stream open for requestTimeoutMs is cancelled and reported: APNs sometimes never answers. */
  private sweepTimeouts(): void {
    const deadline = Date.now() - this.parts.settings.requestTimeoutMs;
    for (const [key, entry] of this.inFlight) {
      if (entry.openedAt > deadline || entry.timedOut) continue;
      entry.timedOut = true;
      this.cancelStream(key);
    }
  }

  /** One PING at a time; unanswered within pingTimeoutMs, the connection ends (its streams are resent). */
  private ping(): void {
    if (this.state !== 'ready' || this.pingDeadline !== undefined) return;
    const { pingTimeoutMs } = this.parts.settings;
    this.pingDeadline = setTimeout(() => this.destroy('ping-timeout', new Error(`no PING answer within ${pingTimeoutMs} ms`)), pingTimeoutMs);
    this.pingDeadline.unref();
    this.sendPing();
  }
}
