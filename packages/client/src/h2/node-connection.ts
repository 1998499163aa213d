/**
 * One HTTP/2 connection to APNs on node:http2 (transport 'node-http2', the reference). It opens a stream only when the server's live
 * SETTINGS_MAX_CONCURRENT_STREAMS leaves room (nothing ever waits inside nghttp2), times each
 * stream from when it is opened, owns its provider token, and tells the sender how every stream
 * ended: answered, refused unprocessed, reset, lost with the connection, or timed out.
 */
import { connect as http2Connect, constants, type ClientHttp2Session, type ClientHttp2Stream, type IncomingHttpHeaders } from 'node:http2';
import { connect as tlsConnect } from 'node:tls';
import { isIP } from 'node:net';
import { Http2Status, parseFailureBody, pushOutcome, pushRequestHeaders, type PushOutcome } from '@apnskit/codec/http2';
import { ConnectionToken } from './connection-token.js';
import type { Push } from './notification.js';
import { MAX_BODY_BYTES, MAX_STREAMS_PER_CONNECTION, serverNameFor, timeoutSweepMs, type ConnectionParts, type ConnectionState, type PushConnection, type Unanswered } from './push-connection.js';
import type { Http2DisconnectCause } from './types.js';

interface InFlight {
  readonly push: Push;
  readonly openedAt: number;
  status: number;
  apnsId: string | undefined;
  body: Buffer[];
  bodyLength: number;
  timedOut: boolean;
}

export class NodeHttp2Connection implements PushConnection {
  state: ConnectionState = 'connecting';
  /** Whether any stream got an answer (the connection works). */
  answeredAny = false;
  readonly inFlight = new Map<ClientHttp2Stream, InFlight>();
  private session: ClientHttp2Session | undefined;
  /** The server's SETTINGS_MAX_CONCURRENT_STREAMS, 0 until its first SETTINGS. */
  private limit = 0;
  private readonly tokens: ConnectionToken;
  private goawayLastStreamId = Number.POSITIVE_INFINITY;
  private cause: Http2DisconnectCause = 'connection-lost';
  private reason: string | undefined;
  private error: Error | undefined;
  private openedAt = 0;
  private connectTimer: NodeJS.Timeout | undefined;
  private sweepTimer: NodeJS.Timeout | undefined;
  private pingTimer: NodeJS.Timeout | undefined;

  readonly number: number;

  constructor(private readonly parts: ConnectionParts) {
    this.number = parts.number;
    this.tokens = new ConnectionToken(parts.signer, parts.settings, () => parts.hooks.room(this), (error) => this.destroy('connect-failed', error));
  }

  get inFlightCount(): number {
    return this.inFlight.size;
  }

  connect(): void {
    const { host, port } = this.parts.address;
    const { credentials } = this.parts;
    const servername = serverNameFor(credentials, host, isIP(host) !== 0);
    const session = http2Connect(`https://${host}:${port}`, {
      createConnection: () => tlsConnect({ ...credentials.connectOptions, host, port, ALPNProtocols: ['h2'], ...(servername ? { servername } : {}) }),
    });
    this.session = session;
    session.on('error', (error: Error) => {
      this.error ??= error;
    });
    session.on('remoteSettings', (settings) => {
      this.limit = Math.min(settings.maxConcurrentStreams ?? MAX_STREAMS_PER_CONNECTION, MAX_STREAMS_PER_CONNECTION);
      if (this.state === 'connecting') this.becomeReady();
      else this.parts.hooks.room(this);
    });
    session.on('goaway', (errorCode: number, lastStreamId: number, opaqueData?: Buffer) => this.onGoaway(errorCode, lastStreamId, opaqueData));
    session.on('close', () => this.onClose());
    this.connectTimer = setTimeout(() => {
      this.error ??= new Error(`no HTTP/2 SETTINGS from ${host}:${port} within ${this.parts.settings.connectTimeoutMs} ms`);
      this.cause = 'connect-failed';
      session.destroy();
    }, this.parts.settings.connectTimeoutMs);
  }

  /** Streams it can open now. */
  get room(): number {
    if (this.state !== 'ready' || this.tokens.signing) return 0;
    return Math.max(0, this.tokens.allowed(this.limit) - this.inFlight.size);
  }

  /** How long it has been open (0 before it was). */
  openFor(now: number): number {
    return this.openedAt === 0 ? 0 : now - this.openedAt;
  }

  /** Opens a stream for `push`; false when the session refused (it is closing): the caller keeps the push. */
  open(push: Push): boolean {
    const session = this.session;
    if (!session || this.room === 0) return false;
    if (this.tokens.refreshIfDue()) return false;
    let stream: ClientHttp2Stream;
    try {
      stream = session.request(pushRequestHeaders({ ...push.notification, providerToken: this.tokens.token }), { endStream: false });
    } catch (error) {
      // ERR_HTTP2_GOAWAY_SESSION or ERR_HTTP2_INVALID_SESSION: this session takes no more streams.
      this.error ??= error as Error;
      this.drain();
      return false;
    }
    const entry: InFlight = { push, openedAt: Date.now(), status: 0, apnsId: undefined, body: [], bodyLength: 0, timedOut: false };
    this.inFlight.set(stream, entry);
    stream.on('response', (headers: IncomingHttpHeaders) => {
      entry.status = Number(headers[':status']);
      const apnsId = headers['apns-id'];
      entry.apnsId = typeof apnsId === 'string' ? apnsId : undefined;
    });
    stream.on('data', (chunk: Buffer) => {
      if (entry.bodyLength + chunk.length > MAX_BODY_BYTES) return;
      entry.body.push(chunk);
      entry.bodyLength += chunk.length;
    });
    stream.on('error', () => undefined);
    stream.on('close', () => this.streamClosed(stream, entry));
    stream.end(push.notification.payload);
    return true;
  }

  /** Takes no new streams; closes once those in flight are answered. */
  drain(cause?: Http2DisconnectCause): void {
    if (this.state === 'closed') return;
    if (cause) this.cause = cause;
    if (this.state !== 'draining') this.state = 'draining';
    if (this.inFlight.size === 0) this.session?.close();
  }

  /** Our own close: nothing left to send. */
  close(): void {
    this.cause = 'closed';
    this.drain();
  }

  destroy(cause: Http2DisconnectCause, error?: Error): void {
    this.cause = cause;
    this.error ??= error;
    this.session?.destroy();
  }

  private becomeReady(): void {
    clearTimeout(this.connectTimer);
    this.openedAt = Date.now();
    this.state = 'ready';
    this.startTimers();
    this.parts.hooks.opened(this);
    if (this.tokens.needed) this.tokens.refresh();
    else this.parts.hooks.room(this);
  }

  private startTimers(): void {
    const { requestTimeoutMs, pingIntervalMs } = this.parts.settings;
    this.sweepTimer = setInterval(() => this.sweepTimeouts(), timeoutSweepMs(requestTimeoutMs));
    this.sweepTimer.unref();
    if (pingIntervalMs > 0) {
      this.pingTimer = setInterval(() => this.ping(), pingIntervalMs);
      this.pingTimer.unref();
    }
  }

  /** A stream open for requestTimeoutMs is cancelled and reported: APNs sometimes never answers. */
  private sweepTimeouts(): void {
    const deadline = Date.now() - this.parts.settings.requestTimeoutMs;
    for (const [stream, entry] of this.inFlight) {
      if (entry.openedAt > deadline || entry.timedOut) continue;
      entry.timedOut = true;
      stream.close(constants.NGHTTP2_CANCEL);
    }
  }

  private ping(): void {
    const session = this.session;
    if (!session || session.destroyed || this.state === 'draining') return;
    const timer = setTimeout(() => this.destroy('ping-timeout', new Error(`no PING answer within ${this.parts.settings.pingTimeoutMs} ms`)), this.parts.settings.pingTimeoutMs);
    timer.unref();
    try {
      session.ping(() => clearTimeout(timer));
    } catch {
      clearTimeout(timer);
    }
  }

  private onGoaway(errorCode: number, lastStreamId: number, opaqueData: Buffer | undefined): void {
    this.goawayLastStreamId = Math.min(this.goawayLastStreamId, lastStreamId);
    const body = opaqueData && opaqueData.length > 0 ? parseFailureBody(opaqueData.toString('utf8')) : undefined;
    this.reason ??= body?.reason ?? (errorCode !== constants.NGHTTP2_NO_ERROR ? `GOAWAY error ${errorCode}` : undefined);
    this.cause = 'goaway';
    this.state = 'draining';
    this.parts.hooks.goaway(this, this.reason);
  }

  private streamClosed(stream: ClientHttp2Stream, entry: InFlight): void {
    // Streams still open when the session closed were settled there.
    if (!this.inFlight.delete(stream)) return;
    const { push } = entry;
    if (entry.status > 0 && !entry.timedOut) {
      this.answeredAny = true;
      const outcome = pushOutcome(entry.status, entry.status === Http2Status.Ok ? '' : Buffer.concat(entry.body).toString('utf8'));
      // A 403 may be the token itself; anything else proves it (or the request never reached auth).
      this.tokens.answered(entry.status);
      this.parts.hooks.answered(this, push, outcome, entry.apnsId);
    } else {
      this.parts.hooks.unanswered(this, push, this.howUnanswered(stream, entry));
    }
    if (this.state === 'draining' && this.inFlight.size === 0) this.session?.close();
    else this.parts.hooks.room(this);
  }

  private howUnanswered(stream: ClientHttp2Stream, entry: InFlight): Unanswered {
    if (entry.timedOut) return 'timeout';
    // Above a GOAWAY's lastStreamId, or refused outright: APNs never processed it.
    if (stream.rstCode === constants.NGHTTP2_REFUSED_STREAM || (stream.id !== undefined && stream.id > this.goawayLastStreamId)) return 'refused';
    // At or below lastStreamId yet cut off unanswered, or the connection died: fate unknown.
    if (this.session?.destroyed || this.session?.closed || this.goawayLastStreamId !== Number.POSITIVE_INFINITY) return 'lost';
    return 'reset';
  }

  private onClose(): void {
    clearTimeout(this.connectTimer);
    clearInterval(this.sweepTimer);
    clearInterval(this.pingTimer);
    if (this.state === 'connecting') this.cause = 'connect-failed';
    this.state = 'closed';
    for (const [stream, entry] of this.inFlight) {
      this.inFlight.delete(stream);
      const above = stream.id !== undefined && stream.id > this.goawayLastStreamId;
      this.parts.hooks.unanswered(this, entry.push, entry.timedOut ? 'timeout' : above || stream.id === undefined ? 'refused' : 'lost');
    }
    this.parts.hooks.closed(this, this.cause, this.reason, this.error);
  }
}
