export { ApnsTlsError, isApnsTlsError, type TlsErrorCode } from './errors.js';
export {
  resolveCredentials,
  resolveServerTrust,
  type ServerTrustOptions,
  type ApnsTlsOptions,
  type ResolvedCredentials,
  type ResolveOptions,
} from './credentials.js';
export {
  summarizeCertificate,
  extensionOids,
  PUSH_OIDS,
  type ApnsEnvironment,
  type CertificateSummary,
} from './certificate.js';
export { parseAddress, formatAddress, type Address } from './address.js';
export {
  describeConnectionFailure,
  type ConnectionFailure,
  type ConnectionFailureKind,
} from './connection-errors.js';
