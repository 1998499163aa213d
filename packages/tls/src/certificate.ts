import { X509Certificate } from 'node:crypto';
import { childrenOf, contextTag, DER_TAG, decodeOid, malformedDer, readElement, type DerElement } from './der.js';

/** APNs environments; a push certificate names the ones it is good for by extension OIDs. */
export type ApnsEnvironment = 'sandbox' | 'production';

/** Apple's push extension OIDs (development/sandbox and production). */
export const PUSH_OIDS: Readonly<Record<ApnsEnvironment, string>> = Object.freeze({
  sandbox: '1.2.840.113635.100.6.3.1',
  production: '1.2.840.113635.100.6.3.2',
});

/** What a client certificate says about itself; no secret in it. */
export interface CertificateSummary {
  /** Subject as `UID=...` / `CN=...` lines, as node:crypto prints it. */
  readonly subject: string;
  readonly issuer: string;
  /** The bundle id Apple puts in the subject's UID: the topic the certificate pushes to. */
  readonly topic?: string;
  readonly commonName?: string;
  readonly validFrom: Date;
  readonly validTo: Date;
  /** Environments whose push OID the certificate carries; empty for a non-Apple certificate. */
  readonly environments: readonly ApnsEnvironment[];
  readonly fingerprint256: string;
}

/** Reads the summary of a certificate (subject, validity, push OIDs). */
export function summarizeCertificate(certificate: X509Certificate): CertificateSummary {
  const oids = extensionOids(certificate.raw);
  const environments = (Object.keys(PUSH_OIDS) as ApnsEnvironment[]).filter((name) => oids.includes(PUSH_OIDS[name]));
  return {
    subject: certificate.subject,
    issuer: certificate.issuer,
    topic: subjectField(certificate.subject, 'UID'),
    commonName: subjectField(certificate.subject, 'CN'),
    validFrom: new Date(certificate.validFrom),
    validTo: new Date(certificate.validTo),
    environments,
    fingerprint256: certificate.fingerprint256,
  };
}

function subjectField(subject: string, name: string): string | undefined {
  const prefix = `${name}=`;
  const line = subject.split('\n').find((entry) => entry.startsWith(prefix));
  return line?.slice(prefix.length);
}

/** Context-specific tag number of the TBSCertificate's extensions field. */
const EXTENSIONS_TAG = 3;

/**
 * OIDs of a certificate's extensions, read from the DER structure:
 * Certificate = SEQ { tbs, sigAlg, sig }; tbs holds `[3] EXPLICIT SEQ OF Extension`,
 * each Extension = SEQ { OID, critical?, OCTET STRING }. Malformed DER is an ApnsTlsError.
 */
export function extensionOids(der: Uint8Array): string[] {
  const [tbs] = sequenceChildren(der, readElement(der, 0));
  if (!tbs) return [];
  const wrapper = sequenceChildren(der, tbs).find((field) => field.tag === contextTag(EXTENSIONS_TAG));
  if (!wrapper) return [];
  const [extensions] = childrenOf(der, wrapper);
  if (!extensions) return [];
  return sequenceChildren(der, extensions).map((extension) => {
    const [oid] = sequenceChildren(der, extension);
    if (!oid) throw malformedDer(`extension at byte ${extension.start} has no OID`);
    return decodeOid(der, oid);
  });
}

/** Children of an element that must be a SEQUENCE; anything else holds none of what is sought. */
function sequenceChildren(der: Uint8Array, element: DerElement): DerElement[] {
  return element.tag === DER_TAG.sequence ? childrenOf(der, element) : [];
}
