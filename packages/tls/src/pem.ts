import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { ApnsTlsError, redact } from './errors.js';
import type { LoadedSource } from './source.js';

const CERTIFICATE_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** Every certificate of a PEM bundle, in order; at least one. */
export function parseCertificates(source: LoadedSource, what: string): X509Certificate[] {
  const blocks = source.bytes.toString('latin1').match(CERTIFICATE_BLOCK) ?? [];
  if (blocks.length === 0) {
    throw new ApnsTlsError(
      'APNS_ERR_TLS_INVALID_PEM',
      `${source.origin} holds no PEM certificate ("-----BEGIN CERTIFICATE-----"); give the ${what} in PEM form ` +
        `(convert DER with: openssl x509 -inform der -in cert.cer -out cert.pem)`,
    );
  }
  return blocks.map((block, index) => {
    try {
      return new X509Certificate(block);
    } catch (error) {
      throw new ApnsTlsError(
        'APNS_ERR_TLS_INVALID_PEM',
        `certificate ${index + 1} in ${source.origin} is damaged (${(error as Error).message}); export the ${what} again`,
      );
    }
  });
}

/** The private key of a PEM file, decrypted with the passphrase when it is encrypted. */
export function parsePrivateKey(source: LoadedSource, passphrase: string | undefined): KeyObject {
  try {
    return createPrivateKey({ key: source.bytes, format: 'pem', passphrase });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ERR_OSSL_BAD_DECRYPT') {
      throw new ApnsTlsError(
        'APNS_ERR_TLS_BAD_PASSPHRASE',
        `wrong passphrase for the private key in ${source.origin}; give the passphrase it was encrypted with`,
      );
    }
    if (code === 'ERR_OSSL_CRYPTO_INTERRUPTED_OR_CANCELLED' || code === 'ERR_MISSING_PASSPHRASE') {
      throw new ApnsTlsError(
        'APNS_ERR_TLS_PASSPHRASE_REQUIRED',
        `the private key in ${source.origin} is encrypted; give its passphrase (--passphrase or APNS_PASSPHRASE)`,
      );
    }
    throw new ApnsTlsError(
      'APNS_ERR_TLS_INVALID_PEM',
      `${source.origin} holds no readable PEM private key (${redact((error as Error).message, passphrase)}); ` +
        `give the key in PEM form ("-----BEGIN PRIVATE KEY-----" or "-----BEGIN RSA PRIVATE KEY-----")`,
    );
  }
}
