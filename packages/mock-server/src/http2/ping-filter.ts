/**
 * A pass-through between a TLS socket and node:http2 that drops the server's PING
 * acknowledgements: node:http2 answers every PING itself, so an "unanswered PING" fault needs its
 * output filtered. Only connections opened while such a fault is armed go through it.
 */
import { Duplex } from 'node:stream';
import type { TLSSocket } from 'node:tls';

const FRAME_HEADER_BYTES = 9;
const PING_FRAME = 6;
const ACK_FLAG = 0x1;

export class PingAckFilter extends Duplex {
  private pending: Buffer = Buffer.alloc(0);
  /** PING acknowledgements dropped so far. */
  dropped = 0;

  constructor(private readonly socket: TLSSocket) {
    super();
    socket.on('data', (chunk: Buffer) => {
      if (!this.push(chunk)) socket.pause();
    });
    socket.on('end', () => this.push(null));
    socket.on('close', () => this.destroy());
    this.on('error', () => undefined);
  }

  override _read(): void {
    this.socket.resume();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const kept: Buffer[] = [];
    let offset = 0;
    while (this.pending.length - offset >= FRAME_HEADER_BYTES) {
      const length = this.pending.readUIntBE(offset, 3);
      const end = offset + FRAME_HEADER_BYTES + length;
      if (end > this.pending.length) break;
      const isPingAck = this.pending[offset + 3] === PING_FRAME && (this.pending[offset + 4]! & ACK_FLAG) !== 0;
      if (isPingAck) this.dropped++;
      else kept.push(this.pending.subarray(offset, end));
      offset = end;
    }
    this.pending = this.pending.subarray(offset);
    if (kept.length === 0) return done();
    this.socket.write(kept.length === 1 ? kept[0]! : Buffer.concat(kept), done);
  }

  override _final(done: (error?: Error | null) => void): void {
    this.socket.end(done);
  }

  override _destroy(error: Error | null, done: (error?: Error | null) => void): void {
    this.socket.destroy();
    done(error);
  }
}
