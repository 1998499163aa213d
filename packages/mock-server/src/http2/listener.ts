import { createServer as createTlsServer, type Server as TlsServer } from 'node:tls';
import type { MockCertificates } from '../certs/store.js';

/**
 * The TLS listener of the HTTP/2 service: TLS 1.2 or later, ALPN h2 offered, a client certificate
 * asked for but not required (token clients present none; one from another CA is answered
 * BadCertificate on its streams rather than refused). Connection caps and timeouts are the
 * listener limits every service of the mock applies (listener-limits.ts).
 */
export function createHttp2Listener(certs: MockCertificates): TlsServer {
  const server = createTlsServer({
    cert: certs.serverCert,
    key: certs.serverKey,
    ca: certs.ca,
    requestCert: true,
    rejectUnauthorized: false,
    minVersion: 'TLSv1.2',
    ALPNProtocols: ['h2'],
  });
  return server;
}
