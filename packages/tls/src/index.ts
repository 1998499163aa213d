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
export {
  parseCommonFlags,
  integerFlag,
  exitCodeFor,
  formatCliError,
  secretsOf,
  UsageError,
  COMMON_FLAGS,
  USAGE_EXIT_CODE,
  PASSPHRASE_ENV,
  type CommonFlags,
  type FlagDefinitions,
  type FlagValue,
  type ParseCommandLineOptions,
  type ParsedCommandLine,
  type ServiceAddresses,
} from './cli.js';
export { shownValue, looksLikeKeyMaterial, MAX_SHOWN_LENGTH } from './cli-redact.js';
export {
  formatHelp,
  addressHelpRows,
  CREDENTIAL_HELP_ROWS,
  type HelpRow,
  type HelpSection,
  type HelpText,
} from './cli-help.js';
