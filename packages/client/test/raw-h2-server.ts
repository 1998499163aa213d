/**
 * A bare HTTP/2 server over TLS for wire tests of the direct transport: it reads frames with the
 * codec's FrameReader, answers each finished request `:status 200` (one indexed octet, 0x88), and
 * lets a test script misbehave: its own SETTINGS, windows, CONTINUATION, garbage, GOAWAY. It checks
 * what a server must: no DATA beyond the windows it granted, no more streams than it allows.
 */
import type { AddressInfo } from 'node:net';
import { createServer, type Server, type TLSSocket } from 'node:tls';
import {
  DEFAULT_INITIAL_WINDOW_SIZE,
  FRAME_HEADER_LENGTH,
  FrameFlag,
  FrameReader,
  FrameType,
  HpackDecoder,
  SettingId,
  pingFrame,
  readSettings,
  readWindowUpdate,
  settingsAckFrame,
  settingsFrame,
  writeFrameHeader,
} from '@apnskit/codec/http2';
import { loadCertificates, type MockCertificates } from '@apnskit/mock-server';

const PREFACE_LENGTH = 24;
/** `:status 200` as a static-table index. */
export const STATUS_200_BLOCK = Buffer.from([0x88]);

export function frame(type: number, flags: number, streamId: number, payload: Uint8Array = new Uint8Array(0)): Buffer {
  const bytes = Buffer.alloc(FRAME_HEADER_LENGTH + payload.length);
  writeFrameHeader(bytes, 0, payload.length, type, flags, streamId);
  bytes.set(payload, FRAME_HEADER_LENGTH);
  return bytes;
}

export interface RawRequest {
  readonly connection: number;
  readonly streamId: number;
  readonly path: string;
  readonly body: Buffer;
}

export class RawConnection {
  /** Streams the client has open (HEADERS seen, answer not sent). */
  readonly open = new Set<number>();
  readonly frames: { type: number; flags: number; streamId: number; length: number }[] = [];
  /** The stream limit in force: changes count once the client ACKed them. */
  maxStreams = Number.MAX_SAFE_INTEGER;
  /** The most streams the client ever had open beyond maxStreams. */
  overLimit = 0;
  /** DATA octets received beyond a window we granted (must stay 0). */
  overWindow = 0;
  connectionWindow = DEFAULT_INITIAL_WINDOW_SIZE;
  initialStreamWindow = DEFAULT_INITIAL_WINDOW_SIZE;
  readonly streamWindows = new Map<number, number>();
  readonly bodies = new Map<number, Buffer[]>();
  readonly paths = new Map<number, string>();
  private readonly pendingSettings: { maxStreams?: number; initialWindow?: number }[] = [];
  readonly decoder = new HpackDecoder(4096, 1 << 20);
  /** A request's header block so far (HEADERS, then CONTINUATION until END_HEADERS). */
  readonly headerParts: Buffer[] = [];
  /** RST_STREAM frames the client sent: [stream, error code]. */
  readonly resets: [number, number][] = [];
  /** Payloads of the PING ACKs the client sent. */
  readonly pingAcks: Buffer[] = [];

  constructor(
    readonly number: number,
    readonly socket: TLSSocket,
  ) {}

  send(bytes: Uint8Array): void {
    if (!this.socket.destroyed) this.socket.write(bytes);
  }

  /** Sends SETTINGS; what it sets is enforced once the client ACKs it. */
  settings(maxStreams?: number, initialWindow?: number): void {
    const pairs: [number, number][] = [];
    if (maxStreams !== undefined) pairs.push([SettingId.MaxConcurrentStreams, maxStreams]);
    if (initialWindow !== undefined) pairs.push([SettingId.InitialWindowSize, initialWindow]);
    this.pendingSettings.push({ maxStreams, initialWindow });
    this.send(settingsFrame(pairs));
  }

  answer(streamId: number, block: Uint8Array = STATUS_200_BLOCK): void {
    this.open.delete(streamId);
    this.send(frame(FrameType.Headers, FrameFlag.EndHeaders | FrameFlag.EndStream, streamId, block));
  }

  settingsAcked(): void {
    const applied = this.pendingSettings.shift();
    if (!applied) return;
    if (applied.maxStreams !== undefined) this.maxStreams = applied.maxStreams;
    if (applied.initialWindow !== undefined) {
      const delta = applied.initialWindow - this.initialStreamWindow;
      this.initialStreamWindow = applied.initialWindow;
      for (const [streamId, window] of this.streamWindows) this.streamWindows.set(streamId, window + delta);
    }
  }

  grant(streamId: number, increment: number): void {
    const payload = Buffer.alloc(4);
    payload.writeUInt32BE(increment);
    if (streamId === 0) this.connectionWindow += increment;
    else this.streamWindows.set(streamId, (this.streamWindows.get(streamId) ?? 0) + increment);
    this.send(frame(FrameType.WindowUpdate, 0, streamId, payload));
  }
}

export interface RawScript {
  /** Keep our side open when the client ends its side (a server that never closes). */
  halfOpen?: boolean;
  /** The first SETTINGS (default: MAX_CONCURRENT_STREAMS 100). */
  initialSettings?(connection: RawConnection): void;
  /** A request's headers arrived (its body may follow). */
  headers?(connection: RawConnection, streamId: number): void;
  /** A complete request (END_STREAM seen): default answer 200. */
  request?(connection: RawConnection, streamId: number): void;
  /** Each DATA frame as it comes (after the window checks). */
  data?(connection: RawConnection, streamId: number, length: number): void;
}

export interface RawServer {
  readonly port: number;
  readonly certs: MockCertificates;
  readonly connections: RawConnection[];
  readonly requests: RawRequest[];
  /** GOAWAY frames the client sent: [connection, errorCode]. */
  readonly goaways: [number, number][];
  close(): Promise<void>;
}

export async function startRawServer(script: RawScript = {}): Promise<RawServer> {
  const certs = await loadCertificates({ topic: 'com.example.raw' });
  const connections: RawConnection[] = [];
  const requests: RawRequest[] = [];
  const goaways: [number, number][] = [];
  const server: Server = createServer({ key: certs.serverKey, cert: certs.serverCert, ALPNProtocols: ['h2'], allowHalfOpen: script.halfOpen === true }, (socket) => {
    const connection = new RawConnection(connections.length + 1, socket);
    connections.push(connection);
    socket.on('error', () => undefined);
    const reader = new FrameReader(1 << 24);
    let preface: Buffer | undefined = Buffer.alloc(0);
    if (script.initialSettings) script.initialSettings(connection);
    else connection.settings(100);
    socket.on('data', (chunk: Buffer) => {
      let bytes = chunk;
      if (preface !== undefined) {
        preface = Buffer.concat([preface, bytes]);
        if (preface.length < PREFACE_LENGTH) return;
        bytes = preface.subarray(PREFACE_LENGTH);
        preface = undefined;
      }
      reader.push(bytes, (type, flags, streamId, payload) => {
        connection.frames.push({ type, flags, streamId, length: payload.length });
        onFrame(connection, type, flags, streamId, payload);
      });
    });
  });

  function onFrame(connection: RawConnection, type: number, flags: number, streamId: number, payload: Uint8Array): void {
    switch (type) {
      case FrameType.Settings:
        if (flags & FrameFlag.Ack) connection.settingsAcked();
        else {
          readSettings(payload);
          connection.send(settingsAckFrame());
        }
        return;
      case FrameType.Headers:
      case FrameType.Continuation: {
        connection.headerParts.push(Buffer.from(payload));
        if ((flags & FrameFlag.EndHeaders) === 0) return;
        const fields = connection.decoder.decode(Buffer.concat(connection.headerParts));
        connection.headerParts.length = 0;
        connection.paths.set(streamId, fields[fields.indexOf(':path') + 1] ?? '');
        connection.open.add(streamId);
        connection.overLimit = Math.max(connection.overLimit, connection.open.size - connection.maxStreams);
        connection.streamWindows.set(streamId, connection.initialStreamWindow);
        connection.bodies.set(streamId, []);
        script.headers?.(connection, streamId);
        return;
      }
      case FrameType.Data: {
        const window = connection.streamWindows.get(streamId) ?? 0;
        connection.overWindow += Math.max(0, payload.length - window, payload.length - connection.connectionWindow);
        connection.streamWindows.set(streamId, window - payload.length);
        connection.connectionWindow -= payload.length;
        connection.bodies.get(streamId)?.push(Buffer.from(payload));
        script.data?.(connection, streamId, payload.length);
        if (flags & FrameFlag.EndStream) {
          requests.push({ connection: connection.number, streamId, path: connection.paths.get(streamId) ?? '', body: Buffer.concat(connection.bodies.get(streamId) ?? []) });
          if (script.request) script.request(connection, streamId);
          else connection.answer(streamId);
        }
        return;
      }
      case FrameType.WindowUpdate:
        readWindowUpdate(payload);
        return;
      case FrameType.Ping:
        if ((flags & FrameFlag.Ack) === 0) connection.send(pingFrame(payload, true));
        else connection.pingAcks.push(Buffer.from(payload));
        return;
      case FrameType.Goaway:
        goaways.push([connection.number, Buffer.from(payload).readUInt32BE(4)]);
        return;
      case FrameType.RstStream:
        connection.open.delete(streamId);
        connection.resets.push([streamId, Buffer.from(payload).readUInt32BE(0)]);
        return;
      default:
    }
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    certs,
    connections,
    requests,
    goaways,
    close: () =>
      new Promise<void>((resolve) => {
        for (const connection of connections) connection.socket.destroy();
        server.close(() => resolve());
      }),
  };
}
