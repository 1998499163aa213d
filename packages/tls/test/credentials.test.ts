import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { inspect } from 'node:util';
import { createPrivateKey } from 'node:crypto';
import forge from 'node-forge';
import { ApnsTlsError, describeConnectionFailure, isApnsTlsError, resolveCredentials } from '../src/index.js';
import { TestCertificateAuthority, toPkcs12 } from '../src/testing/index.js';
import { handshake, pki, scratch, thrown } from './helpers.js';

const files = scratch();
test.after(() => files.remove());

function serverOptions() {
  const { ca, server } = pki();
  return { cert: server.cert, key: server.key, ca: ca.cert, requestCert: true, rejectUnauthorized: true };
}

test('PEM text: resolves, summarizes the certificate and completes a mutual TLS handshake', async () => {
  const { ca, client } = pki();
  const credentials = resolveCredentials({ cert: client.cert, key: client.key, ca: ca.cert, environment: 'sandbox' });
  assert.is(credentials.certificate?.topic, 'com.example.app');
  assert.equal(credentials.certificate?.environments, ['sandbox']);
  assert.is(credentials.connectOptions.rejectUnauthorized, true);
  const result = await handshake(serverOptions(), credentials.connectOptions);
  assert.ok(result.ok, String(result.error));
  assert.is(result.peerSubject?.UID, 'com.example.app');
});

test('PEM bytes and file paths resolve alike', async () => {
  const { ca, client } = pki();
  const fromBytes = resolveCredentials({ cert: Buffer.from(client.cert), key: Buffer.from(client.key), ca: [Buffer.from(ca.cert)] });
  const fromPaths = resolveCredentials({
    cert: files.write('client.pem', client.cert),
    key: files.write('client-key.pem', client.key),
    ca: files.write('ca.pem', ca.cert),
  });
  assert.is(fromBytes.certificate?.fingerprint256, fromPaths.certificate?.fingerprint256);
  assert.ok((await handshake(serverOptions(), fromPaths.connectOptions)).ok);
});

test('.p12 bytes and path with passphrase, including the chain', async () => {
  const { ca, client } = pki();
  const p12 = toPkcs12(client, 'p12-secret', [ca.cert]);
  const fromBytes = resolveCredentials({ pfx: p12, passphrase: 'p12-secret', ca: ca.cert });
  assert.is(fromBytes.certificate?.topic, 'com.example.app');
  const fromPath = resolveCredentials({ pfx: files.write('client.p12', p12), passphrase: 'p12-secret', ca: ca.cert });
  assert.ok((await handshake(serverOptions(), fromPath.connectOptions)).ok);
});

test('an encrypted PEM key opens with its passphrase', () => {
  const { client } = pki();
  const encrypted = createPrivateKey(client.key)
    .export({ format: 'pem', type: 'pkcs8', cipher: 'aes-256-cbc', passphrase: 'key-secret' })
    .toString();
  const credentials = resolveCredentials({ cert: client.cert, key: encrypted, passphrase: 'key-secret' });
  assert.is(credentials.certificate?.topic, 'com.example.app');
  assert.is(thrown(() => resolveCredentials({ cert: client.cert, key: encrypted, passphrase: 'nope' })).code, 'APNS_ERR_TLS_BAD_PASSPHRASE');
  assert.is(thrown(() => resolveCredentials({ cert: client.cert, key: encrypted })).code, 'APNS_ERR_TLS_PASSPHRASE_REQUIRED');
});

test('server verification is on by default: a server from another CA is refused', async () => {
  const { client } = pki();
  const credentials = resolveCredentials({ cert: client.cert, key: client.key });
  const result = await handshake(serverOptions(), credentials.connectOptions);
  assert.not.ok(result.ok);
  assert.is(describeConnectionFailure(result.error).kind, 'server-certificate', String(result.error?.code));
});

test('insecureSkipServerVerification accepts a server that does not verify', async () => {
  const { client } = pki();
  const credentials = resolveCredentials({ cert: client.cert, key: client.key, insecureSkipServerVerification: true });
  assert.is(credentials.connectOptions.rejectUnauthorized, false);
  assert.ok((await handshake(serverOptions(), credentials.connectOptions)).ok);
});

test('servername is passed through; resolved credentials are returned as they are', () => {
  const { client } = pki();
  const credentials = resolveCredentials({ cert: client.cert, key: client.key, servername: 'gateway.example' });
  assert.is(credentials.connectOptions.servername, 'gateway.example');
  assert.is(resolveCredentials(credentials), credentials);
});

test('printing resolved credentials shows no key material', () => {
  const { client } = pki();
  const credentials = resolveCredentials({ cert: client.cert, key: client.key });
  const printed = inspect(credentials, { depth: 10 }) + JSON.stringify(credentials);
  assert.not.match(printed, 'PRIVATE KEY');
  assert.not.match(printed, 'secureContext');
  assert.match(printed, 'com.example.app');
});

test('errors before any connection, each with its code', () => {
  const { ca, client } = pki();
  const other = new TestCertificateAuthority('other CA').issueClient();
  const cases: Array<[string, () => unknown]> = [
    ['APNS_ERR_TLS_NO_CREDENTIALS', () => resolveCredentials({})],
    ['APNS_ERR_TLS_CONFLICTING_OPTIONS', () => resolveCredentials({ pfx: Buffer.alloc(1), cert: client.cert, key: client.key })],
    ['APNS_ERR_TLS_MISSING_KEY', () => resolveCredentials({ cert: client.cert })],
    ['APNS_ERR_TLS_MISSING_CERT', () => resolveCredentials({ key: client.key })],
    ['APNS_ERR_TLS_FILE_NOT_FOUND', () => resolveCredentials({ pfx: '/nonexistent/apnskit/cert.p12' })],
    ['APNS_ERR_TLS_FILE_NOT_FOUND', () => resolveCredentials({ cert: '/nonexistent/cert.pem', key: client.key })],
    ['APNS_ERR_TLS_FILE_UNREADABLE', () => resolveCredentials({ pfx: files.dir })],
    ['APNS_ERR_TLS_INVALID_OPTION', () => resolveCredentials({ cert: '', key: client.key })],
    ['APNS_ERR_TLS_INVALID_OPTION', () => resolveCredentials({ cert: 42 as unknown as string, key: client.key })],
    ['APNS_ERR_TLS_INVALID_OPTION', () => resolveCredentials({ cert: client.cert, key: client.key, passphrase: 1 as unknown as string })],
    ['APNS_ERR_TLS_INVALID_OPTION', () => resolveCredentials(null as unknown as object)],
    ['APNS_ERR_TLS_INVALID_OPTION', () => resolveCredentials({ cert: client.cert, key: client.key, environment: 'staging' as 'sandbox' })],
    ['APNS_ERR_TLS_INVALID_PEM', () => resolveCredentials({ cert: files.write('garbage.pem', 'not a certificate'), key: client.key })],
    ['APNS_ERR_TLS_INVALID_PEM', () => resolveCredentials({ cert: '-----BEGIN CERTIFICATE-----\nabc\n-----END CERTIFICATE-----\n', key: client.key })],
    ['APNS_ERR_TLS_INVALID_PEM', () => resolveCredentials({ cert: client.cert, key: '-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----\n' })],
    ['APNS_ERR_TLS_INVALID_PEM', () => resolveCredentials({ cert: client.cert, key: client.key, ca: 'garbage, no PEM -----BEGIN ' })],
    ['APNS_ERR_TLS_KEY_MISMATCH', () => resolveCredentials({ cert: client.cert, key: other.key })],
    ['APNS_ERR_TLS_INVALID_PFX', () => resolveCredentials({ pfx: Buffer.from('this is not a p12 file') })],
    ['APNS_ERR_TLS_WRONG_ENVIRONMENT', () => resolveCredentials({ cert: client.cert, key: client.key, environment: 'production' })],
    ['APNS_ERR_TLS_WRONG_ENVIRONMENT', () => resolveCredentials({ cert: other.cert, key: other.key, environment: 'sandbox' })],
    ['APNS_ERR_TLS_KEY_MISMATCH', () => resolveCredentials({ cert: ca.cert, key: client.key })],
  ];
  for (const [code, run] of cases) {
    const error = thrown(run);
    assert.ok(isApnsTlsError(error), `${code}: ${String(error)}`);
    assert.instance(error, ApnsTlsError);
    assert.is(error.code, code, error.message);
    assert.ok(error.message.length > 20, error.message);
  }
});

test('expired and not-yet-valid certificates are refused with the dates', () => {
  const ca = pki().ca;
  const expired = ca.issueClient({ notBefore: new Date('2020-01-01'), notAfter: new Date('2021-01-01') });
  const future = ca.issueClient({ notBefore: new Date(Date.now() + 86_400_000 * 30) });
  const expiredError = thrown(() => resolveCredentials({ cert: expired.cert, key: expired.key }));
  assert.is(expiredError.code, 'APNS_ERR_TLS_CERT_EXPIRED');
  assert.match(expiredError.message, '2021-01-01');
  assert.is(thrown(() => resolveCredentials({ cert: future.cert, key: future.key })).code, 'APNS_ERR_TLS_CERT_NOT_YET_VALID');
  // The check uses the given time.
  assert.ok(resolveCredentials({ cert: expired.cert, key: expired.key }, { now: new Date('2020-06-01') }).certificate);
});

test('a production certificate passes for production, a universal one for both', () => {
  const ca = pki().ca;
  const production = ca.issueClient({ uid: 'com.example.app', environments: ['production'] });
  const universal = ca.issueClient({ uid: 'com.example.app', environments: ['sandbox', 'production'] });
  assert.equal(resolveCredentials({ ...production, environment: 'production' }).certificate?.environments, ['production']);
  const wrong = thrown(() => resolveCredentials({ ...production, environment: 'sandbox' }));
  assert.match(wrong.message, 'it is a production certificate');
  for (const environment of ['sandbox', 'production'] as const) {
    assert.ok(resolveCredentials({ ...universal, environment }).certificate);
  }
});

test('p12 passphrase errors: wrong one, missing one', () => {
  const p12 = toPkcs12(pki().client, 'right-one');
  assert.is(thrown(() => resolveCredentials({ pfx: p12, passphrase: 'wrong-one' })).code, 'APNS_ERR_TLS_BAD_PASSPHRASE');
  assert.is(thrown(() => resolveCredentials({ pfx: p12 })).code, 'APNS_ERR_TLS_PASSPHRASE_REQUIRED');
});

test('a .p12 without a key or without a certificate says what to export', () => {
  const { client } = pki();
  const certOnly = forge.pkcs12.toPkcs12Asn1(null, [forge.pki.certificateFromPem(client.cert)], 'pw', { algorithm: '3des' });
  const error = thrown(() => resolveCredentials({ pfx: Buffer.from(forge.asn1.toDer(certOnly).getBytes(), 'binary'), passphrase: 'pw' }));
  assert.is(error.code, 'APNS_ERR_TLS_INVALID_PFX');
  assert.match(error.message, 'holds no private key');
  const keyOnly = forge.pkcs12.toPkcs12Asn1(forge.pki.privateKeyFromPem(client.key), null as unknown as forge.pki.Certificate[], 'pw', { algorithm: '3des' });
  const keyError = thrown(() => resolveCredentials({ pfx: Buffer.from(forge.asn1.toDer(keyOnly).getBytes(), 'binary'), passphrase: 'pw' }));
  assert.match(keyError.message, 'holds no certificate');
});

test('no passphrase ever appears in an error message', () => {
  const secret = 'Sup3r-S3cret-passphrase';
  const { client } = pki();
  const p12 = toPkcs12(client, 'another');
  const encrypted = createPrivateKey(client.key).export({ format: 'pem', type: 'pkcs8', cipher: 'aes-256-cbc', passphrase: 'x' }).toString();
  const attempts: Array<() => unknown> = [
    () => resolveCredentials({ pfx: p12, passphrase: secret }),
    () => resolveCredentials({ pfx: Buffer.from(secret), passphrase: secret }),
    () => resolveCredentials({ pfx: '/nonexistent.p12', passphrase: secret }),
    () => resolveCredentials({ cert: client.cert, key: encrypted, passphrase: secret }),
    () => resolveCredentials({ cert: client.cert, key: `-----BEGIN PRIVATE KEY-----\n${secret}\n-----END PRIVATE KEY-----\n`, passphrase: secret }),
    () => resolveCredentials({ cert: client.cert, key: client.key, passphrase: secret, environment: 'production' }),
  ];
  for (const attempt of attempts) {
    const error = thrown(attempt);
    assert.ok(isApnsTlsError(error), String(error));
    assert.not.match(error.message + String(error.stack) + inspect(error), secret);
  }
});

test.run();
