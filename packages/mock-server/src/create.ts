import type { Server as TlsServer } from 'node:tls';
import { createServer as createTlsServer } from 'node:tls';
import { loadCertificates } from './certs/store.js';
import { startControlApi } from './control-api.js';
import { MockServerError } from './errors.js';
import { createHttp2Listener } from './http2/listener.js';
import { resolveOptions, type MockServerOptions } from './options.js';
import { loadScript, parseScript } from './script.js';
import { MockServer } from './server.js';

function listen(server: TlsServer, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** Starts the gateway, the feedback service and the HTTP/2 provider API (and the control API when `controlPort` is set). */
export async function createMockServer(options: MockServerOptions = {}): Promise<MockServer> {
  const resolved = resolveOptions(options);
  // A bad script is reported before anything listens.
  const script = typeof resolved.script === 'string' ? loadScript(resolved.script) : resolved.script ? parseScript(resolved.script) : undefined;
  const certs = await loadCertificates({ topic: resolved.topic, certsDir: resolved.certsDir, p12Passphrase: resolved.p12Passphrase });
  // TLS 1.2 at most, as Apple's binary services offered: a refused client certificate then fails
  // the handshake itself, and the client sees it there. Under TLS 1.3 Node's server closes after a
  // completed handshake, which a feedback client cannot tell from an empty list.
  const tlsOptions = {
    cert: certs.serverCert,
    key: certs.serverKey,
    ca: certs.ca,
    requestCert: true,
    rejectUnauthorized: true,
    maxVersion: 'TLSv1.2',
  } as const;
  const gatewayServer = createTlsServer(tlsOptions);
  const feedbackServer = createTlsServer(tlsOptions);
  const http2Server = createHttp2Listener(certs);
  try {
    await listen(gatewayServer, resolved.gatewayPort, resolved.host);
    await listen(feedbackServer, resolved.feedbackPort, resolved.host);
    await listen(http2Server, resolved.http2Port, resolved.host);
  } catch (error) {
    gatewayServer.close();
    feedbackServer.close();
    http2Server.close();
    throw new MockServerError('APNS_ERR_INVALID_OPTION', `could not listen on ${resolved.host}: ${(error as Error).message}; pick free ports or 0`, {
      cause: error,
    });
  }
  const mock = new MockServer(certs, resolved, gatewayServer, feedbackServer, http2Server);
  try {
    if (script) mock.applyScript(script);
    if (resolved.controlPort !== undefined) {
      mock.controlServer = await startControlApi(mock, resolved.controlPort, resolved.host).catch((error: Error) => {
        throw new MockServerError('APNS_ERR_INVALID_OPTION', `could not start the control API on port ${resolved.controlPort}: ${error.message}; pick a free port or 0`, {
          cause: error,
        });
      });
      const address = mock.controlServer.address();
      mock.control = { port: typeof address === 'object' && address ? address.port : 0 };
    }
  } catch (error) {
    await mock.close();
    throw error;
  }
  return mock;
}
