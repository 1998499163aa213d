import { generateKeyPairSync, randomBytes } from 'node:crypto';
import forge from 'node-forge';
import { PUSH_OIDS, type ApnsEnvironment } from '../certificate.js';

/** A PEM certificate and its unencrypted PEM private key. */
export interface GeneratedCertificate {
  readonly cert: string;
  readonly key: string;
}

export interface IssueOptions {
  readonly commonName?: string;
  /** Subject UID: the topic (bundle id) of an Apple push certificate. */
  readonly uid?: string;
  /** Push OIDs to carry (Apple's sandbox and/or production extension). */
  readonly environments?: readonly ApnsEnvironment[];
  readonly notBefore?: Date;
  readonly notAfter?: Date;
  /** DNS names and IP addresses for a server certificate (subjectAltName). */
  readonly serverNames?: readonly string[];
}

const UID_OID = '0.9.2342.19200300.100.1.1';
const DAY_MS = 86_400_000;
const RSA_BITS = 2048;
/** DER of ASN.1 NULL: the value Apple gives its push extensions. */
const DER_NULL = '\u0005\u0000';
const IP_ADDRESS = /^[\d.]+$|:/;

/** A throwaway certificate authority for tests: issues server and client certificates. */
export class TestCertificateAuthority implements GeneratedCertificate {
  readonly cert: string;
  readonly key: string;
  private readonly forgeCert: forge.pki.Certificate;
  private readonly forgeKey: forge.pki.rsa.PrivateKey;

  constructor(commonName = 'apnskit test CA') {
    const keys = rsaKeys();
    const certificate = forge.pki.createCertificate();
    fill(certificate, keys.publicKey, { commonName }, [{ name: 'basicConstraints', cA: true, critical: true }, { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true }]);
    certificate.setIssuer(certificate.subject.attributes);
    certificate.sign(keys.privateKey, forge.md.sha256.create());
    this.forgeCert = certificate;
    this.forgeKey = keys.privateKey;
    this.cert = forge.pki.certificateToPem(certificate);
    this.key = forge.pki.privateKeyToPem(keys.privateKey);
  }

  /** A server certificate for `serverNames` (default localhost, 127.0.0.1, ::1). */
  issueServer(options: IssueOptions = {}): GeneratedCertificate {
    const names = options.serverNames ?? ['localhost', '127.0.0.1', '::1'];
    const altNames = names.map((name) => (IP_ADDRESS.test(name) ? { type: 7, ip: name } : { type: 2, value: name }));
    return this.issue({ commonName: names[0], ...options }, [
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames },
    ]);
  }

  /** A client certificate, shaped like Apple's push certificates when `uid`/`environments` are given. */
  issueClient(options: IssueOptions = {}): GeneratedCertificate {
    const pushExtensions = (options.environments ?? []).map((environment) => ({ id: PUSH_OIDS[environment], value: DER_NULL }));
    return this.issue({ commonName: 'apnskit test client', ...options }, [{ name: 'extKeyUsage', clientAuth: true }, ...pushExtensions]);
  }

  private issue(options: IssueOptions, extensions: object[]): GeneratedCertificate {
    const keys = rsaKeys();
    const certificate = forge.pki.createCertificate();
    fill(certificate, keys.publicKey, options, [{ name: 'basicConstraints', cA: false }, ...extensions]);
    certificate.setIssuer(this.forgeCert.subject.attributes);
    certificate.sign(this.forgeKey, forge.md.sha256.create());
    return { cert: forge.pki.certificateToPem(certificate), key: forge.pki.privateKeyToPem(keys.privateKey) };
  }
}

/** Packs a certificate and key into a modern .p12 (AES, which Node reads natively). */
export function toPkcs12(identity: GeneratedCertificate, passphrase: string, chain: readonly string[] = []): Buffer {
  const certificates = [identity.cert, ...chain].map((pem) => forge.pki.certificateFromPem(pem));
  const asn1 = forge.pkcs12.toPkcs12Asn1(forge.pki.privateKeyFromPem(identity.key), certificates, passphrase, {
    algorithm: 'aes256',
    generateLocalKeyId: true,
  });
  return Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary');
}

function rsaKeys(): { publicKey: forge.pki.rsa.PublicKey; privateKey: forge.pki.rsa.PrivateKey } {
  // Node generates the key natively (fast); forge only assembles and signs the certificate.
  const pair = generateKeyPairSync('rsa', { modulusLength: RSA_BITS });
  return {
    publicKey: forge.pki.publicKeyFromPem(pair.publicKey.export({ type: 'spki', format: 'pem' }).toString()),
    privateKey: forge.pki.privateKeyFromPem(pair.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString()),
  };
}

function fill(certificate: forge.pki.Certificate, publicKey: forge.pki.rsa.PublicKey, options: IssueOptions, extensions: object[]): void {
  const now = Date.now();
  certificate.publicKey = publicKey;
  // Positive serial: a leading byte below 0x80.
  certificate.serialNumber = '01' + randomBytes(15).toString('hex');
  certificate.validity.notBefore = options.notBefore ?? new Date(now - DAY_MS);
  certificate.validity.notAfter = options.notAfter ?? new Date(now + 365 * DAY_MS);
  const subject: forge.pki.CertificateField[] = [];
  if (options.uid) subject.push({ type: UID_OID, value: options.uid, valueTagClass: forge.asn1.Type.UTF8 as unknown as forge.asn1.Class });
  subject.push({ name: 'commonName', value: options.commonName ?? 'apnskit test' });
  certificate.setSubject(subject);
  certificate.setExtensions(extensions);
}
