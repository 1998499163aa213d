import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { createSecureContext } from 'node:tls';
import { X509Certificate } from 'node:crypto';
import { join } from 'node:path';
import forge from 'node-forge';
import { resolveCredentials } from '../src/index.js';
import { FIXTURES, handshake, LEGACY_PASSPHRASE, pki, thrown } from './helpers.js';

const LEGACY_FILES = ['legacy-3des-rc2.p12', 'legacy-rc2-40.p12'];

/** The fixture's self-signed certificate, read independently of the code under test. */
function fixtureCertificatePem(path: string): string {
  const p12 = forge.pkcs12.pkcs12FromAsn1(forge.asn1.fromDer(readFileSync(path).toString('binary')), LEGACY_PASSPHRASE);
  const bag = p12.getBags({ bagType: forge.pki.oids.certBag })[forge.pki.oids.certBag]![0];
  return forge.pki.certificateToPem(bag.cert!);
}

for (const name of LEGACY_FILES) {
  const path = join(FIXTURES, name);

  test(`${name}: Node alone refuses it`, () => {
    const error = thrown(() => createSecureContext({ pfx: readFileSync(path), passphrase: LEGACY_PASSPHRASE }));
    assert.match(error.message, 'Unsupported PKCS12 PFX data');
  });

  test(`${name}: resolveCredentials loads it and reads the certificate`, () => {
    const credentials = resolveCredentials({ pfx: path, passphrase: LEGACY_PASSPHRASE, environment: 'sandbox' });
    assert.is(credentials.certificate?.topic, 'com.example.legacy');
    assert.is(credentials.certificate?.commonName, 'Apple Development IOS Push Services: com.example.legacy');
    assert.equal(credentials.certificate?.environments, ['sandbox']);
    assert.is(credentials.certificate?.fingerprint256, new X509Certificate(fixtureCertificatePem(path)).fingerprint256);
  });

  test(`${name}: a mutual TLS handshake with it works`, async () => {
    const { server } = pki();
    const fixtureCert = fixtureCertificatePem(path);
    const credentials = resolveCredentials({ pfx: readFileSync(path), passphrase: LEGACY_PASSPHRASE, insecureSkipServerVerification: true });
    const result = await handshake(
      { cert: server.cert, key: server.key, ca: fixtureCert, requestCert: true, rejectUnauthorized: true },
      credentials.connectOptions,
    );
    assert.ok(result.ok, String(result.error));
    assert.is(result.peerSubject?.UID, 'com.example.legacy');
  });

  test(`${name}: wrong passphrase is a clear error`, () => {
    const error = thrown(() => resolveCredentials({ pfx: path, passphrase: 'not-the-passphrase' }));
    assert.is(error.code, 'APNS_ERR_TLS_BAD_PASSPHRASE');
    assert.match(error.message, path);
    assert.not.match(error.message, 'not-the-passphrase');
  });
}

test('a legacy production check fails with the environment named', () => {
  const error = thrown(() => resolveCredentials({ pfx: join(FIXTURES, LEGACY_FILES[0]), passphrase: LEGACY_PASSPHRASE, environment: 'production' }));
  assert.is(error.code, 'APNS_ERR_TLS_WRONG_ENVIRONMENT');
  assert.match(error.message, 'sandbox certificate');
});

test('a .p12 node-forge cannot read (Camellia PBES2) is loaded by Node natively, and still checked', async () => {
  const path = join(FIXTURES, 'camellia.p12');
  const credentials = resolveCredentials({ pfx: path, passphrase: 'apnskit-camellia', environment: 'sandbox' });
  assert.is(credentials.certificate?.topic, 'com.example.camellia');
  assert.equal(credentials.certificate?.environments, ['sandbox']);
  const wrongEnvironment = thrown(() => resolveCredentials({ pfx: path, passphrase: 'apnskit-camellia', environment: 'production' }));
  assert.is(wrongEnvironment.code, 'APNS_ERR_TLS_WRONG_ENVIRONMENT');
  assert.is(thrown(() => resolveCredentials({ pfx: path, passphrase: 'wrong' })).code, 'APNS_ERR_TLS_BAD_PASSPHRASE');
  const { server } = pki();
  const certificate = new X509Certificate(readFileSync(path.replace('camellia.p12', 'camellia-cert.pem'))).toString();
  const result = await handshake(
    { cert: server.cert, key: server.key, ca: certificate, requestCert: true, rejectUnauthorized: true },
    resolveCredentials({ pfx: path, passphrase: 'apnskit-camellia', insecureSkipServerVerification: true }).connectOptions,
  );
  assert.ok(result.ok, String(result.error));
  assert.is(result.peerSubject?.UID, 'com.example.camellia');
});

test('a damaged .p12 neither reader can load is APNS_ERR_TLS_INVALID_PFX with the conversion command', () => {
  const truncated = readFileSync(join(FIXTURES, 'camellia.p12')).subarray(0, 600);
  const error = thrown(() => resolveCredentials({ pfx: truncated, passphrase: 'apnskit-camellia' }));
  assert.is(error.code, 'APNS_ERR_TLS_INVALID_PFX');
  assert.match(error.message, 'openssl pkcs12 -legacy -in old.p12 -nodes | openssl pkcs12 -export -out new.p12');
});

test.run();
