// '@apnskit/tls/cli': the command-line support apns-send and apns-feedback share (flags,
// credentials from flags, help text, exit codes, secret redaction).
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
