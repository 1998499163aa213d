/**
 * The HTTP/2 provider API service: TLS 1.2+ with the mock's certificates, HTTP/2 over it for
 * clients with and without ALPN, certificate or provider-token authentication on the same port.
 */
import { createServer as createH2Server, type Http2Server, type IncomingHttpHeaders, type ServerHttp2Session, type ServerHttp2Stream } from 'node:http2';
import type { Socket } from 'node:net';
import type { Server as TlsServer, TLSSocket } from 'node:tls';
import type { Reason } from '@apnskit/codec/http2';
import type { ApnsEnvironment as PushEnvironment } from '@apnskit/tls';
import type { FaultSet } from '../fault-set.js';
import { peerIdentity } from '../peer.js';
import type { NotificationRecorder, RejectedNotification } from '../recorder.js';
import type { MockClock } from './clock.js';
import { ConnectionAuth, type CertificateIdentity } from './connection-auth.js';
import { Http2Connection } from './connection.js';
import { handlePushStream } from './push-stream.js';
import { PingAckFilter } from './ping-filter.js';
import { SigningKeys, type SigningKey, type SigningKeyInput } from './signing-keys.js';
import { StreamFaults } from './stream-faults.js';
import { TokenVerifier } from './token-verifier.js';

/** HTTP/2 counters since start or the last reset. */
export interface Http2Stats {
  connections: number;
  openConnections: number;
  streams: number;
  accepted: number;
  rejected: number;
  /** Answers written, by HTTP status. */
  answersByStatus: Record<string, number>;
  /** Failure answers written, by reason. */
  answersByReason: Record<string, number>;
  goaways: number;
  /** Streams left unanswered by a no-answer fault. */
  unanswered: number;
  /** Streams reset by an rst-stream fault. */
  resets: number;
  /** Connections closed mid-stream by a fault. */
  closedMidStream: number;
  /** Session errors (protocol errors, garbage, floods) that ended a connection. */
  sessionErrors: number;
}

export interface Http2ServiceContext {
  readonly faultSet: FaultSet;
  readonly recorder: NotificationRecorder;
  readonly clock: MockClock;
  readonly environment: PushEnvironment;
  readonly closeGraceMs: number;
  readonly maxConcurrentStreams: number;
  readonly seed: number;
  readonly certsDir: string;
  readonly wrongEnvironmentReason: Reason;
  accepted(): void;
  rejected(rejection: RejectedNotification): void;
  connected(event: { connection: number; remote: string; topic: string | undefined; environments: readonly string[]; resumed: boolean }): void;
  disconnected(connection: number, reason: 'client' | 'server'): void;
  /** A drop-connections fault closed a connection right after its handshake. */
  dropped(remote: string): void;
}

function zeroStats(): Omit<Http2Stats, 'openConnections'> {
  return { connections: 0, streams: 0, accepted: 0, rejected: 0, answersByStatus: {}, answersByReason: {}, goaways: 0, unanswered: 0, resets: 0, closedMidStream: 0, sessionErrors: 0 };
}

/** The mock's HTTP/2 service. Reached as `mock.http2`. */
export class Http2Service {
  readonly port: number;
  /** The signing key made at start: its `.p8` file, key id and team id. */
  readonly defaultKey: SigningKey;
  /** @internal */
  readonly faults: StreamFaults;
  /** @internal */
  counters = zeroStats();
  /** @internal */
  readonly closeGraceMs: number;
  private limit: number;
  private readonly keys: SigningKeys;
  private readonly verifier: TokenVerifier;
  /** Certificate connections start with the full limit; token connections with 1 until a valid token. */
  private readonly certificateH2: Http2Server;
  private readonly tokenH2: Http2Server;
  private readonly connections = new Set<Http2Connection>();
  private nextNumber = 1;
  /** The connection being handed to an HTTP/2 server: its 'session' event fires synchronously. */
  private handing: { socket: TLSSocket; certificate: CertificateIdentity | undefined } | undefined;

  /** @internal made by MockServer */
  constructor(
    private readonly tlsServer: TlsServer,
    private readonly context: Http2ServiceContext,
  ) {
    const address = tlsServer.address();
    this.port = typeof address === 'object' && address ? address.port : 0;
    this.limit = context.maxConcurrentStreams;
    this.closeGraceMs = context.closeGraceMs;
    this.faults = new StreamFaults(context.faultSet, context.seed);
    this.keys = new SigningKeys(context.certsDir);
    this.defaultKey = this.keys.add();
    this.verifier = new TokenVerifier(this.keys, context.environment, context.wrongEnvironmentReason);
    this.certificateH2 = this.h2Server(this.limit);
    this.tokenH2 = this.h2Server(1);
    tlsServer.on('secureConnection', (socket: TLSSocket) => this.onSecure(socket));
  }

  /** @internal */
  get faultSet(): FaultSet {
    return this.context.faultSet;
  }

  /** @internal */
  get recorder(): NotificationRecorder {
    return this.context.recorder;
  }

  get clock(): MockClock {
    return this.context.clock;
  }

  get maxConcurrentStreams(): number {
    return this.limit;
  }

  /** Changes the stream limit of new and open connections (SETTINGS at run time). */
  setMaxConcurrentStreams(limit: number): void {
    this.limit = limit;
    this.certificateH2.updateSettings({ maxConcurrentStreams: limit });
    for (const connection of this.connections) connection.applyLimit(connection.currentLimit());
  }

  /** Registers another signing key (for UnrelatedKeyIdInToken, other teams, environment-restricted keys). */
  addKey(input: SigningKeyInput = {}): SigningKey {
    return this.keys.add(input, { teamId: input.teamId });
  }

  listKeys(): SigningKey[] {
    return this.keys.list();
  }

  stats(): Http2Stats {
    const { answersByStatus, answersByReason, ...rest } = this.counters;
    return { ...rest, answersByStatus: { ...answersByStatus }, answersByReason: { ...answersByReason }, openConnections: this.connections.size };
  }

  /** @internal */
  reset(): void {
    this.counters = zeroStats();
    this.faults.clear();
    this.verifier.clear();
  }

  /** @internal */
  countAnswer(status: number, reason: string | undefined): void {
    const { answersByStatus, answersByReason } = this.counters;
    answersByStatus[status] = (answersByStatus[status] ?? 0) + 1;
    if (reason !== undefined) answersByReason[reason] = (answersByReason[reason] ?? 0) + 1;
  }

  /** @internal */
  notifyAccepted(): void {
    this.context.accepted();
  }

  /** @internal */
  notifyRejected(rejection: RejectedNotification): void {
    this.counters.rejected++;
    this.context.rejected(rejection);
  }

  /** @internal ends every connection (the TLS server is closed by the caller). */
  destroyAll(): void {
    for (const connection of this.connections) connection.destroy();
  }

  private h2Server(maxConcurrentStreams: number): Http2Server {
    // 1000 streams in flight need more than node:http2's default 10 MB of session memory (past it,
    // new streams are refused with ENHANCE_YOUR_CALM); still a bound per connection.
    const server = createH2Server({ settings: { maxConcurrentStreams }, maxSessionMemory: SESSION_MEMORY_MB });
    server.on('session', (session: ServerHttp2Session) => this.onSession(session));
    server.on('stream', (stream: ServerHttp2Stream, headers: IncomingHttpHeaders, _flags: number, rawHeaders: string[]) => {
      const connection = (stream.session as ServerHttp2Session & { [CONNECTION]?: Http2Connection } | undefined)?.[CONNECTION];
      if (!connection) {
        stream.on('error', () => undefined);
        stream.close();
        return;
      }
      handlePushStream(connection, stream, headers, rawHeaders);
    });
    return server;
  }

  private onSecure(socket: TLSSocket): void {
    socket.on('error', () => undefined);
    if (this.context.faultSet.connectionFate('secure')) {
      this.context.dropped(`${socket.remoteAddress}:${socket.remotePort}`);
      socket.destroy();
      return;
    }
    // Clients that offer no ALPN (pushy, aioapns) speak h2 all the same, as APNs lets them:
    // the HTTP/2 server would drop a socket whose alpnProtocol is false.
    if (socket.alpnProtocol === false) (socket as { alpnProtocol: string | false }).alpnProtocol = 'h2';
    const presented = socket.getPeerCertificate(false);
    const certificate = presented && Object.keys(presented).length > 0 ? { ...peerIdentity(socket), authorized: socket.authorized } : undefined;
    this.handing = { socket, certificate };
    try {
      const transport = this.faults.any && this.faults.ignoresPing() ? new PingAckFilter(socket) : socket;
      (certificate ? this.certificateH2 : this.tokenH2).emit('connection', transport);
    } finally {
      this.handing = undefined;
    }
  }

  private onSession(session: ServerHttp2Session): void {
    const handing = this.handing;
    let connection: Http2Connection | undefined;
    // A protocol error (garbage, a header block too large, a flood) ends the connection at once:
    // node:http2 sends GOAWAY but would leave the socket open.
    session.on('error', () => {
      this.counters.sessionErrors++;
      if (connection) connection.destroy();
      else session.destroy();
    });
    if (!handing) {
      session.destroy();
      return;
    }
    const number = this.nextNumber++;
    this.counters.connections++;
    const auth = new ConnectionAuth(handing.certificate, this.context.environment, this.verifier);
    const created = new Http2Connection(number, this, session, handing.socket, auth);
    connection = created;
    (session as ServerHttp2Session & { [CONNECTION]?: Http2Connection })[CONNECTION] = created;
    this.connections.add(created);
    const socket: Socket = handing.socket;
    this.context.connected({
      connection: number,
      remote: `${socket.remoteAddress}:${socket.remotePort}`,
      topic: handing.certificate?.topic,
      environments: handing.certificate?.environments ?? [],
      resumed: handing.socket.isSessionReused(),
    });
    // A session waiting in the middle of a header block outlives its socket unless told.
    handing.socket.once('close', () => created.destroy());
    session.once('close', () => {
      this.connections.delete(created);
      created.ended();
      this.context.disconnected(number, 'client');
    });
  }
}

/** Most memory one HTTP/2 session may hold, in megabytes. */
const SESSION_MEMORY_MB = 64;

/** Where a session keeps its connection. */
const CONNECTION = Symbol('apnskit.http2.connection');
