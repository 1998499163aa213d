import { type ApnsEnvironment } from '@apnskit/tls';
import { TestCertificateAuthority, toPkcs12, type GeneratedCertificate } from '@apnskit/tls/testing';

/*
 * The mock's certificates, issued by @apnskit/tls/testing's generator (the one that knows Apple's
 * push OIDs): a CA, a server certificate for localhost, and per topic a sandbox and a production
 * client certificate named like Apple's.
 */

export type PemPair = GeneratedCertificate;

export interface GeneratedCertificates {
  readonly topic: string;
  readonly ca: PemPair;
  readonly server: PemPair;
  /** Sandbox-only client certificate (OID ...6.3.1), like Apple's development push certificate. */
  readonly client: PemPair;
  /** Production-only client certificate (OID ...6.3.2). */
  readonly production: PemPair;
}

/** The CA and the server certificate it signed: the same for every topic. */
export interface Authority {
  readonly ca: PemPair;
  readonly server: PemPair;
}

const CA_NAME = 'apnskit mock CA';
const ORGANIZATION = 'apnskit mock';
const PUSH_LABEL: Readonly<Record<ApnsEnvironment, string>> = {
  sandbox: 'Apple Development IOS Push Services',
  production: 'Apple Production IOS Push Services',
};

/** Generates the CA and the server certificate (RSA keys: a few hundred ms). */
export async function generateAuthority(): Promise<Authority> {
  const ca = new TestCertificateAuthority(CA_NAME);
  return { ca: { cert: ca.cert, key: ca.key }, server: ca.issueServer() };
}

/** Generates both push client certificates for a topic, signed by the authority's CA. */
export async function generateCertificates(topic: string, authority: Authority): Promise<GeneratedCertificates> {
  const ca = new TestCertificateAuthority(CA_NAME, authority.ca);
  const pushClient = (environment: ApnsEnvironment): PemPair =>
    ca.issueClient({ uid: topic, commonName: `${PUSH_LABEL[environment]}: ${topic}`, organizationName: ORGANIZATION, environments: [environment] });
  return { topic, ca: authority.ca, server: authority.server, client: pushClient('sandbox'), production: pushClient('production') };
}

/** A password-protected PKCS#12 of a client certificate, its key and the CA. */
export function toP12(pair: PemPair, ca: PemPair, passphrase: string, friendlyName: string): Buffer {
  return toPkcs12(pair, passphrase, [ca.cert], friendlyName);
}
