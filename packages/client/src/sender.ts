import { EventEmitter } from 'node:events';
import { Message, type Notification } from '@apnskit/codec';
import { Connection, type ConnectionHooks } from './connection.js';
import { ApnsClientError } from './errors.js';
import { CHUNK_BYTES, ChunkPool, FrameQueue, type FrameChunk } from './frame-queue.js';
import { Ledger } from './sender-ledger.js';
import { RoomWaiters, checkOpen, deferred, reconnectDelay, type Deferred } from './sender-plumbing.js';
import type { SenderEvents, SenderOptions, SenderReport } from './sender-types.js';
import { resolveSenderSettings, type SenderSettings } from './sender-settings.js';
import type { Settlement } from './settlement.js';
import { TlsSessions } from './tls-sessions.js';

const RESOLVED: Promise<void> = Promise.resolve();
/**
 * Frames of unknown fate settled per fresh connection. A fault during the settling puts the batch
 * in doubt again (and charges it a retry); at one fault per 10,000 notifications a batch of 1000
 * is hit one time in ten, so a tail runs out of three retries about once in a thousand, for one
 * reconnect per 1000 frames in doubt (measured: see the client README, "Reliability").
 */
const SETTLE_BATCH = 1000;
/** Settled chunks kept for reuse: 16 MiB, about one checkpoint's worth of frames. */
const SPARE_CHUNKS = 128;
/** A connection open this long before it ended without an answer still counts as a success. */
const HEALTHY_CONNECTION_MS = 1000;

/**
 * The managed sender: a pool of connections fed from one bounded queue of encoded frames;
 * resends what Apple discarded, reconnects with backoff, and closes with a probe per connection
 * so that its report proves every delivery it claims.
 */
export class Sender extends EventEmitter<SenderEvents> {
  /** The checked options, defaults filled in. */
  private readonly settings: SenderSettings;
  // Read by write() for every notification: kept at hand.
  private readonly format: SenderSettings['format'];
  private readonly payloadLimit: number;
  private readonly highWaterMark: number;
  private ageTimer: NodeJS.Timeout | undefined;
  private readonly hooks: ConnectionHooks;
  private readonly ledger: Ledger;
  private readonly pool = new ChunkPool(SPARE_CHUNKS);
  private readonly queue = new FrameQueue(CHUNK_BYTES, this.pool);
  /**
   * Frames whose earlier copy may have arrived (written before an ambiguous end). Each batch of
   * them goes out alone on a fresh connection, followed at once by the probe: their fate is then
   * known before new work could share a connection with them and a later fault put them in
   * doubt again.
   */
  private readonly doubt = new FrameQueue();
  /** Connections not settled yet. */
  private readonly active = new Set<Connection>();
  /** Connections whose socket has not closed yet (settled or not). */
  private readonly live = new Set<Connection>();
  private readonly numbers = new WeakMap<Connection, number>();
  /** Each connection resumes the TLS session of the ones before: a checkpoint's handshake costs half. */
  private readonly sessions = new TlsSessions();
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
    this.settings = resolveSenderSettings(options);
    ({ format: this.format, payloadLimit: this.payloadLimit, highWaterMark: this.highWaterMark } = this.settings);
    const onFailed = options.onFailed;
    this.ledger = new Ledger(
      this.settings.policy,
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
    checkOpen(this.closing, this.gaveUp);
    const notification = message instanceof Message ? message.toNotification({ limit: this.payloadLimit }) : message;
    this.queue.appendNotification(notification, this.format, this.payloadLimit);
    this.ledger.sent += 1;
    if (!this.pumpScheduled) this.schedulePump();
    return this.queue.count < this.highWaterMark;
  }

  /**
   * Queues `notification` for each device token in `tokens`: 32-byte tokens back to back in one
   * array (as read from a file or a database column; the notification's own token, if any, is
   * ignored). The notification is checked and encoded once and copied per token: a third of the
   * queueing time of write() per token (43 against 134 ns a frame), 1.1-1.3x its rate end to end
   * (client bench). All of them are queued; returns as write() does. Bad input throws
   * ApnsCodecError and queues nothing.
   */
  writeMany(notification: Omit<Notification, 'token'>, tokens: Uint8Array): boolean {
    checkOpen(this.closing, this.gaveUp);
    const before = this.queue.count;
    this.queue.appendForTokens(notification, tokens, this.format, this.payloadLimit);
    this.ledger.sent += this.queue.count - before;
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
      queued: this.queue.count + this.doubt.count,
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
    const now = Date.now();
    const limit = this.checkpointLimit();
    // The oldest `poolSize` accepting connections write; a successor opened early waits its turn.
    let writers = 0;
    for (const connection of this.active) {
      if (this.doubt.count > 0 && connection.acceptsMore && isFresh(connection)) this.settleDoubt(connection);
      const writer = isAccepting(connection) && writers < this.settings.poolSize;
      if (writer) writers += 1;
      while (writer && this.queue.count > 0 && connection.acceptsMore && taken(connection) < limit) {
        connection.enqueue(this.queue.shift() as FrameChunk);
      }
      connection.flush();
      // Checkpoint (to within a chunk): prove what this connection wrote; its successor takes over.
      if (writer && (taken(connection) >= limit || this.aged(connection, now))) {
        connection.probe(this.settings.probeTimeoutMs);
        writers -= 1;
      }
    }
    this.watchAge();
    this.ensureConnections();
    this.releaseWaiters(false);
    if (this.closing) this.probeIdle();
    this.maybeFinish();
  }

  private aged(connection: Connection, now: number): boolean {
    return connection.firstWriteAt !== undefined && now - connection.firstWriteAt >= this.settings.checkpointAgeMs;
  }

  /** While a connection holds unproven frames, looks again when the oldest may come of age (idle connections included). */
  private watchAge(): void {
    if (this.ageTimer !== undefined || !Number.isFinite(this.settings.checkpointAgeMs)) return;
    let oldest = Infinity;
    for (const connection of this.active) if (!connection.probing && connection.firstWriteAt !== undefined) oldest = Math.min(oldest, connection.firstWriteAt);
    if (oldest === Infinity) return;
    this.ageTimer = setTimeout(() => {
      this.ageTimer = undefined;
      this.schedulePump();
    }, Math.max(0, oldest + this.settings.checkpointAgeMs - Date.now()));
    this.ageTimer.unref();
  }

  /** A fresh connection takes a batch of frames of unknown fate and ends with the probe: nothing new rides along. */
  private settleDoubt(connection: Connection): void {
    while (this.doubt.count > 0 && connection.queued < SETTLE_BATCH) connection.enqueue(this.doubt.shift() as FrameChunk);
    connection.flush();
    connection.probe(this.settings.probeTimeoutMs);
  }

  private ensureConnections(): void {
    if (this.gaveUp || this.backoffTimer !== undefined || !this.needsConnection()) return;
    const delay = reconnectDelay(this.failures, this.settings.backoffInitialMs, this.settings.backoffMaxMs);
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
    while (!this.gaveUp && this.needsConnection()) {
      const connection = new Connection(this.settings.address, this.settings.credentials, {}, this.settings.connectionOptions, this.hooks, this.sessions);
      this.ledger.connections += 1;
      this.numbers.set(connection, this.ledger.connections);
      this.active.add(connection);
      this.live.add(connection);
      connection.connect();
    }
  }

  /**
   * True while a connection is missing: a pool slot for queued work, a fresh one for the doubtful
   * frames, or the successor of a connection past half its checkpoint, opened ahead so that the
   * checkpoint costs no pause for a handshake.
   */
  private needsConnection(): boolean {
    const accepting = this.accepting();
    if (this.queue.count > 0 && accepting < this.settings.poolSize) return true;
    if (this.doubt.count > 0 && !this.hasFresh()) return true;
    const nearing = this.closing ? 0 : this.nearingCheckpoint();
    return nearing > 0 && accepting < this.settings.poolSize + nearing;
  }

  private checkpointLimit(): number {
    return this.settings.checkpointEvery > 0 ? this.settings.checkpointEvery : Infinity;
  }

  /** Accepting connections past half their checkpoint (each wants a successor), at most one per pool slot. */
  private nearingCheckpoint(): number {
    const halfway = this.checkpointLimit() / 2;
    let nearing = 0;
    for (const connection of this.active) if (isAccepting(connection) && taken(connection) >= halfway) nearing += 1;
    return Math.min(nearing, this.settings.poolSize);
  }

  /** Connections that take frames (not ending with a probe or after a socket error). */
  private accepting(): number {
    let count = 0;
    for (const connection of this.active) if (isAccepting(connection)) count += 1;
    return count;
  }

  /** True when a connection that has written nothing (open or opening) can take the doubtful frames. */
  private hasFresh(): boolean {
    for (const connection of this.active) if (isAccepting(connection) && isFresh(connection)) return true;
    return false;
  }

  private opened(connection: Connection): void {
    this.emit('connect', { connection: this.numbers.get(connection) as number });
    this.schedulePump();
  }

  private settled(connection: Connection, settlement: Settlement, unwritten: FrameQueue): void {
    this.active.delete(connection);
    this.countFailure(connection, settlement);
    // A probe unanswered while closing leaves its tail unconfirmed; a checkpoint's is resent.
    this.ledger.apply(settlement, connection.window, unwritten, { queue: this.queue, doubt: this.doubt }, settlement.cause === 'probe-timeout' && this.closing !== undefined);
    // Booked: nothing refers to the written chunks any more, and the socket is gone with whatever
    // it still buffered (except after our own close(), which lets it flush).
    if (settlement.cause !== 'closed') for (const chunk of connection.window.releaseChunks()) this.pool.give(chunk);
    if (settlement.response && settlement.unknownIdentifier !== undefined) {
      const { response } = settlement;
      this.emit('unknownIdentifier', { id: response.id, status: response.status, name: response.info.name, forgotten: settlement.forgotten + (settlement.failedForgotten ? 1 : 0) });
    }
    const { error } = connection;
    this.emit('disconnect', { connection: this.numbers.get(connection) as number, cause: settlement.cause, ...(error ? { error } : {}) });
    if (this.failures > this.settings.reconnectLimit) this.giveUp();
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

  /**
   * Gives up at once, as after `reconnectLimit` failed attempts, with `reason`: for a failure that
   * retrying cannot fix (a refused client certificate, an untrusted server). What is queued ends
   * unconfirmed ('connect-failed'); `close()` still reports everything.
   */
  abort(reason: ApnsClientError): void {
    if (this.gaveUp) return;
    clearTimeout(this.backoffTimer);
    this.backoffTimer = undefined;
    this.giveUp(reason);
    this.schedulePump();
  }

  private giveUp(reason?: ApnsClientError): void {
    this.gaveUp =
      reason ??
      new ApnsClientError(
        'APNS_ERR_RECONNECT_LIMIT',
        `could not connect to ${this.settings.address.host}:${this.settings.address.port} after ${this.failures} attempts; check the address, the credentials and the gateway`,
      );
    this.ledger.abandon(this.doubt, 'connect-failed');
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
      // A fresh connection is kept for the doubtful frames still waiting.
      if (connection.queued === 0 && !(this.doubt.count > 0 && isFresh(connection))) connection.probe(this.settings.probeTimeoutMs);
    }
  }

  private maybeFinish(): void {
    const closing = this.closing;
    if (!closing || this.finished || this.queue.count + this.doubt.count > 0 || this.active.size > 0 || this.live.size > 0) return;
    this.finished = true;
    clearTimeout(this.backoffTimer);
    this.backoffTimer = undefined;
    clearTimeout(this.ageTimer);
    this.ageTimer = undefined;
    closing.resolve(this.ledger.report(Date.now() - this.started));
  }
}

/** True while the connection may take frames: not ending with a probe, no socket error. */
function isAccepting(connection: Connection): boolean {
  return !connection.probing && !connection.ending;
}

/** Frames the connection has written or queued: what its checkpoint counts. */
function taken(connection: Connection): number {
  return connection.written + connection.queued;
}

/** True when the connection has neither written nor queued anything yet. */
function isFresh(connection: Connection): boolean {
  return taken(connection) === 0;
}
