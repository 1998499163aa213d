// Limits every listener of the mock applies to its TCP connections, so that a flood of idle or
// half-open connections neither exhausts the process's file descriptors nor locks out real
// clients. Works on any net.Server: a TLS server (gateway, feedback, an HTTP/2 secure server)
// or a plain HTTP server (the control API).
import type { Server, Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';

export interface ListenerLimits {
  /**
   * Most open connections of one listener. At the cap a new connection first evicts the oldest
   * one still in its TLS handshake (a flood of half-open connections cannot lock out a real
   * client); when every connection is past its handshake, the new one is refused.
   */
  readonly maxConnections: number;
  /**
   * A connection that has not finished its TLS handshake (an HTTP connection: not sent its first
   * request) this long after it opened is closed.
   */
  readonly handshakeTimeoutMs: number;
  /** A connection with no bytes either way for this long is closed (checked every idleTimeoutMs). */
  readonly idleTimeoutMs: number;
}

/** Kept below the common 1,024 file descriptor limit with every listener full at once. */
export const DEFAULT_LISTENER_LIMITS: ListenerLimits = Object.freeze({
  maxConnections: 256,
  handshakeTimeoutMs: 10_000,
  idleTimeoutMs: 300_000,
});

export type LimitReason = 'too-many-connections' | 'evicted' | 'handshake-timeout' | 'idle-timeout';

export interface LimitEvent {
  readonly remote: string;
  readonly reason: LimitReason;
  /** The limit that applied, e.g. "maxConnections 256" or "handshakeTimeoutMs 10000". */
  readonly limit: string;
}

interface Tracked {
  readonly raw: Socket;
  handshakeTimer: NodeJS.Timeout | undefined;
  idleTimer: NodeJS.Timeout | undefined;
}

export function remoteOf(socket: Socket): string {
  return socket.remoteFamily === 'IPv6' ? `[${socket.remoteAddress}]:${socket.remotePort}` : `${socket.remoteAddress}:${socket.remotePort}`;
}

/**
 * What ends a connection's opening phase: a TLS server's 'secureConnection' (also an HTTP/2
 * secure server's), or a plain HTTP server's first 'request' on the connection.
 */
export type OpeningEnd = 'secureConnection' | 'request';

/**
 * Applies `limits` to `server`'s connections and reports each connection it refuses or closes.
 * The handshake timer runs from the TCP connection to `openingEnd`; the idle timer from then on.
 */
export class ConnectionLimiter {
  /** Open connections in arrival order, by remote address: a TLS socket and its TCP socket share it. */
  private readonly open = new Map<string, Tracked>();
  /** Connections still in their handshake, oldest first. */
  private readonly handshaking = new Map<string, Tracked>();

  constructor(
    server: Server,
    private readonly limits: ListenerLimits,
    openingEnd: OpeningEnd,
    private readonly report: (event: LimitEvent) => void,
  ) {
    server.on('connection', (socket: Socket) => this.onConnection(socket));
    if (openingEnd === 'secureConnection') server.on('secureConnection', (socket: TLSSocket) => this.onOpened(socket));
    else server.on('request', (request: { socket: Socket }) => this.onOpened(request.socket));
  }

  get size(): number {
    return this.open.size;
  }

  /** Ends every connection (server closing). */
  destroyAll(): void {
    for (const { raw } of this.open.values()) raw.destroy();
  }

  private onConnection(socket: Socket): void {
    const key = remoteOf(socket);
    if (this.open.size >= this.limits.maxConnections && !this.evictOldestHandshake()) {
      this.report({ remote: key, reason: 'too-many-connections', limit: `maxConnections ${this.limits.maxConnections}` });
      socket.destroy();
      return;
    }
    const tracked: Tracked = { raw: socket, handshakeTimer: undefined, idleTimer: undefined };
    this.open.set(key, tracked);
    socket.once('close', () => this.forget(key, tracked));
    this.handshaking.set(key, tracked);
    tracked.handshakeTimer = setTimeout(() => {
      this.report({ remote: key, reason: 'handshake-timeout', limit: `handshakeTimeoutMs ${this.limits.handshakeTimeoutMs}` });
      socket.destroy();
    }, this.limits.handshakeTimeoutMs);
  }

  private onOpened(socket: Socket): void {
    const key = remoteOf(socket);
    const tracked = this.handshaking.get(key);
    if (!tracked) return; // a later request on a kept-alive connection
    clearTimeout(tracked.handshakeTimer);
    this.handshaking.delete(key);
    this.watchIdle(tracked, socket);
  }

  /** Closes the connection once a whole idleTimeoutMs passes with no byte read or written. */
  private watchIdle(tracked: Tracked, socket: Socket): void {
    let seen = -1;
    const check = (): void => {
      const moved = socket.bytesRead + socket.bytesWritten;
      if (moved === seen) {
        this.report({ remote: remoteOf(socket), reason: 'idle-timeout', limit: `idleTimeoutMs ${this.limits.idleTimeoutMs}` });
        socket.destroy();
        return;
      }
      seen = moved;
      tracked.idleTimer = setTimeout(check, this.limits.idleTimeoutMs);
    };
    check();
  }

  private evictOldestHandshake(): boolean {
    const oldest = this.handshaking.entries().next();
    if (oldest.done) return false;
    const [key, tracked] = oldest.value;
    this.handshaking.delete(key);
    this.report({ remote: key, reason: 'evicted', limit: `maxConnections ${this.limits.maxConnections}` });
    tracked.raw.destroy();
    this.open.delete(key);
    return true;
  }

  private forget(key: string, tracked: Tracked): void {
    clearTimeout(tracked.handshakeTimer);
    clearTimeout(tracked.idleTimer);
    // A new connection may reuse the address once this one is gone: remove only our own entry.
    if (this.open.get(key) === tracked) this.open.delete(key);
    if (this.handshaking.get(key) === tracked) this.handshaking.delete(key);
  }
}
