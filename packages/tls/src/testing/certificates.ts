import { createPrivateKey, generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import forge from 'node-forge';
import { PUSH_OIDS, type ApnsEnvironment } from '../certificate.js';

/*
 * The one generator of test certificates: a CA, server certificates, and client certificates
 * shaped like Apple's push certificates (topic in the subject UID, push OIDs as extensions).
 * Tests use it directly; the mock server issues and stores its certificates with it.
 */

/** A PEM certificate and its unencrypted PEM private key. */
export interface GeneratedCertificate {
  readonly cert: string;
  readonly key: string;
}

export interface IssueOptions {
  readonly commonName?: string;
  /** Subject UID: the topic (bundle id) of an Apple push certificate. */
  readonly uid?: string;
  /** Subject organisation, as Apple's certificates carry one. */
  readonly organizationName?: string;
  /** Push OIDs to carry (Apple's sandbox and/or production extension). */
  readonly environments?: readonly ApnsEnvironment[];
  readonly notBefore?: Date;
  readonly notAfter?: Date;
  /** DNS names and IP addresses for a server certificate (subjectAltName). */
  readonly serverNames?: readonly string[];
}

const UID_OID = '0.9.2342.19200300.100.1.1';
const DAY_MS = 86_400_000;
/** Backdated by a day, so that a clock a little behind still accepts the certificates. */
const BACKDATE_MS = DAY_MS;
export const VALIDITY_DAYS = 365;
const RSA_BITS = 2048;
/** DER of ASN.1 NULL: the value Apple gives its push extensions. */
const DER_NULL = '\u0005\u0000';
const IP_ADDRESS = /^[\d.]+$|:/;
const SUBJECT_ALT_NAME_DNS = 2;
const SUBJECT_ALT_NAME_IP = 7;

/** A throwaway certificate authority for tests: issues server and client certificates. */
export class TestCertificateAuthority implements GeneratedCertificate {
  readonly cert: string;
  readonly key: string;
  private readonly subject: forge.pki.CertificateField[];

  /** A new CA with a fresh RSA key; `existing` reloads one generated before (its PEM certificate and key). */
  constructor(commonName = 'apnskit test CA', existing?: GeneratedCertificate) {
    if (existing !== undefined) {
      this.cert = existing.cert;
      this.key = existing.key;
      this.subject = forge.pki.certificateFromPem(existing.cert).subject.attributes;
      return;
    }
    const keys = rsaKeys();
    const certificate = forge.pki.createCertificate();
    fill(certificate, keys.publicKey, { commonName }, [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    ]);
    certificate.setIssuer(certificate.subject.attributes);
    signWithNode(certificate, keys.privateKeyPem);
    this.subject = certificate.subject.attributes;
    this.cert = forge.pki.certificateToPem(certificate);
    this.key = keys.privateKeyPem;
  }

  /** A server certificate for `serverNames` (default localhost, 127.0.0.1, ::1). */
  issueServer(options: IssueOptions = {}): GeneratedCertificate {
    const names = options.serverNames ?? ['localhost', '127.0.0.1', '::1'];
    const altNames = names.map((name) => (IP_ADDRESS.test(name) ? { type: SUBJECT_ALT_NAME_IP, ip: name } : { type: SUBJECT_ALT_NAME_DNS, value: name }));
    return this.issue({ commonName: names[0], ...options }, [
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames },
    ]);
  }

  /** A client certificate, shaped like Apple's push certificates when `uid`/`environments` are given. */
  issueClient(options: IssueOptions = {}): GeneratedCertificate {
    const pushExtensions = (options.environments ?? []).map((environment) => ({ id: PUSH_OIDS[environment], value: DER_NULL }));
    return this.issue({ commonName: 'apnskit test client', ...options }, [
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', clientAuth: true },
      ...pushExtensions,
    ]);
  }

  private issue(options: IssueOptions, extensions: object[]): GeneratedCertificate {
    const keys = rsaKeys();
    const certificate = forge.pki.createCertificate();
    fill(certificate, keys.publicKey, options, [{ name: 'basicConstraints', cA: false, critical: true }, ...extensions]);
    certificate.setIssuer(this.subject);
    signWithNode(certificate, this.key);
    return { cert: forge.pki.certificateToPem(certificate), key: keys.privateKeyPem };
  }
}

/**
 * Packs a certificate and key into a password-protected .p12 with AES-256 (PBES2), which Node
 * reads natively: OpenSSL 3 (Node 17+) refuses the RC2/3DES files older tools write.
 */
export function toPkcs12(identity: GeneratedCertificate, passphrase: string, chain: readonly string[] = [], friendlyName?: string): Buffer {
  const certificates = [identity.cert, ...chain].map((pem) => forge.pki.certificateFromPem(pem));
  const asn1 = forge.pkcs12.toPkcs12Asn1(forge.pki.privateKeyFromPem(identity.key), certificates, passphrase, {
    algorithm: 'aes256',
    generateLocalKeyId: true,
    ...(friendlyName === undefined ? {} : { friendlyName }),
  });
  return Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary');
}

function rsaKeys(): { publicKey: forge.pki.rsa.PublicKey; privateKeyPem: string } {
  // Node generates the key natively (fast); forge only assembles the certificate.
  const pair = generateKeyPairSync('rsa', { modulusLength: RSA_BITS });
  return {
    publicKey: forge.pki.publicKeyFromPem(pair.publicKey.export({ type: 'spki', format: 'pem' }).toString()),
    privateKeyPem: pair.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
  };
}

/** Signs like forge's `cert.sign` (sha256WithRSAEncryption), with Node's native RSA: forge's own takes about 0.5 s. */
function signWithNode(certificate: forge.pki.Certificate, signerKeyPem: string): void {
  const algorithm = forge.pki.oids.sha256WithRSAEncryption!;
  certificate.signatureOid = algorithm;
  certificate.siginfo.algorithmOid = algorithm;
  const tbs = (forge.pki as unknown as { getTBSCertificate(cert: forge.pki.Certificate): forge.asn1.Asn1 }).getTBSCertificate(certificate);
  (certificate as unknown as { tbsCertificate: forge.asn1.Asn1 }).tbsCertificate = tbs;
  const signature = sign('sha256', Buffer.from(forge.asn1.toDer(tbs).getBytes(), 'binary'), createPrivateKey(signerKeyPem));
  certificate.signature = signature.toString('binary');
}

function fill(certificate: forge.pki.Certificate, publicKey: forge.pki.rsa.PublicKey, options: IssueOptions, extensions: object[]): void {
  const now = Date.now();
  certificate.publicKey = publicKey;
  // Positive serial: a leading byte below 0x80.
  certificate.serialNumber = '01' + randomBytes(15).toString('hex');
  certificate.validity.notBefore = options.notBefore ?? new Date(now - BACKDATE_MS);
  certificate.validity.notAfter = options.notAfter ?? new Date(now + VALIDITY_DAYS * DAY_MS);
  const utf8 = forge.asn1.Type.UTF8 as unknown as forge.asn1.Class;
  const subject: forge.pki.CertificateField[] = [];
  if (options.uid) subject.push({ type: UID_OID, value: options.uid, valueTagClass: utf8 });
  subject.push({ name: 'commonName', value: options.commonName ?? 'apnskit test', valueTagClass: utf8 });
  if (options.organizationName) subject.push({ name: 'organizationName', value: options.organizationName });
  certificate.setSubject(subject);
  certificate.setExtensions(extensions);
}
