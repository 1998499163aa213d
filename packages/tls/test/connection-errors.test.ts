import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createServer, type AddressInfo } from 'node:net';
import { connect } from 'node:tls';
import { describeConnectionFailure, resolveCredentials } from '../src/index.js';
import { TestCertificateAuthority } from '../src/testing/index.js';
import { handshake, pki } from './helpers.js';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

test('a refused connection', async () => {
  const port = await freePort();
  const error = await new Promise<Error>((resolve) => connect({ host: '127.0.0.1', port }).on('error', resolve));
  const failure = describeConnectionFailure(error);
  assert.is(failure.kind, 'refused');
  assert.is(failure.cause, 'ECONNREFUSED');
  assert.match(failure.hint, 'check the host and port');
});

test('a server certificate that does not verify names the fix', async () => {
  const { server, client, ca } = pki();
  const credentials = resolveCredentials({ cert: client.cert, key: client.key });
  const result = await handshake({ cert: server.cert, key: server.key, ca: ca.cert, requestCert: true }, credentials.connectOptions);
  const failure = describeConnectionFailure(result.error);
  assert.is(failure.kind, 'server-certificate');
  assert.match(failure.hint, '--ca FILE');
  assert.match(failure.hint, '--insecure');
});

test('no client certificate: the server says a certificate is required', async () => {
  const { server, ca } = pki();
  const result = await handshake(
    { cert: server.cert, key: server.key, ca: ca.cert, requestCert: true, rejectUnauthorized: true },
    { ca: ca.cert },
  );
  const failure = describeConnectionFailure(result.error);
  assert.is(failure.kind, 'client-certificate-rejected', failure.cause);
  assert.match(failure.hint, 'push certificate');
});

test('a client certificate from another CA: a TLS 1.2 server resets the handshake', async () => {
  const { server, ca } = pki();
  const stranger = new TestCertificateAuthority('stranger CA').issueClient();
  const credentials = resolveCredentials({ cert: stranger.cert, key: stranger.key, ca: ca.cert });
  const result = await handshake(
    { cert: server.cert, key: server.key, ca: ca.cert, requestCert: true, rejectUnauthorized: true, maxVersion: 'TLSv1.2' },
    credentials.connectOptions,
  );
  assert.is(describeConnectionFailure(result.error).kind, 'reset', String(result.error?.code));
});

test('a server that does not offer HTTP/2 refuses ALPN h2: the hint names the provider API address', async () => {
  const { server, ca } = pki();
  const result = await handshake({ cert: server.cert, key: server.key, ALPNProtocols: ['http/1.1'] }, { ca: ca.cert, servername: 'localhost', ALPNProtocols: ['h2'] });
  const failure = describeConnectionFailure(result.error);
  assert.is(failure.kind, 'not-http2', failure.cause);
  assert.match(failure.hint, 'does not speak HTTP/2');
  assert.match(failure.hint, 'api.push.apple.com:443');
});

test('codes map to kinds', () => {
  const kinds: Array<[string | undefined, string]> = [
    ['ENOTFOUND', 'unreachable'],
    ['EHOSTUNREACH', 'unreachable'],
    ['ETIMEDOUT', 'timeout'],
    ['CERT_HAS_EXPIRED', 'server-certificate'],
    ['ERR_TLS_CERT_ALTNAME_INVALID', 'server-certificate'],
    ['ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED', 'client-certificate-rejected'],
    ['ERR_SSL_TLSV1_ALERT_UNKNOWN_CA', 'client-certificate-rejected'],
    ['ECONNRESET', 'reset'],
    ['EPIPE', 'reset'],
    ['ERR_SSL_WRONG_VERSION_NUMBER', 'tls'],
    [undefined, 'tls'],
  ];
  for (const [code, kind] of kinds) {
    const error = Object.assign(new Error('x'), code ? { code } : {});
    assert.is(describeConnectionFailure(error).kind, kind, String(code));
  }
  assert.is(describeConnectionFailure('text').cause, 'UNKNOWN');
  assert.is(describeConnectionFailure(null).kind, 'tls');
});

test.run();
