/** One HTTP/2 connection of the mock: its session, socket, authentication, stream limit and GOAWAY. */
import type { ServerHttp2Session } from 'node:http2';
import type { TLSSocket } from 'node:tls';
import { failureBody } from '@apnskit/codec/http2';
import type { ConnectionAuth } from './connection-auth.js';
import type { Http2Service } from './service.js';

/** GOAWAY NO_ERROR. */
const NO_ERROR = 0;

export class Http2Connection {
  private goneAwayAt: number | undefined;
  private narrowed = false;
  private idleTimer: NodeJS.Timeout | undefined;
  private graceTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly number: number,
    readonly service: Http2Service,
    readonly session: ServerHttp2Session,
    private readonly socket: TLSSocket,
    readonly auth: ConnectionAuth,
  ) {
    this.touch();
  }

  /** Whether GOAWAY was sent with a lastStreamId below this stream: it is never processed. */
  /** A drop of the TCP connection is under way. */
  private dropping = false;

  beyondGoaway(streamId: number): boolean {
    return this.dropping || (this.goneAwayAt !== undefined && streamId > this.goneAwayAt);
  }

  /** A token connection's first valid token lifts the stream limit from 1 to the configured one. */
  tokenAccepted(): void {
    this.applyLimit(this.service.maxConcurrentStreams);
  }

  pushRejected(): void {
    if (!this.narrowed && this.service.faults.any && this.service.faults.narrowsAfterRejection(this.number)) {
      this.narrowed = true;
      this.applyLimit(1);
    }
  }

  pushAccepted(): void {
    if (this.narrowed) {
      this.narrowed = false;
      this.applyLimit(this.service.maxConcurrentStreams);
    }
  }

  /** The limit this connection should have now. */
  currentLimit(): number {
    return this.narrowed || !this.auth.authenticated ? 1 : this.service.maxConcurrentStreams;
  }

  applyLimit(limit: number): void {
    if (this.session.destroyed || this.goneAwayAt !== undefined) return;
    try {
      this.session.settings({ maxConcurrentStreams: limit });
    } catch {
      // The session is closing: nothing left to limit.
    }
  }

  /**
   * Sends GOAWAY, then stops answering streams above `lastStreamId` and destroys the session after
   * the close grace. It never resets those streams: resetting them right after GOAWAY crashed
   * Node's HTTP/2 under load.
   */
  goaway(errorCode: number, lastStreamId: number, reason: string | undefined): void {
    if (this.goneAwayAt !== undefined || this.session.destroyed) return;
    this.goneAwayAt = lastStreamId;
    this.service.counters.goaways++;
    const debug = reason === undefined ? undefined : Buffer.from(failureBody(reason));
    try {
      this.session.goaway(errorCode, lastStreamId, debug);
    } catch {
      // Already closing.
    }
    clearTimeout(this.idleTimer);
    this.graceTimer = setTimeout(() => this.destroy(), this.service.closeGraceMs);
  }

  /** Notes activity; with an idle-timeout fault, a connection quiet for its time gets GOAWAY IdleTimeout. */
  touch(): void {
    if (!this.service.faults.any && this.idleTimer === undefined) return;
    clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    const idleMs = this.service.faults.idleTimeoutMs();
    if (idleMs === undefined || this.goneAwayAt !== undefined) return;
    this.idleTimer = setTimeout(() => {
      this.service.faults.firedIdleTimeout();
      this.goaway(NO_ERROR, this.lastStreamId(), 'IdleTimeout');
    }, idleMs);
    this.idleTimer.unref();
  }

  /**
   * Drops the TCP connection once nghttp2 has finished the bytes it is reading: destroying the
   * session from inside a stream callback, while the same read still holds that stream's DATA (a
   * client that writes HEADERS and DATA in one packet), aborts Node 20 with a native assertion
   * (StreamBase::CallJSOnreadMethod). Streams arriving meanwhile are left unanswered.
   */
  destroySocket(): void {
    if (this.dropping) return;
    this.dropping = true;
    setImmediate(() => {
      this.socket.destroy();
      this.destroy();
    });
  }

  destroy(): void {
    clearTimeout(this.idleTimer);
    clearTimeout(this.graceTimer);
    if (!this.session.destroyed) this.session.destroy();
    if (!this.socket.destroyed) this.socket.destroy();
  }

  ended(): void {
    clearTimeout(this.idleTimer);
    clearTimeout(this.graceTimer);
  }

  private lastStreamId(): number {
    // The highest stream id the client opened (node keeps it in its session state).
    const state = this.session.state as { lastProcStreamID?: number };
    return state.lastProcStreamID ?? 0;
  }
}
