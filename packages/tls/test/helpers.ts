import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connect, createServer, type ConnectionOptions, type TlsOptions } from 'node:tls';
import type { AddressInfo } from 'node:net';
import { TestCertificateAuthority, type GeneratedCertificate } from '../src/testing/index.js';

/** Compiled tests run from dist/test; fixtures stay in test/fixtures. */
export const FIXTURES = fileURLToPath(new URL('../../test/fixtures/', import.meta.url));
export const LEGACY_PASSPHRASE = 'apnskit-legacy';

let shared: { ca: TestCertificateAuthority; server: GeneratedCertificate; client: GeneratedCertificate } | undefined;

/** One CA, server and Apple-like sandbox client certificate per test file (RSA keys take time). */
export function pki(): { ca: TestCertificateAuthority; server: GeneratedCertificate; client: GeneratedCertificate } {
  if (!shared) {
    const ca = new TestCertificateAuthority();
    shared = {
      ca,
      server: ca.issueServer(),
      client: ca.issueClient({ uid: 'com.example.app', commonName: 'Apple Development IOS Push Services: com.example.app', environments: ['sandbox'] }),
    };
  }
  return shared;
}

/** A scratch directory; remove it with the returned function. */
export function scratch(): { dir: string; write(name: string, content: string | Buffer): string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'apnskit-tls-'));
  return {
    dir,
    write(name, content) {
      const path = join(dir, name);
      writeFileSync(path, content);
      return path;
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export interface HandshakeResult {
  readonly ok: boolean;
  readonly error?: NodeJS.ErrnoException;
  /** Subject of the client certificate as the server saw it. */
  readonly peerSubject?: Record<string, string>;
}

/**
 * Starts a TLS server, connects to it with `client` options, waits for the server's greeting
 * (so a rejected client certificate in TLS 1.3 surfaces), and closes everything.
 */
export async function handshake(server: TlsOptions, client: ConnectionOptions): Promise<HandshakeResult> {
  let peerSubject: Record<string, string> | undefined;
  const tlsServer = createServer(server, (socket) => {
    peerSubject = { ...(socket.getPeerCertificate().subject as unknown as Record<string, string>) };
    socket.end('hello');
  });
  tlsServer.on('tlsClientError', () => {});
  await new Promise<void>((resolve) => tlsServer.listen(0, '127.0.0.1', resolve));
  const { port } = tlsServer.address() as AddressInfo;
  try {
    return await new Promise<HandshakeResult>((resolve) => {
      const socket = connect({ host: '127.0.0.1', port, ...client });
      let greeting = '';
      let failure: NodeJS.ErrnoException | undefined;
      socket.setEncoding('utf8');
      socket.on('data', (text: string) => (greeting += text));
      socket.on('error', (error) => (failure ??= error));
      socket.on('close', () => {
        resolve(failure ? { ok: false, error: failure } : { ok: greeting === 'hello', peerSubject });
      });
    });
  } finally {
    await new Promise<void>((resolve) => tlsServer.close(() => resolve()));
  }
}

/** Runs `fn` and returns what it threw (fails when it does not throw). */
export function thrown(fn: () => unknown): Error & { code?: string } {
  try {
    fn();
  } catch (error) {
    return error as Error & { code?: string };
  }
  throw new Error('expected a throw');
}
