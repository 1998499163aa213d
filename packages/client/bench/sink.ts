// A TLS server with the mock's certificates that only counts the bytes it receives: what a
// client can push through TLS on this machine when nothing decodes or records the frames.
import { once } from 'node:events';
import { createServer, type Server } from 'node:tls';
import { encodeErrorResponse, Status } from '@apnskit/codec';
import { encodeProbeFrame, identifierOffset } from '@apnskit/codec/wire';
import type { MockCertificates } from '@apnskit/mock-server';
import { clock } from './mock-protocol.js';

interface ByteWaiter {
  readonly total: number;
  readonly resolve: (at: number) => void;
}

export class ByteSink {
  received = 0;
  private waiter: ByteWaiter | undefined;

  private constructor(readonly server: Server) {}

  static async start(certs: MockCertificates, host: string): Promise<ByteSink> {
    const server = createServer({ key: certs.serverKey, cert: certs.serverCert, ca: certs.ca, requestCert: true, rejectUnauthorized: true });
    const sink = new ByteSink(server);
    server.on('secureConnection', (socket) => {
      const probe = new ProbeWatch();
      socket.on('data', (chunk: Buffer) => {
        sink.count(chunk.length);
        // The probe is the last frame a client writes: answered as a gateway would, so a sender can prove and close.
        const id = probe.endsWithProbe(chunk);
        if (id !== undefined) socket.end(encodeErrorResponse(Status.MissingDeviceToken, id));
      });
      socket.on('error', () => socket.destroy());
    });
    server.listen(0, host);
    await once(server, 'listening');
    return sink;
  }

  get port(): number {
    const address = this.server.address();
    return typeof address === 'object' && address ? address.port : 0;
  }

  /** Resolves with the wall-clock time at which `total` bytes had arrived since the last reset. */
  waitFor(total: number, timeoutMs: number): Promise<number> {
    if (this.received >= total) return Promise.resolve(clock());
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`sink got ${this.received} of ${total} bytes in ${timeoutMs} ms`)), timeoutMs);
      this.waiter = {
        total,
        resolve: (at) => {
          clearTimeout(timer);
          resolve(at);
        },
      };
    });
  }

  reset(): void {
    this.received = 0;
    this.waiter = undefined;
  }

  close(): void {
    this.server.close();
  }

  private count(bytes: number): void {
    this.received += bytes;
    const waiter = this.waiter;
    if (waiter && this.received >= waiter.total) {
      this.waiter = undefined;
      waiter.resolve(clock());
    }
  }
}

/** The probe frame with its identifier zeroed: the sink compares the stream's last bytes with it. */
const PROBE_TEMPLATE = encodeProbeFrame(1);
const PROBE_ID_AT = identifierOffset('frame', 0, PROBE_TEMPLATE.length);
const IDENTIFIER_BYTES = 4;

/** Keeps a connection's last bytes (never the stream) to see whether it ends with a probe. */
class ProbeWatch {
  private tail: Buffer = Buffer.alloc(0);

  /** The probe's identifier when the bytes received so far end with a probe frame. */
  endsWithProbe(chunk: Buffer): number | undefined {
    const length = PROBE_TEMPLATE.length;
    this.tail = chunk.length >= length ? chunk.subarray(chunk.length - length) : Buffer.concat([this.tail, chunk]).subarray(-length);
    const tail = this.tail;
    if (tail.length < length) return undefined;
    const matches =
      tail.compare(PROBE_TEMPLATE, 0, PROBE_ID_AT, 0, PROBE_ID_AT) === 0 &&
      tail.compare(PROBE_TEMPLATE, PROBE_ID_AT + IDENTIFIER_BYTES, length, PROBE_ID_AT + IDENTIFIER_BYTES, length) === 0;
    return matches ? tail.readUInt32BE(PROBE_ID_AT) : undefined;
  }
}

/** What one run into the sink cost: wall time, and process CPU time (both threads) per notification. */
export interface SinkRun {
  readonly elapsedMs: number;
  /** CPU microseconds per notification, user + system, whole process: steadier than rates under load. */
  readonly cpuMicros: number;
}

/** Starts a CPU-time reading; call the result with the notification count when done. */
export function cpuMeter(): (count: number) => number {
  const start = process.cpuUsage();
  return (count) => {
    const used = process.cpuUsage(start);
    return (used.user + used.system) / count;
  };
}
