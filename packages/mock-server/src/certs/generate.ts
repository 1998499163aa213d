import { createPrivateKey, generateKeyPair, randomBytes, sign } from 'node:crypto';
import { promisify } from 'node:util';
import forge from 'node-forge';
import { generate } from 'selfsigned';

/** Apple's push certificate extensions: development (sandbox) and production. */
export const APPLE_PUSH_OID = Object.freeze({
  sandbox: '1.2.840.113635.100.6.3.1',
  production: '1.2.840.113635.100.6.3.2',
} as const);
export type PushEnvironment = keyof typeof APPLE_PUSH_OID;

/** The subject attribute UID (userId) that carries the topic (bundle id) in Apple's certificates. */
const UID_OID = '0.9.2342.19200300.100.1.1';
const RSA_BITS = 2048;
const SIGNATURE = 'sha256';
/** Backdate so that a clock a little behind still accepts the certificates. */
const BACKDATE_MS = 60 * 60_000;
export const VALIDITY_DAYS = 365;

export interface PemPair {
  readonly cert: string;
  readonly key: string;
}

export interface GeneratedCertificates {
  readonly topic: string;
  readonly ca: PemPair;
  readonly server: PemPair;
  /** Sandbox-only client certificate (OID ...6.3.1), like Apple's development push certificate. */
  readonly client: PemPair;
  /** Production-only client certificate (OID ...6.3.2). */
  readonly production: PemPair;
}

const generateRsa = promisify(generateKeyPair);

function validity(): { notBefore: Date; notAfter: Date } {
  const now = Date.now();
  return { notBefore: new Date(now - BACKDATE_MS), notAfter: new Date(now + VALIDITY_DAYS * 86_400_000) };
}

async function makeCa(): Promise<PemPair> {
  const { notBefore, notAfter } = validity();
  const ca = await generate(
    [
      { name: 'commonName', value: 'apnskit mock CA' },
      { name: 'organizationName', value: 'apnskit mock' },
    ],
    {
      algorithm: SIGNATURE,
      keyType: 'rsa',
      keySize: RSA_BITS,
      notBeforeDate: notBefore,
      notAfterDate: notAfter,
      extensions: [
        { name: 'basicConstraints', cA: true, critical: true },
        { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
      ],
    },
  );
  return { cert: ca.cert, key: ca.private };
}

async function makeServer(ca: PemPair): Promise<PemPair> {
  const { notBefore, notAfter } = validity();
  const server = await generate([{ name: 'commonName', value: 'localhost' }], {
    algorithm: SIGNATURE,
    keyType: 'rsa',
    keySize: RSA_BITS,
    notBeforeDate: notBefore,
    notAfterDate: notAfter,
    ca,
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: 'localhost' },
          { type: 7, ip: '127.0.0.1' },
          { type: 7, ip: '::1' },
        ],
      },
    ],
  });
  return { cert: server.cert, key: server.private };
}

/**
 * A client certificate shaped like Apple's push certificates. selfsigned drops extensions it does
 * not know (Apple's push OIDs), so node-forge builds and signs this one with the (RSA) CA key.
 */
async function makePushClient(ca: PemPair, topic: string, environment: PushEnvironment): Promise<PemPair> {
  const keys = await generateRsa('rsa', { modulusLength: RSA_BITS });
  const keyPem = keys.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
  const publicPem = keys.publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const caCert = forge.pki.certificateFromPem(ca.cert);
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicPem);
  // A positive serial: the top bit of the first byte clear.
  cert.serialNumber = '01' + randomBytes(12).toString('hex');
  const { notBefore, notAfter } = validity();
  cert.validity.notBefore = notBefore;
  cert.validity.notAfter = notAfter;
  const label = environment === 'sandbox' ? 'Apple Development IOS Push Services' : 'Apple Production IOS Push Services';
  const utf8 = forge.asn1.Type.UTF8;
  cert.setSubject([
    { type: UID_OID, value: topic, valueTagClass: utf8 } as unknown as forge.pki.CertificateField,
    { name: 'commonName', value: `${label}: ${topic}`, valueTagClass: utf8 } as unknown as forge.pki.CertificateField,
    { name: 'organizationalUnitName', value: 'APNSKITMOCK' },
    { name: 'organizationName', value: 'apnskit mock' },
    { name: 'countryName', value: 'US' },
  ]);
  cert.setIssuer(caCert.subject.attributes);
  const asn1Null = forge.asn1.create(forge.asn1.Class.UNIVERSAL, forge.asn1.Type.NULL, false, '');
  cert.setExtensions([
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', clientAuth: true },
    { id: APPLE_PUSH_OID[environment], critical: false, value: forge.asn1.toDer(asn1Null).getBytes() },
  ]);
  signWithNode(cert, ca.key);
  return { cert: forge.pki.certificateToPem(cert), key: keyPem };
}

/** The CA and the server certificate it signed: the same for every topic. */
export interface Authority {
  readonly ca: PemPair;
  readonly server: PemPair;
}

/** Generates the CA and the server certificate (RSA keys: a few hundred ms). */
export async function generateAuthority(): Promise<Authority> {
  const ca = await makeCa();
  return { ca, server: await makeServer(ca) };
}

/** Signs like forge's `cert.sign` (sha256WithRSAEncryption), with Node's native RSA: forge's own is ~0.5 s. */
function signWithNode(cert: forge.pki.Certificate, caKeyPem: string): void {
  const algorithm = forge.pki.oids.sha256WithRSAEncryption!;
  cert.signatureOid = algorithm;
  cert.siginfo.algorithmOid = algorithm;
  const tbs = (forge.pki as unknown as { getTBSCertificate(cert: forge.pki.Certificate): forge.asn1.Asn1 }).getTBSCertificate(cert);
  (cert as unknown as { tbsCertificate: forge.asn1.Asn1 }).tbsCertificate = tbs;
  const signature = sign('sha256', Buffer.from(forge.asn1.toDer(tbs).getBytes(), 'binary'), createPrivateKey(caKeyPem));
  cert.signature = signature.toString('binary');
}

/** Generates both push client certificates for a topic, signed by the authority's CA. */
export async function generateCertificates(topic: string, authority: Authority): Promise<GeneratedCertificates> {
  const [client, production] = await Promise.all([
    makePushClient(authority.ca, topic, 'sandbox'),
    makePushClient(authority.ca, topic, 'production'),
  ]);
  return { topic, ca: authority.ca, server: authority.server, client, production };
}

/**
 * A password-protected PKCS#12 of a client certificate, its key and the CA. AES-256 (PBES2), since
 * OpenSSL 3 (Node 17+) refuses the RC2/3DES files older tools write.
 */
export function toP12(pair: PemPair, ca: PemPair, passphrase: string, friendlyName: string): Buffer {
  const key = forge.pki.privateKeyFromPem(pair.key);
  const chain = [forge.pki.certificateFromPem(pair.cert), forge.pki.certificateFromPem(ca.cert)];
  const asn1 = forge.pkcs12.toPkcs12Asn1(key, chain, passphrase, { algorithm: 'aes256', friendlyName });
  return Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary');
}
