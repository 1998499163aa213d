import { EventEmitter } from 'node:events';
import * as codecModule from '@apnskit/codec';
import type { Notification, NotificationFormat } from '@apnskit/codec';
import type { ResolvedCredentials } from '@apnskit/tls';
import type { Address } from './address.js';
import { toAddress } from './connection-api.js';
import { Connection, type ConnectionHooks } from './connection.js';
import { resolveConnectionOptions } from './connection-options.js';
import type { ConnectionOptions } from './connection-types.js';
import { RoomWaiters, deferred, reconnectDelay, type Deferred } from './sender-plumbing.js';
import { ApnsClientError, integerOption, invalidOption } from './errors.js';
import { FrameQueue, type FrameChunk } from './frame-queue.js';
import { Ledger } from './sender-ledger.js';
import type { SenderEvents, SenderOptions, SenderReport } from './sender-types.js';
import type { Settlement } from './settlement.js';
import { credentialsFrom } from './socket.js';

// Module-local copies: imported bindings are live cells that the compiler reloads and checks on
// every use; these are constants it folds (it matters in the per-frame loops).
const { Message, PayloadLimit } = codecModule;
type Message = codecModule.Message;

const RESOLVED: Promise<void> = Promise.resolve();
/** A connection open this long before it ended without an answer still counts as a success. */
const HEALTHY_CONNECTION_MS = 1000;

/**
 * The managed sender: a pool of connections fed from one bounded queue of encoded frames;
 * resends what Apple discarded, reconnects with backoff, and closes with a probe per connection
 * so that its report proves every delivery it claims.
 */
export class Sender extends EventEmitter<SenderEvents> {
  private readonly address: Address;
  private readonly credentials: ResolvedCredentials;
  private readonly poolSize: number;
  private readonly format: NotificationFormat;
  private readonly payloadLimit: number;
  private readonly highWaterMark: number;
  private readonly reconnectLimit: number;
  private readonly backoffInitialMs: number;
  private readonly backoffMaxMs: number;
  private readonly probeTimeoutMs: number;
  private readonly checkpointEvery: number;
  private readonly connectionOptions: ConnectionOptions;
  private readonly hooks: ConnectionHooks;
  private readonly ledger: Ledger;
  private readonly queue = new FrameQueue();
  /** Connections not settled yet. */
  private readonly active = new Set<Connection>();
  /** Connections whose socket has not closed yet (settled or not). */
  private readonly live = new Set<Connection>();
  private readonly numbers = new WeakMap<Connection, number>();
  private readonly started = Date.now();
  private readonly waiters = new RoomWaiters();
  private pumpScheduled = false;
  private failures = 0;
  private backoffTimer: NodeJS.Timeout | undefined;
  private gaveUp: ApnsClientError | undefined;
  private closing: Deferred<SenderReport> | undefined;
  private finished = false;

  constructor(options: SenderOptions) {
    super();
    if (options === null || typeof options !== 'object') throw invalidOption('options', 'an object', options);
    this.address = toAddress(options.address);
    this.credentials = credentialsFrom(options.tls);
    this.poolSize = integerOption('connections', options.connections, 1, 1, 1024);
    this.format = options.format ?? 'frame';
    this.payloadLimit = integerOption('payloadLimit', options.payloadLimit, PayloadLimit.Default, 1, 0xffff);
    this.highWaterMark = integerOption('highWaterMark', options.highWaterMark, 8192, 1);
    this.reconnectLimit = integerOption('reconnectLimit', options.reconnectLimit, 10, 0);
    this.backoffInitialMs = integerOption('backoff.initialMs', options.backoff?.initialMs, 100, 0);
    this.backoffMaxMs = integerOption('backoff.maxMs', options.backoff?.maxMs, 5000, 0);
    this.probeTimeoutMs = integerOption('probeTimeoutMs', options.probeTimeoutMs, 10_000, 1);
    this.checkpointEvery = integerOption('checkpointEvery', options.checkpointEvery, 0, 0);
    const silentClose = options.silentClose ?? 'resend';
    if (silentClose !== 'resend' && silentClose !== 'unconfirmed') throw invalidOption('silentClose', "'resend' or 'unconfirmed'", silentClose);
    this.connectionOptions = {
      format: this.format,
      payloadLimit: this.payloadLimit,
      ...(options.window ? { window: options.window } : {}),
      ...(options.connectTimeoutMs !== undefined ? { connectTimeoutMs: options.connectTimeoutMs } : {}),
      ...(options.writeBufferBytes !== undefined ? { writeBufferBytes: options.writeBufferBytes } : {}),
      ...(options.closeGraceMs !== undefined ? { closeGraceMs: options.closeGraceMs } : {}),
    };
    // Checks format and window options now rather than at the first connection.
    resolveConnectionOptions(this.connectionOptions);
    const onFailed = options.onFailed;
    this.ledger = new Ledger(
      {
        maxRetries: integerOption('maxRetries', options.maxRetries, 3, 0, 100),
        silentClose,
        keepDelivered: options.keepDelivered === true,
      },
      {
        failed: (event) => {
          onFailed?.(event);
          this.emit('failed', event);
        },
        unconfirmed: (event) => this.emit('unconfirmed', event),
        resent: (event, notifications) => {
          if (this.listenerCount('resent') > 0) this.emit('resent', { ...event, notifications: notifications() });
        },
      },
    );
    this.hooks = {
      onOpen: (connection) => this.opened(connection),
      onWritable: () => this.schedulePump(),
      onSettled: (connection, settlement, unwritten) => this.settled(connection, settlement, unwritten),
      onClosed: (connection) => {
        this.live.delete(connection);
        this.maybeFinish();
      },
    };
  }

  /**
   * Checks and queues one notification (bad input throws ApnsCodecError and queues nothing).
   * Resolves at once while the queue is below the high-water mark, otherwise once it has room.
   */
  send(message: Notification | Message): Promise<void> {
    return this.write(message) ? RESOLVED : this.ready();
  }

  /**
   * The same without a promise per notification, as `stream.write()`: queues the notification and
   * returns false once the queue has reached the high-water mark (the notification IS queued);
   * then `await sender.ready()` before writing more. For loops that send millions.
   */
  write(message: Notification | Message): boolean {
    if (this.closing) throw new ApnsClientError('APNS_ERR_SENDER_CLOSED', 'send() or write() after close(): create a new sender');
    if (this.gaveUp) throw this.gaveUp;
    const notification = message instanceof Message ? message.toNotification({ limit: this.payloadLimit }) : message;
    this.queue.appendNotification(notification, this.format, this.payloadLimit);
    this.ledger.sent += 1;
    if (!this.pumpScheduled) this.schedulePump();
    return this.queue.count < this.highWaterMark;
  }

  /** Resolves once the queue is below the high-water mark (at once when it is). */
  ready(): Promise<void> {
    if (this.queue.count < this.highWaterMark || this.closing || this.gaveUp) return RESOLVED;
    return this.waiters.wait();
  }

  /** Counts so far (for progress displays). */
  stats(): { sent: number; queued: number; delivered: number; failed: number; unconfirmed: number; resent: number; connections: number } {
    const { ledger } = this;
    return {
      sent: ledger.sent,
      queued: this.queue.count,
      delivered: ledger.delivered,
      failed: ledger.failed.length,
      unconfirmed: ledger.unconfirmedCount,
      resent: ledger.resent,
      connections: this.active.size,
    };
  }

  /** Writes everything, proves it with a probe per connection, closes, and reports. Idempotent. */
  close(): Promise<SenderReport> {
    if (this.closing) return this.closing.promise;
    this.closing = deferred<SenderReport>();
    this.releaseWaiters(true);
    this.schedulePump();
    return this.closing.promise;
  }

  private schedulePump(): void {
    if (this.pumpScheduled) return;
    this.pumpScheduled = true;
    setImmediate(() => this.pump());
  }

  private pump(): void {
    this.pumpScheduled = false;
    for (const connection of this.active) {
      const limit = this.checkpointEvery > 0 ? this.checkpointEvery : Infinity;
      while (this.queue.count > 0 && connection.acceptsMore && connection.written + connection.queued < limit) {
        connection.enqueue(this.queue.shift() as FrameChunk);
      }
      connection.flush();
      // Checkpoint (to within a chunk): prove what this connection wrote; a fresh one takes over.
      if (connection.written + connection.queued >= limit && !connection.probing) connection.probe(this.probeTimeoutMs);
    }
    this.ensureConnections();
    this.releaseWaiters(false);
    if (this.closing) this.probeIdle();
    this.maybeFinish();
  }

  private ensureConnections(): void {
    if (this.gaveUp || this.backoffTimer !== undefined || this.queue.count === 0) return;
    const delay = reconnectDelay(this.failures, this.backoffInitialMs, this.backoffMaxMs);
    if (delay > 0) {
      this.backoffTimer = setTimeout(() => {
        this.backoffTimer = undefined;
        this.openMissing();
      }, delay);
      return;
    }
    this.openMissing();
  }

  private openMissing(): void {
    while (this.accepting() < this.poolSize && this.queue.count > 0 && !this.gaveUp) {
      const connection = new Connection(this.address, this.credentials, {}, this.connectionOptions, this.hooks);
      this.ledger.connections += 1;
      this.numbers.set(connection, this.ledger.connections);
      this.active.add(connection);
      this.live.add(connection);
      connection.connect();
    }
  }

  /** Connections that take frames (not ending with a probe). */
  private accepting(): number {
    let count = 0;
    for (const connection of this.active) if (!connection.probing) count += 1;
    return count;
  }

  private opened(connection: Connection): void {
    this.emit('connect', { connection: this.numbers.get(connection) as number });
    this.schedulePump();
  }

  private settled(connection: Connection, settlement: Settlement, unwritten: FrameQueue): void {
    this.active.delete(connection);
    this.countFailure(connection, settlement);
    // A probe unanswered while closing leaves its tail unconfirmed; a checkpoint's is resent.
    this.ledger.apply(settlement, connection.window, unwritten, this.queue, settlement.cause === 'probe-timeout' && this.closing !== undefined);
    if (settlement.response && settlement.unknownIdentifier !== undefined) {
      const { response } = settlement;
      this.emit('unknownIdentifier', { id: response.id, status: response.status, name: response.info.name, forgotten: settlement.forgotten + (settlement.failedForgotten ? 1 : 0) });
    }
    const { error } = connection;
    this.emit('disconnect', { connection: this.numbers.get(connection) as number, cause: settlement.cause, ...(error ? { error } : {}) });
    if (this.failures > this.reconnectLimit) this.giveUp();
    this.schedulePump();
  }

  /**
   * An answer, or a connection that stayed open a while, resets the count of failed attempts; one
   * that never opened or was closed at once without an answer (a refused handshake, a rejected
   * client certificate, the wrong environment) adds to it. Our own close counts neither way.
   */
  private countFailure(connection: Connection, settlement: Settlement): void {
    if (settlement.cause === 'closed') return;
    const answered = settlement.cause === 'error-response' || settlement.cause === 'probe-answered';
    if (answered || connection.openFor(Date.now()) >= HEALTHY_CONNECTION_MS) this.failures = 0;
    else this.failures += 1;
  }

  private giveUp(): void {
    this.gaveUp = new ApnsClientError(
      'APNS_ERR_RECONNECT_LIMIT',
      `could not connect to ${this.address.host}:${this.address.port} after ${this.failures} attempts; check the address, the credentials and the gateway`,
    );
    this.ledger.abandon(this.queue, 'connect-failed');
    if (this.listenerCount('error') > 0) this.emit('error', this.gaveUp);
    this.releaseWaiters(true);
  }

  private releaseWaiters(all: boolean): void {
    this.waiters.release(all, this.queue.count, this.highWaterMark);
  }

  /** While closing: each connection with nothing left to write ends with the probe. */
  private probeIdle(): void {
    if (this.queue.count > 0) return;
    for (const connection of this.active) {
      if (connection.queued === 0) connection.probe(this.probeTimeoutMs);
    }
  }

  private maybeFinish(): void {
    const closing = this.closing;
    if (!closing || this.finished || this.queue.count > 0 || this.active.size > 0 || this.live.size > 0) return;
    this.finished = true;
    clearTimeout(this.backoffTimer);
    this.backoffTimer = undefined;
    closing.resolve(this.ledger.report(Date.now() - this.started));
  }
}

/** Creates the binary gateway's managed sender (createSender in create-sender.ts picks by `protocol`). */
export function createBinarySender(options: SenderOptions): Sender {
  return new Sender(options);
}
