/**
 * One connection to APNs on the direct session (transport 'direct', the default): ConnectionBase's
 * policy over frames this package writes itself (session.ts).
 */
import { isIP } from 'node:net';
import { Headers } from '@apnskit/codec/http2';
import { ApnsClientError } from '../../errors.js';
import { ConnectionBase, type InFlight } from '../connection-base.js';
import type { Push } from '../notification.js';
import { ALPN_H2, openHttp2Socket, type ConnectionParts } from '../push-connection.js';
import { RequestEncoder } from './request-encoder.js';
import { DirectSession, type SessionListener } from './session.js';

const HTTPS_PORT = 443;

export class DirectConnection extends ConnectionBase<number> implements SessionListener {
  private readonly encoder: RequestEncoder;
  private session: DirectSession | undefined;

  constructor(parts: ConnectionParts) {
    super(parts);
    const { host, port } = parts.address;
    // As a URL writes it: IPv6 in brackets, the default port left out.
    const hostPart = isIP(host) === 6 ? `[${host}]` : host;
    this.encoder = new RequestEncoder(port === HTTPS_PORT ? hostPart : `${hostPart}:${port}`);
  }

  connect(): void {
    const { host, port } = this.parts.address;
    const socket = openHttp2Socket(this.parts);
    socket.setNoDelay(true);
    socket.once('secureConnect', () => {
      // No ALPN at all is accepted (as APNs accepts clients without it); another protocol is not HTTP/2.
      const protocol = socket.alpnProtocol;
      if (protocol !== false && protocol !== ALPN_H2) {
        this.destroy('connect-failed', new ApnsClientError('APNS_ERR_CONNECT_FAILED', `${host}:${port} chose ALPN protocol ${String(protocol)}, not h2: is this an HTTP/2 server?`));
      }
    });
    this.session = new DirectSession(socket, this);
    this.startConnectTimer(`${host}:${port}`);
  }

  protected openStream(push: Push, providerToken: string | undefined, entry: InFlight): number | undefined {
    const session = this.session;
    if (!session) return undefined;
    const { notification } = push;
    const blockLength = this.encoder.prepare(notification, providerToken);
    const streamId = session.request(this.encoder, blockLength, notification.payload);
    if (streamId === 0) return undefined;
    entry.streamId = streamId;
    return streamId;
  }

  protected cancelStream(streamId: number): void {
    this.session?.cancel(streamId);
    const entry = this.inFlight.get(streamId);
    if (entry) this.streamOver(streamId, entry, 'timeout');
  }

  protected sendPing(): void {
    this.session?.ping();
  }

  protected closeTransport(): void {
    this.session?.close();
  }

  protected destroyTransport(): void {
    this.session?.destroy();
  }

  // SessionListener: what the server sent.

  settings(_first: boolean, maxConcurrentStreams: number): void {
    this.settingsReceived(maxConcurrentStreams);
  }

  headers(streamId: number, fields: string[], endStream: boolean): void {
    const entry = this.inFlight.get(streamId);
    if (!entry) return;
    let status = 0;
    let apnsId: string | undefined;
    for (let index = 0; index < fields.length; index += 2) {
      const name = fields[index];
      if (name === Headers.Status) status = Number(fields[index + 1]);
      else if (name === Headers.ApnsId) apnsId = fields[index + 1];
    }
    this.responseHeaders(entry, status, apnsId);
    // A stream ended with no :status is not an answer.
    if (endStream) this.streamOver(streamId, entry, 'reset');
  }

  data(streamId: number, payload: Uint8Array, endStream: boolean): void {
    const entry = this.inFlight.get(streamId);
    if (!entry) return;
    this.responseData(entry, payload);
    if (endStream) this.streamOver(streamId, entry, 'reset');
  }

  reset(streamId: number, errorCode: number): void {
    const entry = this.inFlight.get(streamId);
    if (entry) this.streamOver(streamId, entry, this.unansweredHow(entry, errorCode, false));
  }

  goaway(lastStreamId: number, errorCode: number, debugData: Uint8Array): void {
    this.goawayReceived(errorCode, lastStreamId, debugData);
    // Streams above lastStreamId were not processed and will get no answer: back to the queue now.
    for (const [streamId, entry] of this.inFlight) {
      if (this.aboveGoaway(streamId)) this.streamOver(streamId, entry, 'refused');
    }
    if (this.inFlight.size === 0) this.closeTransport();
  }

  closed(error: Error | undefined): void {
    this.error ??= error;
    this.transportClosed();
  }
}
