import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { createServer, type Server, type TLSSocket, type TlsOptions } from 'node:tls';
import { resolveCredentials, type ResolvedCredentials } from '@apnskit/tls';
import { TestCertificateAuthority, type GeneratedCertificate } from '@apnskit/tls/testing';
import type { Address } from '@apnskit/tls';

export interface Pki {
  readonly ca: TestCertificateAuthority;
  readonly server: GeneratedCertificate;
  readonly client: GeneratedCertificate;
  /** Client credentials that trust the CA. */
  readonly credentials: ResolvedCredentials;
}

let shared: Pki | undefined;

/** One CA, server and client certificate per test file (RSA key generation is the slow part). */
export function pki(): Pki {
  if (!shared) {
    const ca = new TestCertificateAuthority();
    const client = ca.issueClient({ uid: 'com.example.app', environments: ['sandbox'] });
    shared = { ca, server: ca.issueServer(), client, credentials: resolveCredentials({ ...client, ca: ca.cert }) };
  }
  return shared;
}

/** A feedback tuple built by hand (not with the codec under test): timestamp u32 | length u16 | token. */
export function tupleBytes(index: number, timestamp = 1_700_000_000 + index, tokenLength = 32): Buffer {
  const tuple = Buffer.alloc(6 + tokenLength);
  tuple.writeUInt32BE(timestamp, 0);
  tuple.writeUInt16BE(tokenLength, 4);
  tuple.writeUInt32BE(index, 6 + tokenLength - 4);
  tuple[6] = 0xab;
  return tuple;
}

/** The hex token `tupleBytes(index)` carries. */
export function tokenHex(index: number): string {
  return 'ab' + '00'.repeat(27) + index.toString(16).padStart(8, '0');
}

export function tuples(count: number, from = 0): Buffer {
  return Buffer.concat(Array.from({ length: count }, (_, i) => tupleBytes(from + i)));
}

export interface FakeServer {
  readonly address: Address;
  /** Sockets accepted so far (after the handshake). */
  readonly sockets: TLSSocket[];
  close(): Promise<void>;
}

/** A TLS server on 127.0.0.1 that hands each authenticated connection to `serve`. */
export async function fakeServer(serve: (socket: TLSSocket, index: number) => void, options: TlsOptions = {}): Promise<FakeServer> {
  const { ca, server } = pki();
  const sockets: TLSSocket[] = [];
  const tlsServer: Server = createServer(
    { cert: server.cert, key: server.key, ca: ca.cert, requestCert: true, rejectUnauthorized: true, ...options },
    (socket) => {
      sockets.push(socket);
      socket.on('error', () => {});
      serve(socket, sockets.length - 1);
    },
  );
  tlsServer.on('tlsClientError', () => {});
  tlsServer.listen(0, '127.0.0.1');
  await once(tlsServer, 'listening');
  const { port } = tlsServer.address() as AddressInfo;
  return {
    address: { host: '127.0.0.1', port },
    sockets,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => tlsServer.close(() => resolve()));
    },
  };
}

/** Collects a reader's entries and its error (if any). */
export async function drain<T>(iterable: AsyncIterable<T>): Promise<{ entries: T[]; error?: Error & { code?: string; received?: number } }> {
  const entries: T[] = [];
  try {
    for await (const entry of iterable) entries.push(entry);
    return { entries };
  } catch (error) {
    return { entries, error: error as Error & { code?: string } };
  }
}

export const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A small deterministic generator for random bytes (mulberry32). */
export function seededBytes(seed: number, length: number): Buffer {
  let state = seed >>> 0;
  const bytes = Buffer.alloc(length);
  for (let i = 0; i < length; i++) {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    bytes[i] = ((t ^ (t >>> 14)) >>> 0) & 0xff;
  }
  return bytes;
}
