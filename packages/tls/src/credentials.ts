import { X509Certificate } from 'node:crypto';
import { createSecureContext, rootCertificates, type ConnectionOptions, type SecureContext } from 'node:tls';
import { inspect } from 'node:util';
import { summarizeCertificate, type ApnsEnvironment, type CertificateSummary } from './certificate.js';
import { ApnsTlsError, redact } from './errors.js';
import { parseCertificates, parsePrivateKey } from './pem.js';
import { decodePfx } from './pkcs12.js';
import { loadSource } from './source.js';

/** How to authenticate to APNs: a .p12/.pfx, or a PEM certificate and key (bytes, text or paths). */
export interface ApnsTlsOptions {
  /** .p12/.pfx bytes, or a file path. Legacy Keychain files (RC2-40/3DES) load too. */
  pfx?: Buffer | string;
  /** Of the .p12 or of an encrypted PEM key. Never logged, never in an error. */
  passphrase?: string;
  /** PEM text or bytes, or a file path; may hold the chain after the leaf. */
  cert?: Buffer | string;
  /** PEM text or bytes, or a file path. */
  key?: Buffer | string;
  /** Extra trusted CAs, added to Node's default roots: PEM text or bytes, or file paths. */
  ca?: Buffer | string | Array<Buffer | string>;
  /** When set, the certificate must carry Apple's push OID for that environment. */
  environment?: ApnsEnvironment;
  /** INSECURE: accept any server certificate. For local tests against a mock only. */
  insecureSkipServerVerification?: boolean;
  /** Server name for SNI and certificate checks; defaults to the host connected to. */
  servername?: string;
}

/** Checked credentials: spread `connectOptions` into `tls.connect({ host, port, ...connectOptions })`. */
export interface ResolvedCredentials {
  /** Holds a ready SecureContext (key material stays inside it), rejectUnauthorized, servername. */
  readonly connectOptions: ConnectionOptions;
  /** Undefined only for a .p12 that node-forge cannot read and whose certificate Node does not expose. */
  readonly certificate?: CertificateSummary;
}

export interface ResolveOptions {
  /** The time validity is checked against; default now. */
  readonly now?: Date;
}

/** Client certificate, key and chain before they go into a SecureContext. */
interface ClientIdentity {
  readonly context: SecureContext;
  readonly certificate?: X509Certificate;
}

/**
 * Loads and checks credentials, synchronously, before any connection: files exist, passphrase
 * opens them, key matches certificate, certificate is valid now and carries the push OID of the
 * chosen environment. Throws ApnsTlsError. Already resolved credentials are returned as they are.
 */
export function resolveCredentials(
  options: ApnsTlsOptions | ResolvedCredentials,
  resolveOptions: ResolveOptions = {},
): ResolvedCredentials {
  if (options === null || typeof options !== 'object') {
    throw new ApnsTlsError('APNS_ERR_TLS_INVALID_OPTION', 'TLS options must be an object with pfx, or cert and key');
  }
  if ('connectOptions' in options) return options;
  if (options.environment !== undefined && options.environment !== 'sandbox' && options.environment !== 'production') {
    throw new ApnsTlsError(
      'APNS_ERR_TLS_INVALID_OPTION',
      `environment must be "sandbox" or "production", got ${JSON.stringify(options.environment)}`,
    );
  }
  const extraCa = loadCa(options.ca);
  const identity = loadIdentity(options, extraCa);
  const certificate = identity.certificate ? summarizeCertificate(identity.certificate) : undefined;
  if (certificate) checkCertificate(certificate, options.environment, resolveOptions.now ?? new Date());
  const connectOptions: ConnectionOptions = {
    secureContext: identity.context,
    rejectUnauthorized: options.insecureSkipServerVerification !== true,
    ...(options.servername ? { servername: options.servername } : {}),
  };
  return redactedCredentials(Object.freeze(connectOptions), certificate);
}

/** What a connection that authenticates with a provider token (no client certificate) trusts. */
export type ServerTrustOptions = Pick<ApnsTlsOptions, 'ca' | 'servername' | 'insecureSkipServerVerification'>;

/**
 * Server trust only, for provider-token connections: Node's roots plus `ca`, checked now (a bad CA
 * file throws ApnsTlsError before any connection). No client certificate is presented.
 */
export function resolveServerTrust(options: ServerTrustOptions = {}): ResolvedCredentials {
  if (options === null || typeof options !== 'object') {
    throw new ApnsTlsError('APNS_ERR_TLS_INVALID_OPTION', 'TLS options must be an object with ca, servername or insecureSkipServerVerification');
  }
  const extraCa = loadCa(options.ca);
  const connectOptions: ConnectionOptions = {
    secureContext: trustingAlso(createSecureContext({}), extraCa, (ca) => createSecureContext({ ca })),
    rejectUnauthorized: options.insecureSkipServerVerification !== true,
    ...(options.servername ? { servername: options.servername } : {}),
  };
  return redactedCredentials(Object.freeze(connectOptions), undefined);
}

function loadIdentity(options: ApnsTlsOptions, extraCa: string[] | undefined): ClientIdentity {
  const { pfx, cert, key, passphrase } = options;
  if (passphrase !== undefined && typeof passphrase !== 'string') {
    throw new ApnsTlsError('APNS_ERR_TLS_INVALID_OPTION', 'passphrase must be a string');
  }
  if (pfx !== undefined && (cert !== undefined || key !== undefined)) {
    throw new ApnsTlsError('APNS_ERR_TLS_CONFLICTING_OPTIONS', 'give either pfx, or cert and key, not both');
  }
  if (pfx !== undefined) return loadPfx(pfx, passphrase, extraCa);
  if (cert === undefined && key === undefined) {
    throw new ApnsTlsError(
      'APNS_ERR_TLS_NO_CREDENTIALS',
      'no client certificate: APNs needs one; give pfx (a .p12 file) or cert and key (PEM)',
    );
  }
  if (key === undefined) {
    throw new ApnsTlsError('APNS_ERR_TLS_MISSING_KEY', 'cert given without key: give the private key of the certificate too');
  }
  if (cert === undefined) {
    throw new ApnsTlsError('APNS_ERR_TLS_MISSING_CERT', 'key given without cert: give the certificate of the key too');
  }
  const certSource = loadSource(cert, 'cert');
  const chain = parseCertificates(certSource, 'client certificate');
  const keyObject = parsePrivateKey(loadSource(key, 'key'), passphrase);
  if (!chain[0].checkPrivateKey(keyObject)) {
    throw new ApnsTlsError(
      'APNS_ERR_TLS_KEY_MISMATCH',
      `the key does not belong to the certificate in ${certSource.origin}; give the key exported with that certificate`,
    );
  }
  const keyPem = keyObject.export({ format: 'pem', type: 'pkcs8' }).toString();
  const chainPem = chain.map((certificate) => certificate.toString()).join('');
  return { context: secureContext({ key: keyPem, cert: chainPem }, extraCa, passphrase), certificate: chain[0] };
}

function loadPfx(pfx: Buffer | string, passphrase: string | undefined, extraCa: string[] | undefined): ClientIdentity {
  const source = loadSource(pfx, 'pfx');
  try {
    const decoded = decodePfx(source.bytes, passphrase, source.origin);
    if (!decoded.certificate.checkPrivateKey(decoded.key)) {
      throw new ApnsTlsError(
        'APNS_ERR_TLS_KEY_MISMATCH',
        `the key in ${source.origin} does not belong to its certificate; export the certificate with its own key`,
      );
    }
    return {
      context: secureContext({ key: decoded.keyPem, cert: decoded.chainPem }, extraCa, passphrase),
      certificate: decoded.certificate,
    };
  } catch (error) {
    // A structure forge does not model may still be one OpenSSL reads: let Node try it as is.
    if (!(error instanceof ApnsTlsError) || error.code !== 'APNS_ERR_TLS_INVALID_PFX') throw error;
    let context: SecureContext;
    try {
      context = trustingAlso(createSecureContext({ pfx: source.bytes, passphrase }), extraCa, (ca) => createSecureContext({ pfx: source.bytes, passphrase, ca }));
    } catch {
      throw error;
    }
    return { context, certificate: contextCertificate(context) };
  }
}

/**
 * The client certificate OpenSSL loaded into a context. Node exposes it only on the native
 * handle (`context.getCertificate()`, present since Node 11); without it the checks are skipped.
 */
function contextCertificate(context: SecureContext): X509Certificate | undefined {
  const native = (context as { context?: { getCertificate?: () => Buffer | null } }).context;
  const der = typeof native?.getCertificate === 'function' ? native.getCertificate() : null;
  return der ? new X509Certificate(der) : undefined;
}

function secureContext(parts: { key: string; cert: string }, extraCa: string[] | undefined, passphrase: string | undefined): SecureContext {
  try {
    return trustingAlso(createSecureContext(parts), extraCa, (ca) => createSecureContext({ ...parts, ca }));
  } catch (error) {
    throw new ApnsTlsError(
      'APNS_ERR_TLS_INVALID_PEM',
      `OpenSSL refused the certificate or key (${redact((error as Error).message, passphrase)}); ` +
        'check that they are an RSA or EC key of at least 2048/256 bits and its certificate',
    );
  }
}

/**
 * Makes `context` trust `extra` beside Node's own roots. Node's `ca` option replaces the roots,
 * and handing all of them back as PEM re-parses about 140 certificates (26 ms of every start);
 * the context's native addCACert copies the roots Node parsed once and adds ours to the copy.
 * Where that handle is missing, `rebuild` makes the context with roots and extras as `ca`.
 */
function trustingAlso(context: SecureContext, extra: string[] | undefined, rebuild: (ca: string[]) => SecureContext): SecureContext {
  if (extra === undefined) return context;
  const native = (context as { context?: { addCACert?: (pem: string) => void } }).context;
  if (typeof native?.addCACert !== 'function') return rebuild([...rootCertificates, ...extra]);
  for (const pem of extra) native.addCACert(pem);
  return context;
}

function loadCa(ca: ApnsTlsOptions['ca']): string[] | undefined {
  if (ca === undefined) return undefined;
  const entries = Array.isArray(ca) ? ca : [ca];
  const extra = entries.flatMap((entry) =>
    parseCertificates(loadSource(entry, 'ca'), 'CA certificate').map((certificate) => certificate.toString()),
  );
  return extra;
}

function checkCertificate(certificate: CertificateSummary, environment: ApnsEnvironment | undefined, now: Date): void {
  const name = certificate.commonName ?? certificate.subject.replace(/\n/g, ', ');
  if (now < certificate.validFrom) {
    throw new ApnsTlsError(
      'APNS_ERR_TLS_CERT_NOT_YET_VALID',
      `certificate "${name}" is not valid before ${certificate.validFrom.toISOString()}; check the system clock or use the current certificate`,
    );
  }
  if (now > certificate.validTo) {
    throw new ApnsTlsError(
      'APNS_ERR_TLS_CERT_EXPIRED',
      `certificate "${name}" expired on ${certificate.validTo.toISOString()}; create a new push certificate in the Apple Developer portal`,
    );
  }
  if (environment === undefined || certificate.environments.includes(environment)) return;
  const found = certificate.environments.length > 0 ? `it is a ${certificate.environments.join(' and ')} certificate` : 'it carries no Apple push OID';
  throw new ApnsTlsError(
    'APNS_ERR_TLS_WRONG_ENVIRONMENT',
    `certificate "${name}" cannot push to ${environment}: ${found}; use a ${environment === 'sandbox' ? 'development' : 'production'} ` +
      `push certificate or connect to the other environment`,
  );
}

/** Credentials whose printed form (console.log, JSON) hides the secure context. */
function redactedCredentials(connectOptions: ConnectionOptions, certificate: CertificateSummary | undefined): ResolvedCredentials {
  const printable = { certificate, rejectUnauthorized: connectOptions.rejectUnauthorized, servername: connectOptions.servername };
  const credentials = { connectOptions, certificate };
  Object.defineProperties(credentials, {
    toJSON: { value: () => printable, enumerable: false },
    [inspect.custom]: { value: () => `ResolvedCredentials ${inspect(printable)}`, enumerable: false },
  });
  return Object.freeze(credentials);
}
