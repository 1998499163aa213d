import type { TLSSocket } from 'node:tls';
import { ErrorResponseDecoder, Message, type ErrorResponse, type Notification, type NotificationFormat } from '@apnskit/codec';
import { encodeProbeFrame } from '@apnskit/codec/wire';
import type { ResolvedCredentials } from '@apnskit/tls';
import type { Address } from './address.js';
import type { Connection as PublicConnection, ConnectionHandlers, ConnectionOptions, ConnectionState, SettleCause } from './connection-types.js';
import { ApnsClientError } from './errors.js';
import { resolveConnectionOptions } from './connection-options.js';
import { FrameQueue, type FrameChunk } from './frame-queue.js';
import { identifierOf } from './identifiers.js';
import { channelInactiveEvent, errorEvent, unknownIdentifierEvent } from './connection-report.js';
import { SentWindow } from './sent-window.js';
import { settle, settleAnswer, type Settlement } from './settlement.js';
import { openSocket } from './socket.js';
import { TlsSessions } from './tls-sessions.js';

/** What the managed sender listens to (compact: no message objects). */
export interface ConnectionHooks {
  readonly onOpen?: (connection: Connection) => void;
  readonly onWritable?: (connection: Connection) => void;
  /** The ending is known; `unwritten` holds the frames that never left the process. */
  readonly onSettled?: (connection: Connection, settlement: Settlement, unwritten: FrameQueue) => void;
  readonly onClosed?: (connection: Connection) => void;
}

/** Where the closing probe is: not asked for, asked for (written once the queue is empty), or written with this sequence. */
type ProbeState =
  | { readonly stage: 'none' }
  | { readonly stage: 'asked'; readonly timeoutMs: number }
  | { readonly stage: 'written'; readonly timeoutMs: number; readonly sequence: number };

const NO_PROBE: ProbeState = { stage: 'none' };

/**
 * A proxy for one gateway connection: connects lazily on the first send, assigns identifiers
 * 1, 2, ... (wrapping at 2^32, never 0), remembers written frames in a bounded window, and reads
 * Apple's answer into a settlement. Once closed it stays closed. Applications see it through the
 * Connection interface (connection-types.ts); the managed sender also uses the members below it.
 */
export class Connection implements PublicConnection {
  state: ConnectionState = 'idle';
  readonly format: NotificationFormat;
  readonly window: SentWindow;
  /** Sequence of the first frame written on this connection. */
  readonly origin: number;
  private nextSequence: number;
  private readonly pending = new FrameQueue();
  private readonly decoder = new ErrorResponseDecoder();
  private readonly payloadLimit: number;
  private readonly connectTimeoutMs: number;
  private readonly writeBufferBytes: number;
  private readonly closeGraceMs: number;
  private socket: TLSSocket | undefined;
  private settlement: Settlement | undefined;
  private probeState: ProbeState = NO_PROBE;
  private lastError: Error | undefined;
  private timer: NodeJS.Timeout | undefined;
  private flushScheduled = false;
  private socketFailed = false;

  constructor(
    readonly address: Address,
    private readonly credentials: ResolvedCredentials,
    private readonly handlers: ConnectionHandlers = {},
    options: ConnectionOptions = {},
    private readonly hooks: ConnectionHooks = {},
    /** Sessions shared with the other connections of the same sender (resumed handshakes). */
    private readonly sessions = new TlsSessions(),
  ) {
    const resolved = resolveConnectionOptions(options);
    this.format = resolved.format;
    this.payloadLimit = resolved.payloadLimit;
    this.connectTimeoutMs = resolved.connectTimeoutMs;
    this.writeBufferBytes = resolved.writeBufferBytes;
    this.closeGraceMs = resolved.closeGraceMs;
    this.origin = resolved.firstIdentifier;
    this.nextSequence = this.origin;
    this.window = new SentWindow(resolved.window, this.origin);
  }

  /** Messages queued in the process, not yet written. */
  get queued(): number {
    return this.pending.count;
  }

  /** Frames written whose fate is not known yet. */
  get unsettled(): number {
    return this.settlement ? 0 : this.written;
  }

  /** Frames written so far (the probe excluded). */
  get written(): number {
    return this.nextSequence - this.origin - (this.probeState.stage === 'written' ? 1 : 0);
  }

  /** The socket or protocol error that ended (or is ending) the connection, if any. */
  get error(): Error | undefined {
    return this.lastError;
  }

  /** True once a probe was asked for: nothing more is accepted. */
  get probing(): boolean {
    return this.probeState.stage !== 'none';
  }

  /** True while the sender may hand this connection more frames. */
  get acceptsMore(): boolean {
    return this.state === 'open' && !this.ending && this.probeState.stage === 'none' && this.pending.bytes + (this.socket?.writableLength ?? 0) < this.writeBufferBytes;
  }

  /**
   * True once a socket error was seen on an open connection: it only waits (closeGraceMs) for an
   * error packet still on its way, and takes no more frames; the sender replaces it meanwhile.
   */
  get ending(): boolean {
    return this.socketFailed;
  }

  /** Queues a message (checked now: bad input throws and queues nothing). Connects on first use. */
  send(message: Notification | Message): void {
    if (this.state === 'closing' || this.state === 'closed' || this.probing) {
      throw new ApnsClientError('APNS_ERR_CONNECTION_CLOSED', 'this connection is closed; create a new one with createConnection()');
    }
    const notification = message instanceof Message ? message.toNotification({ limit: this.payloadLimit }) : message;
    this.pending.appendNotification(notification, this.format, this.payloadLimit);
    this.kick();
  }

  /** Queues a whole chunk of encoded frames (the sender's path; it calls flush() after). */
  enqueue(chunk: FrameChunk): void {
    this.pending.pushChunk(chunk);
  }

  connect(): void {
    if (this.state !== 'idle') return;
    this.state = 'connecting';
    const socket = openSocket(this.address, this.credentials, this.sessions);
    this.socket = socket;
    this.timer = setTimeout(() => this.fail(new ApnsClientError('APNS_ERR_CONNECT_FAILED', `no TLS connection to ${this.address.host}:${this.address.port} after ${this.connectTimeoutMs} ms; check the address`)), this.connectTimeoutMs);
    socket.once('secureConnect', () => this.opened());
    socket.on('data', (chunk: Buffer) => this.read(chunk));
    socket.on('drain', () => this.drained());
    socket.on('end', () => this.finish(this.state === 'connecting' ? 'connect-failed' : 'silent-close', true));
    socket.on('error', (error: Error) => this.socketError(error));
    socket.on('close', () => this.closed());
  }

  /**
   * Ends with the probe (a zero-length-token frame) once everything queued is written; its answer
   * proves every earlier frame processed. Returns false when nothing needs proving (then it just closes).
   */
  probe(timeoutMs: number): boolean {
    if (this.state === 'closing' || this.state === 'closed' || this.probing) return false;
    if (this.nextSequence === this.origin && this.pending.count === 0) {
      this.close();
      return false;
    }
    this.probeState = { stage: 'asked', timeoutMs };
    if (this.state === 'idle') this.connect();
    else if (this.state === 'open') this.flush();
    return true;
  }

  /** Closes without a probe: written frames of unknown fate come back as possibly delivered. */
  close(): void {
    if (this.state === 'idle') {
      this.state = 'closing';
      this.finish('closed', false);
      this.closed();
      return;
    }
    this.finish('closed', false);
    if (this.nextSequence === this.origin) {
      // Nothing written: no answer to wait for.
      this.socket?.destroy();
      return;
    }
    this.socket?.end();
    this.graceThenDestroy();
  }

  /** Tears the socket down now. */
  destroy(error?: Error): void {
    if (error) this.lastError = error;
    this.finish(this.state === 'connecting' ? 'connect-failed' : 'closed', false);
    this.socket?.destroy();
  }

  private openedAt: number | undefined;
  /** When the first frame was written (the oldest this connection may have to prove). */
  firstWriteAt: number | undefined;

  /** Milliseconds the connection has been (or was, until it settled) open; 0 if it never opened. */
  openFor(now: number): number {
    return this.openedAt === undefined ? 0 : now - this.openedAt;
  }

  private kick(): void {
    if (this.state === 'idle') this.connect();
    else if (this.state === 'open' && !this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => this.flush());
    }
  }

  private opened(): void {
    clearTimeout(this.timer);
    if (this.state !== 'connecting') return;
    this.state = 'open';
    this.openedAt = Date.now();
    this.call(() => this.handlers.onConnect?.());
    this.hooks.onOpen?.(this);
    this.flush();
  }

  /**
   * Writes queued chunks while the socket buffer has room. Not corked: a chunk is already one
   * large write, and TLS copies a corked batch into a new buffer before encrypting it.
   */
  flush(): void {
    this.flushScheduled = false;
    const socket = this.socket;
    // After a socket error nothing more is written: what is queued goes back unwritten.
    if (this.state !== 'open' || socket === undefined || this.socketFailed) return;
    const now = Date.now();
    this.window.expire(now);
    while (this.pending.count > 0 && socket.writableLength < this.writeBufferBytes) {
      this.writeChunk(socket, this.pending.shift() as FrameChunk, now);
    }
    if (this.probeState.stage === 'asked' && this.pending.count === 0) this.writeProbe(socket, this.probeState.timeoutMs);
  }

  private writeChunk(socket: TLSSocket, chunk: FrameChunk, now: number): void {
    this.firstWriteAt ??= now;
    const { buffer } = chunk;
    chunk.numberFrames(this.nextSequence, this.format);
    this.nextSequence += chunk.count;
    this.window.pushChunk(chunk, now);
    socket.write(chunk.used === buffer.length ? buffer : buffer.subarray(0, chunk.used));
  }

  private writeProbe(socket: TLSSocket, timeoutMs: number): void {
    const sequence = this.nextSequence;
    this.probeState = { stage: 'written', timeoutMs, sequence };
    this.nextSequence += 1;
    socket.write(encodeProbeFrame(identifierOf(sequence)));
    this.timer = setTimeout(() => {
      this.lastError = new ApnsClientError('APNS_ERR_PROBE_TIMEOUT', `the gateway did not answer the closing probe within ${timeoutMs} ms`);
      this.finish('probe-timeout', false);
      socket.destroy();
    }, timeoutMs);
  }

  private drained(): void {
    this.call(() => this.handlers.onDrain?.());
    this.flush();
    if (this.acceptsMore) this.hooks.onWritable?.(this);
  }

  private read(chunk: Buffer): void {
    this.call(() => this.handlers.onRead?.(chunk));
    if (this.settlement) return;
    for (const result of this.decoder.push(chunk)) {
      if (result.kind === 'error-response') {
        this.answered(result);
        return;
      }
      this.lastError = new ApnsClientError('APNS_ERR_GARBAGE_RESPONSE', `the gateway wrote ${result.bytes.length} bytes that are not an error response: ${result.reason}`);
      this.call(() => this.handlers.onException?.(this.lastError as Error));
      this.finish('garbage', true);
      return;
    }
  }

  private answered(response: ErrorResponse): void {
    const probe = this.probeState;
    const settlement = settleAnswer(this.window, this.origin, response, probe.stage === 'written' ? probe.sequence : undefined, this.format === 'simple', Date.now());
    this.settled(settlement);
    if (settlement.cause !== 'probe-answered') this.reportError(settlement, response);
    this.socket?.destroy();
  }

  private socketError(error: Error): void {
    this.lastError = error;
    this.call(() => this.handlers.onException?.(error));
    if (this.state === 'connecting') {
      this.finish('connect-failed', true);
      return;
    }
    // A write error: keep reading a little for an error response already on its way.
    this.socketFailed = true;
    this.graceThenDestroy();
  }

  private fail(error: Error): void {
    this.lastError = error;
    this.call(() => this.handlers.onException?.(error));
    this.destroy();
  }

  /** Settles by cause when no error response decided it; `destroy` ends the socket at once. */
  private finish(cause: SettleCause, destroy: boolean): void {
    if (!this.settlement) {
      this.settled(
        settle({
          window: this.window,
          origin: this.origin,
          cause: cause === 'silent-close' && this.decoder.bufferedBytes > 0 ? 'garbage' : cause,
          anonymous: this.format === 'simple',
          now: Date.now(),
        }),
      );
    }
    if (destroy) this.socket?.destroy();
  }

  private settled(settlement: Settlement): void {
    clearTimeout(this.timer);
    this.settlement = settlement;
    if (this.state !== 'closed') this.state = 'closing';
    this.hooks.onSettled?.(this, settlement, this.pending);
  }

  private graceThenDestroy(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.finish('silent-close', true), this.closeGraceMs);
  }

  private closed(): void {
    clearTimeout(this.timer);
    if (this.state === 'closed') return;
    this.finish(this.state === 'connecting' ? 'connect-failed' : 'silent-close', false);
    this.state = 'closed';
    this.reportInactive(this.settlement as Settlement, this.lastError);
    this.hooks.onClosed?.(this);
  }

  /** Tells the unknown-identifier and error handlers what an error response meant. */
  private reportError(settlement: Settlement, response: ErrorResponse): void {
    const handlers = this.handlers;
    if (handlers.onUnknownIdentifier) {
      const event = unknownIdentifierEvent(settlement, response);
      if (event !== undefined) this.call(() => handlers.onUnknownIdentifier?.(event));
    }
    if (handlers.onError) {
      const event = errorEvent(this.window, settlement, response);
      this.call(() => handlers.onError?.(event));
    }
  }

  /** Tells the disconnect, channel-inactive and close handlers that the connection is gone. */
  private reportInactive(settlement: Settlement, error: Error | undefined): void {
    const handlers = this.handlers;
    this.call(() => handlers.onDisconnect?.({ cause: settlement.cause, ...(error ? { error } : {}) }));
    if (handlers.onChannelInactive) {
      const event = channelInactiveEvent(this.window, settlement, this.pending, error);
      this.call(() => handlers.onChannelInactive?.(event));
    }
    this.call(() => handlers.onClose?.());
  }

  /** Runs a user handler; a throw goes to onException instead of out of the socket event. */
  private call(run: () => void): void {
    try {
      run();
    } catch (error) {
      if (this.handlers.onException === undefined) throw error;
      try {
        this.handlers.onException(error as Error);
      } catch {
        // The exception handler itself threw: nothing more to tell.
      }
    }
  }
}
