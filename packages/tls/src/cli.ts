import { parseArgs, type ParseArgsConfig } from 'node:util';
import { parseAddress, type Address } from './address.js';
import { type ApnsTlsOptions } from './credentials.js';
import { scrubText, secretValues } from './cli-redact.js';
import { ApnsTlsError } from './errors.js';

/** A command line that cannot work; CLIs print its message and exit with code 2. */
export class UsageError extends Error {
  readonly code = 'APNS_ERR_USAGE';
  readonly exitCode = USAGE_EXIT_CODE;

  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Exit code for usage and credential errors. */
export const USAGE_EXIT_CODE = 2;
/** Environment variable read for the passphrase when `--passphrase` is not given. */
export const PASSPHRASE_ENV = 'APNS_PASSPHRASE';

/** Flags every APNs command takes (parseArgs option definitions). */
export const COMMON_FLAGS = {
  gateway: { type: 'string' },
  address: { type: 'string' },
  sandbox: { type: 'boolean' },
  production: { type: 'boolean' },
  pfx: { type: 'string' },
  cert: { type: 'string' },
  key: { type: 'string' },
  ca: { type: 'string', multiple: true },
  passphrase: { type: 'string' },
  insecure: { type: 'boolean' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies NonNullable<ParseArgsConfig['options']>;

export type FlagDefinitions = NonNullable<ParseArgsConfig['options']>;
export type FlagValue = string | boolean | Array<string | boolean> | undefined;

/** The service's well-known addresses, used by `--sandbox` and `--production`. */
export interface ServiceAddresses {
  readonly sandbox: Address;
  readonly production: Address;
  /** Port when `--address HOST` has none. */
  readonly defaultPort: number;
  /** The flag the command's help names for HOST:PORT (both are accepted); default 'address'. */
  readonly addressFlag?: 'gateway' | 'address';
}

export interface CommonFlags {
  readonly address: Address;
  /** Credentials as given; pass to resolveCredentials (it reads and checks the files). */
  readonly tls: ApnsTlsOptions;
  readonly json: boolean;
}

export type ParsedCommandLine =
  | { readonly help: true; readonly values: Readonly<Record<string, FlagValue>> }
  | {
      readonly help: false;
      readonly common: CommonFlags;
      /** Every flag, common and command-specific, as parseArgs returned it. */
      readonly values: Readonly<Record<string, FlagValue>>;
      readonly positionals: readonly string[];
    };

export interface ParseCommandLineOptions {
  readonly service: ServiceAddresses;
  /** The command's own flags, added to COMMON_FLAGS. */
  readonly flags?: FlagDefinitions;
  readonly allowPositionals?: boolean;
  /** Where APNS_PASSPHRASE is read; default process.env. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** The command authenticates some other way too (a provider token): no certificate is no error. */
  readonly certificateOptional?: boolean;
}

/**
 * Parses address, credential and output flags (plus the command's own) with node:util parseArgs.
 * `--help` wins over everything else. Throws UsageError saying what to fix.
 */
export function parseCommonFlags(argv: readonly string[], options: ParseCommandLineOptions): ParsedCommandLine {
  let parsed: { values: Record<string, FlagValue>; positionals: string[] };
  try {
    parsed = parseArgs({
      args: [...argv],
      options: { ...COMMON_FLAGS, ...options.flags },
      allowPositionals: options.allowPositionals ?? false,
      strict: true,
    }) as { values: Record<string, FlagValue>; positionals: string[] };
  } catch (error) {
    throw new UsageError((error as Error).message.replace(/\. To specify a positional argument.*$/s, ''));
  }
  const { values, positionals } = parsed;
  if (values.help === true) return { help: true, values };
  const common: CommonFlags = {
    address: addressFrom(values, options.service),
    tls: credentialsFrom(values, options.env ?? process.env, options.certificateOptional === true),
    json: values.json === true,
  };
  return { help: false, common, values, positionals };
}

function addressFrom(values: Record<string, FlagValue>, service: ServiceAddresses): Address {
  const chosen = (['gateway', 'address', 'sandbox', 'production'] as const).filter((name) => values[name] !== undefined);
  if (chosen.length === 0) {
    throw new UsageError(`no server given: add --sandbox, --production or --${service.addressFlag ?? 'address'} HOST:PORT`);
  }
  if (chosen.length > 1) {
    throw new UsageError(`choose one server: ${chosen.map((name) => `--${name}`).join(' and ')} were given`);
  }
  if (values.sandbox) return { ...service.sandbox };
  if (values.production) return { ...service.production };
  const flag = chosen[0];
  try {
    return parseAddress(values[flag] as string, service.defaultPort);
  } catch (error) {
    throw new UsageError(`--${flag}: ${(error as ApnsTlsError).message}`);
  }
}

function credentialsFrom(values: Record<string, FlagValue>, env: Readonly<Record<string, string | undefined>>, certificateOptional: boolean): ApnsTlsOptions {
  const pfx = values.pfx as string | undefined;
  const cert = values.cert as string | undefined;
  const key = values.key as string | undefined;
  if (pfx !== undefined && (cert !== undefined || key !== undefined)) {
    throw new UsageError('give either --pfx FILE, or --cert FILE and --key FILE, not both');
  }
  if (pfx === undefined && cert === undefined && key === undefined && certificateOptional) {
    const ca = values.ca as string[] | undefined;
    return { ...(ca && ca.length > 0 ? { ca } : {}), ...(values.insecure ? { insecureSkipServerVerification: true } : {}) };
  }
  if (pfx === undefined && cert === undefined && key === undefined) {
    throw new UsageError('no client certificate: add --pfx FILE (a .p12), or --cert FILE and --key FILE (PEM)');
  }
  if (pfx === undefined && (cert === undefined || key === undefined)) {
    throw new UsageError(cert === undefined ? '--key needs --cert FILE (the certificate of that key)' : '--cert needs --key FILE (the private key of that certificate)');
  }
  const passphrase = (values.passphrase as string | undefined) ?? env[PASSPHRASE_ENV];
  const ca = values.ca as string[] | undefined;
  const environment = values.sandbox ? 'sandbox' : values.production ? 'production' : undefined;
  return {
    ...(pfx !== undefined ? { pfx } : { cert, key }),
    ...(passphrase !== undefined && passphrase !== '' ? { passphrase } : {}),
    ...(ca && ca.length > 0 ? { ca } : {}),
    ...(environment ? { environment } : {}),
    ...(values.insecure ? { insecureSkipServerVerification: true } : {}),
  };
}

/** A whole number flag within bounds; undefined when absent. Throws UsageError. */
export function integerFlag(value: FlagValue, name: string, bounds: { min: number; max: number }): number | undefined {
  if (value === undefined) return undefined;
  const number = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(number) || number < bounds.min || number > bounds.max) {
    throw new UsageError(`--${name} must be a whole number from ${bounds.min} to ${bounds.max}, got ${JSON.stringify(String(value))}`);
  }
  return number;
}

/** Connection failures that retrying cannot fix: the user must change a certificate or a flag. */
const CREDENTIAL_FAILURES = new Set(['server-certificate', 'client-certificate-rejected']);

/**
 * 2 for usage and credential errors (the user must change the command): bad flags, unreadable
 * credentials, and a connection that failed because a certificate was refused or did not verify
 * (an error carrying such a `failure`, as the client and feedback errors do). 1 for anything else.
 */
export function exitCodeFor(error: unknown): number {
  if (error instanceof UsageError || error instanceof ApnsTlsError) return USAGE_EXIT_CODE;
  const failure = (error as { failure?: { kind?: unknown } } | null)?.failure;
  return typeof failure?.kind === 'string' && CREDENTIAL_FAILURES.has(failure.kind) ? USAGE_EXIT_CODE : 1;
}

/**
 * The line a CLI prints on stderr for an error: `program: message`, plus a pointer to --help for
 * usage errors. `secrets` (see `secretsOf`) are replaced by `<redacted>` should any message echo
 * one, and any PEM block is removed.
 */
export function formatCliError(program: string, error: unknown, secrets: readonly string[] = []): string {
  const message = error instanceof Error ? error.message : String(error);
  const code = error instanceof ApnsTlsError ? ` [${error.code}]` : '';
  const help = error instanceof UsageError ? `\nRun "${program} --help" for usage.` : '';
  return scrubText(`${program}: ${message}${code}${help}\n`, secrets);
}

/**
 * Values a command line carries that must never be printed: every `--passphrase X` and
 * `--passphrase=X` (all of them), APNS_PASSPHRASE, and flag values that look like key material.
 */
export function secretsOf(argv: readonly string[], env: Readonly<Record<string, string | undefined>> = process.env): string[] {
  return secretValues(argv, env[PASSPHRASE_ENV]);
}
