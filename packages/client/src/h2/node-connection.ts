/**
 * One HTTP/2 connection to APNs on node:http2 (transport 'node-http2', the reference the direct
 * transport is tested against). The policy is ConnectionBase's; this maps it onto a
 * ClientHttp2Session. Streams open only when the base sees room, so nothing waits inside nghttp2.
 */
import { connect as http2Connect, constants, type ClientHttp2Session, type ClientHttp2Stream, type IncomingHttpHeaders } from 'node:http2';
import { Headers, pushRequestHeaders } from '@apnskit/codec/http2';
import { ConnectionBase, type InFlight } from './connection-base.js';
import type { Push } from './notification.js';
import { openHttp2Socket } from './push-connection.js';

export class NodeHttp2Connection extends ConnectionBase<ClientHttp2Stream> {
  private session: ClientHttp2Session | undefined;

  connect(): void {
    const { host, port } = this.parts.address;
    const session = http2Connect(`https://${host}:${port}`, { createConnection: () => openHttp2Socket(this.parts) });
    this.session = session;
    session.on('error', (error: Error) => {
      this.error ??= error;
    });
    session.on('remoteSettings', (settings) => this.settingsReceived(settings.maxConcurrentStreams));
    session.on('goaway', (errorCode: number, lastStreamId: number, opaqueData?: Buffer) => this.goawayReceived(errorCode, lastStreamId, opaqueData));
    session.on('close', () => this.transportClosed());
    this.startConnectTimer(`${host}:${port}`);
  }

  protected openStream(push: Push, providerToken: string | undefined, entry: InFlight): ClientHttp2Stream | undefined {
    const session = this.session;
    if (!session) return undefined;
    let stream: ClientHttp2Stream;
    try {
      stream = session.request(pushRequestHeaders({ ...push.notification, providerToken }), { endStream: false });
    } catch (error) {
      // ERR_HTTP2_GOAWAY_SESSION or ERR_HTTP2_INVALID_SESSION: this session takes no more streams.
      this.error ??= error as Error;
      return undefined;
    }
    stream.on('ready', () => {
      entry.streamId = stream.id ?? 0;
    });
    stream.on('response', (headers: IncomingHttpHeaders) => {
      const apnsId = headers[Headers.ApnsId];
      this.responseHeaders(entry, Number(headers[Headers.Status]), typeof apnsId === 'string' ? apnsId : undefined);
    });
    stream.on('data', (chunk: Buffer) => this.responseData(entry, chunk));
    stream.on('error', () => undefined);
    stream.on('close', () => {
      entry.streamId ||= stream.id ?? 0;
      const gone = this.session?.destroyed === true || this.session?.closed === true;
      this.streamOver(stream, entry, this.unansweredHow(entry, stream.rstCode, gone));
    });
    stream.end(push.notification.payload);
    return stream;
  }

  protected cancelStream(stream: ClientHttp2Stream): void {
    // Its 'close' event reports it (timed out).
    stream.close(constants.NGHTTP2_CANCEL);
  }

  protected sendPing(): void {
    try {
      this.session?.ping(() => this.pingAnswered());
    } catch {
      // A closing session refuses PINGs; its close settles everything.
    }
  }

  protected closeTransport(): void {
    this.session?.close();
  }

  protected destroyTransport(): void {
    this.session?.destroy();
  }
}
