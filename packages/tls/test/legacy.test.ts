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

test.run();
