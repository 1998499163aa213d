/**
 * One connection to APNs on the direct session (transport 'direct', the default): the same
 * contract as the node:http2 connection (streams only while the server's live limit leaves room,
 * one per connection until its token is proven, timers from stream open, GOAWAY and resets told
 * apart), with the frames written by this package.
 */
import { isIP } from 'node:net';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { Headers, Http2ErrorCode, Http2Status, parseFailureBody, pushOutcome } from '@apnskit/codec/http2';
import { ApnsClientError } from '../../errors.js';
import { ConnectionToken } from '../connection-token.js';
import type { Push } from '../notification.js';
import { MAX_BODY_BYTES, MAX_STREAMS_PER_CONNECTION, serverNameFor, timeoutSweepMs, type ConnectionParts, type ConnectionState, type PushConnection, type Unanswered } from '../push-connection.js';
import type { Http2DisconnectCause } from '../types.js';
import { RequestEncoder } from './request-encoder.js';
import { DirectSession, type SessionListener } from './session.js';

interface InFlight {
  readonly push: Push;
  readonly openedAt: number;
  status: number;
  apnsId: string | undefined;
  body: Buffer[] | undefined;
  bodyLength: number;
}

const ALPN_H2 = 'h2';

export class DirectConnection implements PushConnection, SessionListener {
  state: ConnectionState = 'connecting';
  answeredAny = false;
  readonly number: number;
  private readonly inFlight = new Map<number, InFlight>();
  private readonly tokens: ConnectionToken;
  private readonly encoder: RequestEncoder;
  private session: DirectSession | undefined;
  private limit = 0;
  private goawayLastStreamId = Number.POSITIVE_INFINITY;
  private cause: Http2DisconnectCause = 'connection-lost';
  private reason: string | undefined;
  private error: Error | undefined;
  private openedAt = 0;
  private connectTimer: NodeJS.Timeout | undefined;
  private sweepTimer: NodeJS.Timeout | undefined;
  private pingTimer: NodeJS.Timeout | undefined;
  private pingDeadline: NodeJS.Timeout | undefined;

  constructor(private readonly parts: ConnectionParts) {
    this.number = parts.number;
    this.tokens = new ConnectionToken(parts.signer, parts.settings, () => parts.hooks.room(this), (error) => this.destroy('connect-failed', error));
    const { host, port } = parts.address;
    this.encoder = new RequestEncoder(`${host}:${port}`);
  }

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

  connect(): void {
    const { host, port } = this.parts.address;
    const { credentials } = this.parts;
    const servername = serverNameFor(credentials, host, isIP(host) !== 0);
    const socket: TLSSocket = tlsConnect({ ...credentials.connectOptions, host, port, ALPNProtocols: [ALPN_H2], ...(servername ? { servername } : {}) });
    socket.setNoDelay(true);
    socket.once('secureConnect', () => {
      // No ALPN at all is accepted (as APNs accepts clients without it); another protocol is not HTTP/2.
      const protocol = socket.alpnProtocol;
      if (protocol !== false && protocol !== ALPN_H2) {
        this.destroy('connect-failed', new ApnsClientError('APNS_ERR_CONNECT_FAILED', `${host}:${port} chose ALPN protocol ${String(protocol)}, not h2: is this an HTTP/2 server?`));
      }
    });
    this.session = new DirectSession(socket, this);
    this.connectTimer = setTimeout(() => {
      this.error ??= new Error(`no HTTP/2 SETTINGS from ${host}:${port} within ${this.parts.settings.connectTimeoutMs} ms`);
      this.cause = 'connect-failed';
      socket.destroy();
    }, this.parts.settings.connectTimeoutMs);
  }

  open(push: Push): boolean {
    const session = this.session;
    if (!session || this.room === 0) return false;
    if (this.tokens.refreshIfDue()) return false;
    const { notification } = push;
    const blockLength = this.encoder.prepare(notification, this.tokens.token);
    const streamId = session.request(this.encoder, blockLength, notification.payload);
    if (streamId === 0) {
      // Stream ids used up, or the session is ending: this connection takes no more.
      this.drain();
      return false;
    }
    this.inFlight.set(streamId, { push, openedAt: Date.now(), status: 0, apnsId: undefined, body: undefined, bodyLength: 0 });
    return true;
  }

  drain(cause?: Http2DisconnectCause): void {
    if (this.state === 'closed') return;
    if (cause) this.cause = cause;
    this.state = 'draining';
    if (this.inFlight.size === 0) this.session?.close();
  }

  close(): void {
    this.cause = 'closed';
    this.drain();
  }

  destroy(cause: Http2DisconnectCause, error?: Error): void {
    this.cause = cause;
    this.error ??= error;
    this.session?.destroy();
  }

  // SessionListener: what the server sent.

  settings(first: boolean, maxConcurrentStreams: number): void {
    this.limit = Math.min(maxConcurrentStreams, MAX_STREAMS_PER_CONNECTION);
    if (first && this.state === 'connecting') this.becomeReady();
    else this.parts.hooks.room(this);
  }

  headers(streamId: number, fields: string[], endStream: boolean): void {
    const entry = this.inFlight.get(streamId);
    if (!entry) return;
    for (let index = 0; index < fields.length; index += 2) {
      const name = fields[index];
      if (name === Headers.Status) {
        const status = Number(fields[index + 1]);
        // 1xx are interim: the answer comes later.
        if (status >= Http2Status.Ok) entry.status = status;
      } else if (name === Headers.ApnsId) {
        entry.apnsId = fields[index + 1];
      }
    }
    if (endStream) this.streamEnded(streamId, entry);
  }

  data(streamId: number, payload: Uint8Array, endStream: boolean): void {
    const entry = this.inFlight.get(streamId);
    if (!entry) return;
    if (payload.length > 0 && entry.bodyLength + payload.length <= MAX_BODY_BYTES) {
      (entry.body ??= []).push(Buffer.from(payload));
      entry.bodyLength += payload.length;
    }
    if (endStream) this.streamEnded(streamId, entry);
  }

  reset(streamId: number, errorCode: number): void {
    const entry = this.inFlight.get(streamId);
    if (!entry) return;
    this.inFlight.delete(streamId);
    // Refused, or above a GOAWAY's lastStreamId: APNs never processed it. Cut off after GOAWAY: fate unknown.
    const how: Unanswered = errorCode === Http2ErrorCode.RefusedStream || streamId > this.goawayLastStreamId ? 'refused' : this.goawayLastStreamId !== Number.POSITIVE_INFINITY ? 'lost' : 'reset';
    this.parts.hooks.unanswered(this, entry.push, how);
    this.afterStream();
  }

  goaway(lastStreamId: number, errorCode: number, debugData: Uint8Array): void {
    this.goawayLastStreamId = Math.min(this.goawayLastStreamId, lastStreamId);
    const body = debugData.length > 0 ? parseFailureBody(Buffer.from(debugData).toString('utf8')) : undefined;
    this.reason ??= body?.reason ?? (errorCode !== Http2ErrorCode.NoError ? `GOAWAY error ${errorCode}` : undefined);
    this.cause = 'goaway';
    this.state = 'draining';
    this.parts.hooks.goaway(this, this.reason);
    // Streams above lastStreamId were not processed and will get no answer: back to the queue now.
    for (const [streamId, entry] of this.inFlight) {
      if (streamId <= this.goawayLastStreamId) continue;
      this.inFlight.delete(streamId);
      this.parts.hooks.unanswered(this, entry.push, 'refused');
    }
    this.afterStream();
  }

  pingAnswered(): void {
    clearTimeout(this.pingDeadline);
    this.pingDeadline = undefined;
  }

  closed(error: Error | undefined): void {
    this.error ??= error;
    clearTimeout(this.connectTimer);
    clearInterval(this.sweepTimer);
    clearInterval(this.pingTimer);
    clearTimeout(this.pingDeadline);
    if (this.state === 'connecting') this.cause = 'connect-failed';
    this.state = 'closed';
    for (const [streamId, entry] of this.inFlight) {
      this.inFlight.delete(streamId);
      this.parts.hooks.unanswered(this, entry.push, streamId > this.goawayLastStreamId ? 'refused' : 'lost');
    }
    this.parts.hooks.closed(this, this.cause, this.reason, this.error);
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
    let expired = false;
    for (const [streamId, entry] of this.inFlight) {
      if (entry.openedAt > deadline) continue;
      this.inFlight.delete(streamId);
      this.session?.cancel(streamId);
      this.parts.hooks.unanswered(this, entry.push, 'timeout');
      expired = true;
    }
    if (expired) this.afterStream();
  }

  private ping(): void {
    if (!this.session || this.state !== 'ready' || this.pingDeadline !== undefined) return;
    this.pingDeadline = setTimeout(() => this.destroy('ping-timeout', new Error(`no PING answer within ${this.parts.settings.pingTimeoutMs} ms`)), this.parts.settings.pingTimeoutMs);
    this.pingDeadline.unref();
    this.session.ping();
  }

  private streamEnded(streamId: number, entry: InFlight): void {
    this.inFlight.delete(streamId);
    const { push } = entry;
    if (entry.status > 0) {
      this.answeredAny = true;
      const body = entry.status === Http2Status.Ok || entry.body === undefined ? '' : Buffer.concat(entry.body, entry.bodyLength).toString('utf8');
      // A 403 may be the token itself; anything else proves it (or the request never reached auth).
      this.tokens.answered(entry.status);
      this.parts.hooks.answered(this, push, pushOutcome(entry.status, body), entry.apnsId);
    } else {
      // The stream ended with no :status: not an answer.
      this.parts.hooks.unanswered(this, push, 'reset');
    }
    this.afterStream();
  }

  private afterStream(): void {
    if (this.state === 'draining' && this.inFlight.size === 0) this.session?.close();
    else this.parts.hooks.room(this);
  }
}
