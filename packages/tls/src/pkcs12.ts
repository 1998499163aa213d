import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { createRequire } from 'node:module';
import type Forge from 'node-forge';
import { ApnsTlsError, redact } from './errors.js';

/** What a .p12/.pfx holds, as PEM in memory: the private key, its certificate, the rest of the chain. */
export interface DecodedPfx {
  readonly keyPem: string;
  readonly key: KeyObject;
  readonly certificate: X509Certificate;
  /** Leaf first, then the other certificates of the file. */
  readonly chainPem: string;
}

const LOCAL_KEY_ID = 'localKeyId';

/** node-forge takes about 100 ms to load and only a .p12 needs it: it loads on the first one. */
function loadForge(): typeof Forge {
  return createRequire(packageLocation())('node-forge') as typeof Forge;
}

/**
 * Where node-forge is looked up from: this package, wherever its code runs (a bundled CLI runs it
 * from its own package's folder); this file when the package cannot be found by name (an
 * application bundle that holds it).
 */
function packageLocation(): string {
  try {
    return import.meta.resolve('@apnskit/tls');
  } catch {
    return import.meta.url;
  }
}

/**
 * Decodes a PKCS#12 file with node-forge. Node's own loader (OpenSSL 3) refuses the legacy
 * RC2-40/3DES files that Keychain exports ("Unsupported PKCS12 PFX data"); forge reads both
 * those and the modern AES/PBKDF2 ones, so one path serves all.
 */
export function decodePfx(bytes: Buffer, passphrase: string | undefined, origin: string): DecodedPfx {
  const forge = loadForge();
  let p12: Forge.pkcs12.Pkcs12Pfx;
  try {
    const der = forge.asn1.fromDer(forge.util.createBuffer(bytes.toString('binary')));
    p12 = forge.pkcs12.pkcs12FromAsn1(der, false, passphrase ?? '');
  } catch (error) {
    throw pfxError(error, passphrase, origin);
  }
  const keyBags = [
    ...(p12.getBags({ bagType: forge.pki.oids.pkcs8ShroudedKeyBag })[forge.pki.oids.pkcs8ShroudedKeyBag] ?? []),
    ...(p12.getBags({ bagType: forge.pki.oids.keyBag })[forge.pki.oids.keyBag] ?? []),
  ];
  const certBags = p12.getBags({ bagType: forge.pki.oids.certBag })[forge.pki.oids.certBag] ?? [];
  const keyBag = keyBags[0];
  if (!keyBag) {
    throw new ApnsTlsError('APNS_ERR_TLS_INVALID_PFX', `${origin} holds no private key; export the certificate together with its key`);
  }
  if (certBags.length === 0) {
    throw new ApnsTlsError('APNS_ERR_TLS_INVALID_PFX', `${origin} holds no certificate; export the certificate together with its key`);
  }
  const keyId = localKeyId(keyBag);
  const leafBag = certBags.find((bag) => keyId !== undefined && localKeyId(bag) === keyId) ?? certBags[0];
  const ordered = [leafBag, ...certBags.filter((bag) => bag !== leafBag)];
  const certificates = ordered.map((bag) => new X509Certificate(certificateDer(forge, bag)));
  const key = privateKey(forge, keyBag);
  return {
    key,
    keyPem: key.export({ format: 'pem', type: 'pkcs8' }).toString(),
    certificate: certificates[0],
    chainPem: certificates.map((certificate) => certificate.toString()).join(''),
  };
}

function localKeyId(bag: Forge.pkcs12.Bag): string | undefined {
  const ids = bag.attributes[LOCAL_KEY_ID] as string[] | undefined;
  return ids?.[0];
}

function certificateDer(forge: typeof Forge, bag: Forge.pkcs12.Bag): Buffer {
  // forge only models RSA certificates; others come back as raw ASN.1.
  const asn1 = bag.cert ? forge.pki.certificateToAsn1(bag.cert) : (bag.asn1 as Forge.asn1.Asn1);
  return Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary');
}

function privateKey(forge: typeof Forge, bag: Forge.pkcs12.Bag): KeyObject {
  const info = bag.key
    ? forge.pki.wrapRsaPrivateKey(forge.pki.privateKeyToAsn1(bag.key))
    : (bag.asn1 as Forge.asn1.Asn1);
  const der = Buffer.from(forge.asn1.toDer(info).getBytes(), 'binary');
  return createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
}

function pfxError(error: unknown, passphrase: string | undefined, origin: string): ApnsTlsError {
  const reason = error instanceof Error ? error.message : String(error);
  if (/MAC could not be verified|wrong password|Invalid password/i.test(reason)) {
    return passphrase
      ? new ApnsTlsError(
          'APNS_ERR_TLS_BAD_PASSPHRASE',
          `wrong passphrase for ${origin}; give the passphrase set when the file was exported (--passphrase or APNS_PASSPHRASE)`,
        )
      : new ApnsTlsError(
          'APNS_ERR_TLS_PASSPHRASE_REQUIRED',
          `${origin} is protected by a passphrase; give it with the passphrase option (--passphrase or APNS_PASSPHRASE)`,
        );
  }
  return new ApnsTlsError(
    'APNS_ERR_TLS_INVALID_PFX',
    `${origin} is not a readable PKCS#12 (.p12/.pfx) file (${redact(reason, passphrase)}); export it again ` +
      `from Keychain, or convert it: openssl pkcs12 -legacy -in old.p12 -nodes | openssl pkcs12 -export -out new.p12`,
  );
}
