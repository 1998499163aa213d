/**
 * The HTTP/2 sender: the binary sender's contract (send/write/ready/close, the same report and
 * events) over Apple's provider API. One bounded queue feeds a pool of connections, each taking
 * only as many streams as its server allows; answers settle notifications, retryable ones come back
 * after a backoff, and close() resolves once every notification is delivered, failed or unconfirmed.
 */
import { EventEmitter } from 'node:events';
import { reasonInfo, type PushOutcome } from '@apnskit/codec/http2';
import { decideAnswer, decideUnanswered, type RetryPolicy } from './answer-policy.js';
import { resolveCredentials, resolveServerTrust, type ApnsTlsOptions, type ResolvedCredentials } from '@apnskit/tls';
import type { Address } from '../address.js';
import { RoomWaiters, checkOpen, deferred, reconnectDelay, type Deferred } from '../sender-plumbing.js';
import { TlsSessions } from '../tls-sessions.js';
import { ApnsClientError, integerOption, invalidOption } from '../errors.js';
import { createPushConnection } from './connection-factory.js';
import type { ConnectionHooks, ConnectionSettings, Http2Transport, PushConnection, Unanswered } from './push-connection.js';
import { Http2Ledger } from './ledger.js';
import { TOKEN_LENGTH } from '@apnskit/codec';
import { packedTokensProblem } from '../packed-tokens.js';
import { invalidNotification, preparePush, type Push, type PushDefaults } from './notification.js';
import { ProviderTokenSigner } from './provider-token.js';
import { PushQueue } from './push-queue.js';
import { resolveHttp2Address } from './endpoints.js';
import type { Http2DisconnectCause, Http2Notification, Http2SenderEvents, Http2SenderOptions, Http2SenderReport } from './types.js';

const RESOLVED: Promise<void> = Promise.resolve();
/** A connection open this long before it ended without an answer still counts as a success. */
const HEALTHY_CONNECTION_MS = 1000;
const MINUTE_MS = 60_000;
/** A connection's token lives at least this long (TooManyProviderTokenUpdates) and at most 50 minutes (it expires at 60). */
const TOKEN_REFRESH_MIN_MS = 20 * MINUTE_MS;
const TOKEN_REFRESH_MAX_MS = 50 * MINUTE_MS;

export class Http2Sender extends EventEmitter<Http2SenderEvents> {
  private readonly address: Address;
  private readonly credentials: ResolvedCredentials;
  private readonly signer: ProviderTokenSigner | undefined;
  private readonly defaults: PushDefaults;
  private readonly poolSize: number;
  private readonly transport: Http2Transport;
  private readonly highWaterMark: number;
  private readonly maxRetries: number;
  private readonly retry: RetryPolicy;
  private readonly reconnectLimit: number;
  private readonly backoffInitialMs: number;
  private readonly backoffMaxMs: number;
  private readonly settings: ConnectionSettings;
  private readonly hooks: ConnectionHooks;
  private readonly ledger: Http2Ledger;
  private readonly queue = new PushQueue<Push>();
  private readonly connections = new Set<PushConnection>();
  /** A reconnect resumes the TLS session of the connections before it. */
  private readonly sessions = new TlsSessions();
  /** Resends waiting out their backoff. */
  private readonly delayed = new Map<NodeJS.Timeout, Push>();
  private readonly started = Date.now();
  private readonly waiters = new RoomWaiters();
  private pumpScheduled = false;
  private failures = 0;
  private backoffTimer: NodeJS.Timeout | undefined;
  private gaveUp: ApnsClientError | undefined;
  private closing: Deferred<Http2SenderReport> | undefined;
  private finished = false;

  constructor(options: Http2SenderOptions) {
    super();
    if (options === null || typeof options !== 'object') throw invalidOption('options', 'an object', options);
    this.address = resolveHttp2Address(options.environment, options.address);
    if (options.token === undefined && options.tls === undefined) {
      throw invalidOption('token or tls', 'a provider token { key, keyId, teamId } or a client certificate (tls: { pfx } or { cert, key })', undefined);
    }
    this.signer = options.token !== undefined ? new ProviderTokenSigner(options.token) : undefined;
    this.credentials = this.signer ? resolveServerTrust(options.tls ?? {}) : resolveCredentials(options.tls as ApnsTlsOptions);
    const bundleId = options.topic ?? this.credentials.certificate?.topic;
    this.defaults = { bundleId, pushType: options.pushType, topicRequired: this.signer !== undefined };
    if (this.signer && bundleId === undefined) throw invalidOption('topic', 'your app\'s bundle id (token connections need a topic)', undefined);
    this.poolSize = integerOption('connections', options.connections, 1, 1, 1024);
    const transport = options.transport ?? 'direct';
    if (transport !== 'direct' && transport !== 'node-http2') throw invalidOption('transport', "'direct' (default) or 'node-http2'", transport);
    this.transport = transport;
    this.highWaterMark = integerOption('highWaterMark', options.highWaterMark, 8192, 1);
    this.maxRetries = integerOption('maxRetries', options.maxRetries, 3, 0, 100);
    this.retry = {
      maxRetries: this.maxRetries,
      initialMs: integerOption('retryBackoff.initialMs', options.retryBackoff?.initialMs, 1000, 0),
      maxMs: integerOption('retryBackoff.maxMs', options.retryBackoff?.maxMs, 60_000, 0),
    };
    this.reconnectLimit = integerOption('reconnectLimit', options.reconnectLimit, 10, 0);
    this.backoffInitialMs = integerOption('backoff.initialMs', options.backoff?.initialMs, 100, 0);
    this.backoffMaxMs = integerOption('backoff.maxMs', options.backoff?.maxMs, 5000, 0);
    const clock = options.clock ?? Date.now;
    if (typeof clock !== 'function') throw invalidOption('clock', 'a function returning milliseconds since the epoch', clock);
    this.settings = {
      requestTimeoutMs: integerOption('requestTimeoutMs', options.requestTimeoutMs, 10_000, 1),
      connectTimeoutMs: integerOption('connectTimeoutMs', options.connectTimeoutMs, 10_000, 1),
      pingIntervalMs: integerOption('pingIntervalMs', options.pingIntervalMs, 60_000, 0),
      pingTimeoutMs: integerOption('pingTimeoutMs', options.pingTimeoutMs, 10_000, 1),
      tokenRefreshMs: integerOption('tokenRefreshMs', options.tokenRefreshMs, TOKEN_REFRESH_MAX_MS, TOKEN_REFRESH_MIN_MS, TOKEN_REFRESH_MAX_MS),
      clock,
    };
    const onFailed = options.onFailed;
    this.ledger = new Http2Ledger(options.keepDelivered === true, {
      failed: (event) => {
        onFailed?.(event);
        this.emit('failed', event);
      },
      unregistered: (event) => this.emit('unregistered', event),
      unconfirmed: (event) => this.emit('unconfirmed', event),
      resent: (event) => {
        if (this.listenerCount('resent') > 0) this.emit('resent', event);
      },
    });
    this.hooks = {
      opened: (connection) => this.emit('connect', { connection: connection.number }),
      room: () => this.schedulePump(),
      answered: (connection, push, outcome, apnsId) => this.answered(connection, push, outcome, apnsId),
      unanswered: (_connection, push, how) => this.unanswered(push, how),
      goaway: (_connection, reason) => this.rejectedBy(reason),
      closed: (connection, cause, reason, error) => this.closed(connection, cause, reason, error),
    };
  }

  /** Checks and queues one notification (bad input throws APNS_ERR_INVALID_NOTIFICATION); waits while the queue is full. */
  send(notification: Http2Notification): Promise<void> {
    return this.write(notification) ? RESOLVED : this.ready();
  }

  /** Queues without a promise; false once the queue reached the high-water mark (then `await ready()`). */
  write(notification: Http2Notification): boolean {
    checkOpen(this.closing, this.gaveUp);
    this.queue.push(preparePush(notification, this.defaults));
    this.ledger.sent += 1;
    this.schedulePump();
    return this.queue.length < this.highWaterMark;
  }

  /**
   * Queues `notification` for each device token in `tokens`: 32-byte tokens back to back in one
   * array (the notification's own token, if any, is ignored), as the binary Sender's writeMany.
   * Each is checked as write() checks it; on bad input nothing is queued.
   */
  writeMany(notification: Omit<Http2Notification, 'token'>, tokens: Uint8Array): boolean {
    checkOpen(this.closing, this.gaveUp);
    const problem = packedTokensProblem(tokens);
    if (problem !== undefined) throw invalidNotification(problem);
    const count = tokens.length / TOKEN_LENGTH;
    const each = { ...notification, token: tokens };
    const pushes: Push[] = [];
    for (let index = 0; index < count; index += 1) {
      each.token = tokens.subarray(index * TOKEN_LENGTH, (index + 1) * TOKEN_LENGTH);
      pushes.push(preparePush(each, this.defaults));
    }
    for (const push of pushes) this.queue.push(push);
    this.ledger.sent += count;
    this.schedulePump();
    return this.queue.length < this.highWaterMark;
  }

  /** Resolves once the queue is below the high-water mark (at once when it is). */
  ready(): Promise<void> {
    if (this.queue.length < this.highWaterMark || this.closing || this.gaveUp) return RESOLVED;
    return this.waiters.wait();
  }

  stats(): { sent: number; queued: number; inFlight: number; delivered: number; failed: number; unconfirmed: number; resent: number; connections: number } {
    let inFlight = 0;
    for (const connection of this.connections) inFlight += connection.inFlightCount;
    const { ledger } = this;
    return { sent: ledger.sent, queued: this.queue.length + this.delayed.size, inFlight, delivered: ledger.delivered, failed: ledger.failed.length, unconfirmed: ledger.unconfirmed.length, resent: ledger.resent, connections: this.connections.size };
  }

  /** Sends everything queued, waits for every answer (or timeout), closes the connections and reports. Idempotent. */
  close(): Promise<Http2SenderReport> {
    if (this.closing) return this.closing.promise;
    this.closing = deferred<Http2SenderReport>();
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
    for (const connection of this.connections) {
      while (this.queue.length > 0 && connection.room > 0) {
        const push = this.queue.shift() as Push;
        if (!connection.open(push)) {
          this.queue.unshift(push);
          break;
        }
      }
    }
    this.ensureConnections();
    this.releaseWaiters(false);
    this.maybeFinish();
  }

  private ensureConnections(): void {
    if (this.gaveUp || this.backoffTimer !== undefined || this.queue.length === 0) return;
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
    let usable = 0;
    for (const connection of this.connections) if (connection.state === 'connecting' || connection.state === 'ready') usable += 1;
    while (usable < this.poolSize && this.queue.length > 0 && !this.gaveUp) {
      this.ledger.connections += 1;
      const connection = createPushConnection(this.transport, {
        number: this.ledger.connections,
        address: this.address,
        credentials: this.credentials,
        signer: this.signer,
        settings: this.settings,
        hooks: this.hooks,
        sessions: this.sessions,
      });
      this.connections.add(connection);
      connection.connect();
      usable += 1;
    }
  }

  private answered(connection: PushConnection, push: Push, outcome: PushOutcome, apnsId: string | undefined): void {
    this.failures = 0;
    const decision = decideAnswer(outcome, push, this.retry);
    switch (decision.kind) {
      case 'delivered':
        return this.ledger.deliver(push);
      case 'failed':
        return this.ledger.fail(push, outcome, decision.info, apnsId);
      case 'credentials':
        this.ledger.fail(push, outcome, decision.info, apnsId);
        return this.rejectedBy(outcome.reason);
      case 'fresh-token':
        // That connection's token is done: a fresh connection signs a fresh one.
        connection.drain('token-expired');
        push.tokenRetried = true;
        this.ledger.resend(push, 'expired-provider-token', false);
        return this.requeue(push);
      case 'clock-skew':
        connection.drain('token-expired');
        this.ledger.fail(push, outcome, decision.info, apnsId);
        if (!this.gaveUp) this.giveUp(new ApnsClientError('APNS_ERR_CLOCK_SKEW', "APNs answered ExpiredProviderToken to a provider token signed moments ago: this machine's clock is off; sync it (NTP) and send again"));
        return;
      case 'retry': {
        if (this.gaveUp) return this.ledger.fail(push, outcome, decision.info, apnsId);
        if (decision.newConnection) connection.drain();
        push.retries += 1;
        this.ledger.resend(push, 'retryable-answer', false);
        const timer = setTimeout(() => {
          this.delayed.delete(timer);
          this.requeue(push);
        }, decision.delayMs);
        this.delayed.set(timer, push);
        return;
      }
    }
  }

  private unanswered(push: Push, how: Unanswered): void {
    if (this.gaveUp && how !== 'timeout') return this.ledger.giveUp(push, 'connect-failed');
    const decision = decideUnanswered(how, push, this.maxRetries);
    if (decision.kind === 'unconfirmed') return this.ledger.giveUp(push, decision.reason);
    if (decision.charged) push.retries += 1;
    else push.refusals += 1;
    this.ledger.resend(push, decision.cause, decision.possiblyDelivered);
    this.requeue(push);
  }

  private requeue(push: Push): void {
    if (this.gaveUp) return this.ledger.giveUp(push, 'connect-failed');
    this.queue.unshift(push);
    this.schedulePump();
  }

  private closed(connection: PushConnection, cause: Http2DisconnectCause, reason: string | undefined, error: Error | undefined): void {
    this.connections.delete(connection);
    if (cause !== 'closed') {
      if (connection.answeredAny || connection.openFor(Date.now()) >= HEALTHY_CONNECTION_MS) this.failures = 0;
      else this.failures += 1;
    }
    this.emit('disconnect', { connection: connection.number, cause, ...(reason !== undefined ? { reason } : {}), ...(error ? { error } : {}) });
    if (this.failures > this.reconnectLimit && !this.gaveUp) {
      this.giveUp(
        new ApnsClientError(
          'APNS_ERR_RECONNECT_LIMIT',
          `could not connect to ${this.address.host}:${this.address.port} after ${this.failures} attempts${error ? ` (${error.message})` : ''}; check the address, the credentials and the network`,
        ),
      );
    }
    this.schedulePump();
  }

  /** A GOAWAY whose reason only a fix cures (wrong environment, bad certificate): resending would fail the same way. */
  private rejectedBy(reason: string | undefined): void {
    const info = reason !== undefined ? reasonInfo(reason) : undefined;
    if (!info?.known || info.action !== 'fix' || this.gaveUp) return;
    this.giveUp(new ApnsClientError('APNS_ERR_CONNECTION_REJECTED', `APNs answered ${reason}: ${info.meaning}; fix that and send again`));
  }

  private giveUp(error: ApnsClientError): void {
    this.gaveUp = error;
    for (const push of this.queue.drain()) this.ledger.giveUp(push, 'connect-failed');
    for (const [timer, push] of this.delayed) {
      clearTimeout(timer);
      this.ledger.giveUp(push, 'connect-failed');
    }
    this.delayed.clear();
    if (this.listenerCount('error') > 0) this.emit('error', error);
    this.releaseWaiters(true);
  }

  private releaseWaiters(all: boolean): void {
    this.waiters.release(all, this.queue.length, this.highWaterMark);
  }

  private maybeFinish(): void {
    const closing = this.closing;
    if (!closing || this.finished || this.queue.length > 0 || this.delayed.size > 0) return;
    for (const connection of this.connections) {
      if (connection.inFlightCount > 0) return;
    }
    if (this.connections.size > 0) {
      for (const connection of this.connections) connection.close();
      return;
    }
    this.finished = true;
    clearTimeout(this.backoffTimer);
    this.backoffTimer = undefined;
    closing.resolve(this.ledger.report(Date.now() - this.started));
  }
}
