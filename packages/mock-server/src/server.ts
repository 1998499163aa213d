import { EventEmitter } from 'node:events';
import type { Server as HttpServer } from 'node:http';
import type { Socket } from 'node:net';
import type { Server as TlsServer, TLSSocket } from 'node:tls';
import type { FeedbackTupleInput } from '@apnskit/codec';
import type { MockCertificates } from './certs/store.js';
import { MockServerError } from './errors.js';
import { FeedbackLists, serveFeedback, type FeedbackServiceOptions, type QueuedFeedback } from './feedback-service.js';
import { FaultSet } from './fault-set.js';
import { GatewayConnection, type GatewayContext, type GatewayCounters } from './gateway-connection.js';
import type { ResolvedOptions } from './options.js';
import { ConnectionLimiter, remoteOf, type LimitEvent } from './listener-limits.js';
import { peerIdentity } from './peer.js';
import { NotificationRecorder, type RecordedNotification, type RejectedNotification } from './recorder.js';
import { Waiters } from './waiters.js';
import { MockClock } from './http2/clock.js';
import { Http2Service } from './http2/service.js';
import { feedbackByTopic, type MockScript } from './script.js';
import type { FaultControls, Listener, MockServerEvents, MockServerStats, Service, WaitOptions } from './server-types.js';

function zeroCounters(): GatewayCounters {
  return { bytesReceived: 0, discardedBytes: 0, shutdowns: 0, silentCloses: 0, resets: 0, stalls: 0 };
}

/** A running mock of Apple's binary gateway, feedback service and HTTP/2 provider API. Made by `createMockServer`. */
export class MockServer extends EventEmitter<MockServerEvents> {
  readonly host: string;
  readonly gateway: { readonly port: number };
  readonly feedback: { readonly port: number };
  readonly faults: FaultControls;
  /** The HTTP/2 provider API: port, signing key, stream limit, clock. */
  readonly http2: Http2Service;
  /** The HTTP control API's port, when started (`controlPort` option). */
  control: { readonly port: number } | undefined;
  /** @internal */
  controlServer: HttpServer | undefined;
  private readonly faultSet: FaultSet;
  private readonly recorder: NotificationRecorder;
  private rejections: RejectedNotification[] = [];
  private readonly feedbackLists: FeedbackLists;
  private readonly gatewayConnections = new Set<GatewayConnection>();
  private readonly feedbackSockets = new Set<TLSSocket>();
  /** Connection caps and timeouts of each listener; they also end every connection on close(). */
  private readonly limiters: ConnectionLimiter[] = [];
  private readonly acceptedWaiters = new Waiters();
  private readonly rejectedWaiters = new Waiters();
  private readonly counters = zeroCounters();
  private tally = { connections: 0, refused: 0, dropped: 0, tlsErrors: 0, feedbackConnections: 0, feedbackTuplesSent: 0, limitClosed: 0 };
  private nextGatewayNumber = 1;
  private nextFeedbackNumber = 1;
  private closing: Promise<void> | undefined;
  private readonly context: GatewayContext;

  /** @internal use createMockServer */
  constructor(
    readonly certs: MockCertificates,
    readonly options: ResolvedOptions,
    private readonly gatewayServer: TlsServer,
    private readonly feedbackServer: TlsServer,
    private readonly http2Server: TlsServer,
  ) {
    super();
    this.host = options.host;
    this.gateway = { port: portOf(gatewayServer) };
    this.feedback = { port: portOf(feedbackServer) };
    this.faultSet = new FaultSet(options.seed);
    this.recorder = new NotificationRecorder(options.payloadLimit);
    this.faults = {
      add: (fault) => this.faultSet.add(fault),
      addAll: (faults) => this.faultSet.addAll(faults),
      remove: (id) => this.faultSet.remove(id),
      clear: () => this.faultSet.clear(),
      list: () => this.faultSet.list(),
    };
    this.feedbackLists = new FeedbackLists(options.feedback);
    this.context = this.makeContext();
    this.http2 = this.makeHttp2();
    gatewayServer.on('connection', (socket: Socket) => this.onRawConnection(socket, 'gateway'));
    http2Server.on('connection', (socket: Socket) => this.onRawConnection(socket, 'http2'));
    const limits = { maxConnections: options.maxConnections, handshakeTimeoutMs: options.handshakeTimeoutMs, idleTimeoutMs: options.idleTimeoutMs };
    for (const [service, server] of [['gateway', gatewayServer], ['feedback', feedbackServer], ['http2', http2Server]] as const) {
      this.limiters.push(new ConnectionLimiter(server, limits, 'secureConnection', (event) => this.onLimit(service, event)));
    }
    gatewayServer.on('secureConnection', (socket: TLSSocket) => this.onGateway(socket));
    feedbackServer.on('secureConnection', (socket: TLSSocket) => this.onFeedback(socket));
    gatewayServer.on('tlsClientError', (error: NodeJS.ErrnoException, socket: TLSSocket) => this.onTlsError('gateway', error, socket));
    feedbackServer.on('tlsClientError', (error: NodeJS.ErrnoException, socket: TLSSocket) => this.onTlsError('feedback', error, socket));
    http2Server.on('tlsClientError', (error: NodeJS.ErrnoException, socket: TLSSocket) => this.onTlsError('http2', error, socket));
    this.faultSet.addAll(options.faults ?? []);
    if (options.feedbackTuples) this.addFeedback(options.feedbackTuples);
  }

  /** Arms a script's faults and queues its feedback. */
  applyScript(script: MockScript): void {
    this.faultSet.addAll(script.faults ?? []);
    for (const [topic, tuples] of feedbackByTopic(script.feedback ?? [], this.certs.topic)) this.addFeedback(tuples, { topic });
    if (script.feedbackOptions) this.configureFeedback(script.feedbackOptions);
  }

  /** Every accepted notification, in arrival order (readable views, made once each). */
  get notifications(): RecordedNotification[] {
    return this.recorder.all();
  }

  /** Accepted notifications from index `from` on, at most `limit` of them (for polling big lists). */
  notificationsFrom(from: number, limit = Number.POSITIVE_INFINITY): RecordedNotification[] {
    return this.recorder.range(from, from + limit);
  }

  /** How many notifications were accepted (cheaper than `notifications.length`). */
  get acceptedCount(): number {
    return this.recorder.count;
  }

  /** Every rejected notification, in order. */
  get rejected(): RejectedNotification[] {
    return [...this.rejections];
  }

  /** Queues feedback tuples for a topic (default: the server's topic). */
  addFeedback(tuples: readonly FeedbackTupleInput[], options: { topic?: string } = {}): void {
    this.feedbackLists.add(tuples, options.topic ?? this.certs.topic);
  }

  /** The tuples still queued for a topic (default: the server's topic). */
  pendingFeedback(topic: string = this.certs.topic): QueuedFeedback[] {
    return this.feedbackLists.list(topic);
  }

  /** Changes how the feedback service writes (chunks, hold open). */
  configureFeedback(options: FeedbackServiceOptions): void {
    this.feedbackLists.configure(options);
  }

  get feedbackOptions(): Required<FeedbackServiceOptions> {
    return this.feedbackLists.options;
  }

  /** Resolves with the accepted count once at least `count` notifications were accepted. */
  waitForNotifications(count: number, options: WaitOptions = {}): Promise<number> {
    return this.acceptedWaiters.wait(count, () => this.recorder.count, 'notifications accepted', options.timeoutMs);
  }

  /** Resolves with the rejected count once at least `count` notifications were rejected. */
  waitForRejections(count: number, options: WaitOptions = {}): Promise<number> {
    return this.rejectedWaiters.wait(count, () => this.rejections.length, 'notifications rejected', options.timeoutMs);
  }

  stats(): MockServerStats {
    return {
      ...this.counters,
      ...this.tally,
      openConnections: this.gatewayConnections.size,
      accepted: this.recorder.count,
      rejected: this.rejections.length,
      feedbackQueued: this.feedbackLists.queued,
      http2: this.http2.stats(),
    };
  }

  /** Forgets notifications, rejections, faults, queued feedback and counters. Open connections stay open. */
  reset(): void {
    this.recorder.clear();
    this.rejections = [];
    this.faultSet.clear();
    this.feedbackLists.clear();
    Object.assign(this.counters, zeroCounters());
    this.tally = { connections: 0, refused: 0, dropped: 0, tlsErrors: 0, feedbackConnections: 0, feedbackTuplesSent: 0, limitClosed: 0 };
    this.http2.reset();
  }

  /** Stops listening, ends every connection and rejects pending waits. Safe to call twice. */
  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    const servers: Array<TlsServer | HttpServer> = [this.gatewayServer, this.feedbackServer, this.http2Server];
    if (this.controlServer) servers.push(this.controlServer);
    const closed = servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve())));
    this.controlServer?.closeAllConnections();
    for (const connection of this.gatewayConnections) connection.destroy();
    for (const socket of this.feedbackSockets) socket.destroy();
    this.http2.destroyAll();
    for (const limiter of this.limiters) limiter.destroyAll();
    const error = new MockServerError('APNS_ERR_SERVER_CLOSED', 'the mock server was closed before enough notifications arrived');
    this.acceptedWaiters.rejectAll(error);
    this.rejectedWaiters.rejectAll(error);
    await Promise.all(closed);
  }

  private makeContext(): GatewayContext {
    return {
      faults: this.faultSet,
      recorder: this.recorder,
      payloadLimit: this.options.payloadLimit,
      closeGraceMs: this.options.closeGraceMs,
      partialFrameTimeoutMs: this.options.partialFrameTimeoutMs,
      counters: this.counters,
      accepted: () => this.acceptedWaiters.check(this.recorder.count),
      rejected: (rejection, feedbackToken, topic) => {
        this.rejections.push(rejection);
        if (feedbackToken) {
          this.feedbackLists.add([{ token: feedbackToken, timestamp: Math.floor(rejection.receivedAt / 1000) }], topic ?? this.certs.topic);
        }
        this.emit('rejection', rejection);
        this.rejectedWaiters.check(this.rejections.length);
      },
      ended: (connection, reason) => {
        this.gatewayConnections.delete(connection);
        this.emit('disconnect', { service: 'gateway', connection: connection.number, reason });
      },
    };
  }

  private makeHttp2(): Http2Service {
    const { options } = this;
    return new Http2Service(this.http2Server, {
      faultSet: this.faultSet,
      recorder: this.recorder,
      clock: new MockClock(options.clock),
      environment: options.environment,
      closeGraceMs: options.closeGraceMs,
      maxConcurrentStreams: options.http2MaxConcurrentStreams,
      seed: options.seed,
      certsDir: this.certs.paths.dir,
      wrongEnvironmentReason: options.environmentKeyReason,
      accepted: () => this.acceptedWaiters.check(this.recorder.count),
      rejected: (rejection) => this.context.rejected(rejection, undefined, undefined),
      connected: (event) => this.emit('connection', { service: 'http2', ...event }),
      dropped: (remote) => {
        this.tally.dropped++;
        this.emit('refused', { service: 'http2', remote, reason: 'drop-connections' });
      },
      disconnected: (connection) => this.emit('disconnect', { service: 'http2', connection, reason: 'client' }),
    });
  }

  /** Before TLS: a refuse-connections fault closes the TCP connection, so the handshake fails. */
  private onRawConnection(socket: Socket, service: 'gateway' | 'http2'): void {
    if (!this.faultSet.connectionFate('tcp')) return;
    this.tally.refused++;
    this.emit('refused', { service, remote: remoteOf(socket), reason: 'refuse-connections' });
    socket.destroy();
  }

  private onGateway(socket: TLSSocket): void {
    if (this.closing) {
      socket.destroy();
      return;
    }
    const identity = peerIdentity(socket);
    const number = this.nextGatewayNumber++;
    this.tally.connections++;
    this.emit('connection', { service: 'gateway', connection: number, remote: remoteOf(socket), ...identity, resumed: socket.isSessionReused() });
    const wrongEnvironment = this.options.enforceEnvironment && !identity.environments.includes(this.options.environment);
    if (wrongEnvironment || this.faultSet.connectionFate('secure')) {
      this.tally.dropped++;
      socket.on('error', () => undefined);
      this.emit('refused', { service: 'gateway', remote: remoteOf(socket), reason: wrongEnvironment ? 'wrong-environment' : 'drop-connections' });
      // end(), not destroy(): under TLS 1.2 the server's Finished is still being written, and the
      // client must see a completed handshake, then the close.
      socket.end();
      setTimeout(() => socket.destroy(), this.options.closeGraceMs).unref();
      return;
    }
    const connection = new GatewayConnection(socket, number, identity.topic, this.context);
    this.gatewayConnections.add(connection);
  }

  private onFeedback(socket: TLSSocket): void {
    if (this.closing) {
      socket.destroy();
      return;
    }
    const number = this.nextFeedbackNumber++;
    const identity = peerIdentity(socket);
    const topic = identity.topic ?? this.certs.topic;
    this.tally.feedbackConnections++;
    this.feedbackSockets.add(socket);
    let served = false;
    socket.on('error', () => undefined);
    socket.on('close', () => {
      this.feedbackSockets.delete(socket);
      const reason = served ? 'served' : this.closing ? 'server-closed' : 'client';
      this.emit('disconnect', { service: 'feedback', connection: number, reason });
    });
    this.emit('connection', { service: 'feedback', connection: number, remote: remoteOf(socket), ...identity, resumed: socket.isSessionReused() });
    const { bytes, count } = this.feedbackLists.take(topic);
    this.tally.feedbackTuplesSent += count;
    this.emit('feedback', { connection: number, topic, tuples: count });
    serveFeedback(socket, bytes, this.feedbackLists.options, this.options.closeGraceMs, () => (served = true));
  }

  /**
   * Node reports a refused client certificate as the socket's hang-up; the verify error (other CA,
   * expired, not yet valid) is on the socket: report that as the reason.
   */
  private onTlsError(service: Service, error: NodeJS.ErrnoException, socket: TLSSocket | undefined): void {
    this.tally.tlsErrors++;
    const verifyError = socket?.authorizationError;
    const reason = verifyError ? `client certificate refused: ${String(verifyError)}` : error.code === 'ERR_SSL_PEER_DID_NOT_RETURN_A_CERTIFICATE' ? 'no client certificate' : error.message;
    this.emit('tls-error', { service, code: error.code, message: error.message, reason });
  }

  /** @internal A listener limit refused or closed a connection: one event (one log line) each. */
  onLimit(service: Listener, event: LimitEvent): void {
    if (event.reason === 'too-many-connections' && service !== 'control') {
      this.tally.refused++;
      this.emit('refused', { service, remote: event.remote, reason: event.reason, limit: event.limit });
      return;
    }
    this.tally.limitClosed++;
    this.emit('limit', { service, ...event });
  }
}

function portOf(server: TlsServer): number {
  const address = server.address();
  return typeof address === 'object' && address ? address.port : 0;
}

