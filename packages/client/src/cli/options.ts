// apns-send's command line: shared address/credential flags from @apnskit/tls plus its own.
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { isValidToken, parseToken, type NotificationFormat, type TokenRules } from '@apnskit/codec';
import type { Address, ApnsTlsOptions } from '@apnskit/tls';
import { integerFlag, parseCommonFlags, shownValue, UsageError } from '@apnskit/tls/cli';
import { GATEWAY_PORT, gatewayAddress } from '../address.js';
import { buildPayload } from './payload.js';
import { HTTP2_FLAGS, HTTP2_SERVICE, http2FlagsFrom, wantsHttp2, type Http2Flags } from './h2-options.js';

const SEND_FLAGS = {
  token: { type: 'string', multiple: true },
  'tokens-file': { type: 'string' },
  alert: { type: 'string' },
  badge: { type: 'string' },
  sound: { type: 'string' },
  payload: { type: 'string' },
  priority: { type: 'string' },
  expiry: { type: 'string' },
  format: { type: 'string' },
  connections: { type: 'string' },
  ...HTTP2_FLAGS,
  'checkpoint-every': { type: 'string' },
  'max-retries': { type: 'string' },
  'silent-close': { type: 'string' },
} as const;

const FORMATS: readonly NotificationFormat[] = ['frame', 'enhanced', 'simple'];
/** More connections than this only multiplies handshakes; Apple advised a handful. */
const MAX_CONNECTIONS = 64;
/** Apple kept notifications for about four weeks at most; a year is a generous bound. */
const MAX_EXPIRY_SECONDS = 365 * 24 * 3600;

export type TokenSource =
  | { readonly kind: 'list'; readonly tokens: readonly Buffer[] }
  | { readonly kind: 'file'; readonly path: string; readonly size: number };

/** The sender's reliability options, as flags (each absent one keeps the library's default). */
export interface ReliabilityFlags {
  readonly checkpointEvery?: number;
  readonly maxRetries?: number;
  readonly silentClose?: 'resend' | 'unconfirmed';
}

/** The library's own bound on retries, and a generous one on checkpoints. */
const MAX_RETRIES = 100;
const MAX_CHECKPOINT_EVERY = 100_000_000;

export interface SendCommand {
  readonly address: Address;
  readonly tls: ApnsTlsOptions;
  readonly json: boolean;
  readonly tokens: TokenSource;
  readonly payload: Buffer;
  readonly priority: 10 | 5;
  /** UNIX seconds, or 0 (deliver once or drop). */
  readonly expiry: number;
  readonly format: NotificationFormat;
  readonly connections: number;
  /** With --http2: Apple's HTTP/2 provider API instead of the binary gateway. */
  readonly http2?: Http2Flags;
  readonly reliability: ReliabilityFlags;
}

export type ParsedSendCommand = { readonly help: true } | ({ readonly help: false } & SendCommand);

/** The provider API's largest payload (VoIP); the HTTP/2 codec is loaded only for --http2 runs. */
async function largestHttp2Payload(): Promise<number> {
  const { PayloadLimits } = await import('@apnskit/codec/http2');
  return PayloadLimits.Voip;
}

/** Parses and checks everything that can be checked before connecting. Throws UsageError. */
export async function parseSendCommand(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  now: () => number = Date.now,
): Promise<ParsedSendCommand> {
  const http2 = wantsHttp2(argv);
  const parsed = parseCommonFlags(argv, {
    service: http2 ? HTTP2_SERVICE : { sandbox: gatewayAddress('sandbox'), production: gatewayAddress('production'), defaultPort: GATEWAY_PORT, addressFlag: 'gateway' },
    flags: SEND_FLAGS,
    env,
    certificateOptional: http2,
  });
  if (parsed.help) return { help: true };
  const values = parsed.values as Record<string, string | string[] | boolean | undefined>;
  const payload = buildPayload({
    alert: values.alert as string | undefined,
    badge: values.badge as string | undefined,
    sound: values.sound as string | undefined,
    payload: values.payload as string | undefined,
  }, http2 ? await largestHttp2Payload() : undefined);
  const expirySeconds = integerFlag(values.expiry as string | undefined, 'expiry', { min: 0, max: MAX_EXPIRY_SECONDS }) ?? 0;
  return {
    help: false,
    ...parsed.common,
    tokens: await tokenSource(values.token as string[] | undefined, values['tokens-file'] as string | undefined, { anyLength: http2 }),
    payload,
    priority: priorityFrom(values.priority as string | undefined),
    expiry: expirySeconds === 0 ? 0 : Math.floor(now() / 1000) + expirySeconds,
    format: formatFrom(values.format as string | undefined),
    connections: integerFlag(values.connections as string | undefined, 'connections', { min: 1, max: MAX_CONNECTIONS }) ?? 1,
    http2: http2FlagsFrom(parsed.values, parsed.common.tls),
    reliability: reliabilityFrom(values),
  };
}

function reliabilityFrom(values: Record<string, string | string[] | boolean | undefined>): ReliabilityFlags {
  const checkpointEvery = integerFlag(values['checkpoint-every'] as string | undefined, 'checkpoint-every', { min: 0, max: MAX_CHECKPOINT_EVERY });
  const maxRetries = integerFlag(values['max-retries'] as string | undefined, 'max-retries', { min: 0, max: MAX_RETRIES });
  const silentClose = values['silent-close'] as string | undefined;
  if (silentClose !== undefined && silentClose !== 'resend' && silentClose !== 'unconfirmed') {
    throw new UsageError(`--silent-close must be resend or unconfirmed, got ${JSON.stringify(silentClose)}`);
  }
  return {
    ...(checkpointEvery !== undefined ? { checkpointEvery } : {}),
    ...(maxRetries !== undefined ? { maxRetries } : {}),
    ...(silentClose !== undefined ? { silentClose } : {}),
  };
}

async function tokenSource(tokens: string[] | undefined, tokensFile: string | undefined, rules: TokenRules): Promise<TokenSource> {
  if (tokens !== undefined && tokensFile !== undefined) {
    throw new UsageError('give either --token HEX (repeatable) or --tokens-file FILE, not both');
  }
  if (tokensFile !== undefined) return { kind: 'file', path: tokensFile, size: await fileSize(tokensFile) };
  if (tokens === undefined || tokens.length === 0) {
    throw new UsageError('no recipients: add --token HEX (repeatable) or --tokens-file FILE (one token per line)');
  }
  return {
    kind: 'list',
    tokens: tokens.map((text) => {
      if (!isValidToken(text, rules)) {
        const expected = rules.anyLength ? 'its bytes in hex (an even number of digits)' : '64 hex digits (32 bytes)';
        throw new UsageError(`--token ${JSON.stringify(shownValue(text))} is not a device token: give ${expected}`);
      }
      return parseToken(text, rules);
    }),
  };
}

async function fileSize(path: string): Promise<number> {
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new UsageError(`--tokens-file ${shownValue(path)} is not a file; give a text file with one token per line`);
    await access(path, constants.R_OK);
    return info.size;
  } catch (error) {
    if (error instanceof UsageError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'does not exist' : code === 'EACCES' ? 'is not readable' : `cannot be read (${code ?? String(error)})`;
    throw new UsageError(`--tokens-file ${shownValue(path)} ${why}; check the path`);
  }
}

function priorityFrom(text: string | undefined): 10 | 5 {
  if (text === undefined || text === '10') return 10;
  if (text === '5') return 5;
  throw new UsageError(`--priority must be 10 (deliver now) or 5 (power-conserving), got ${JSON.stringify(text)}`);
}

function formatFrom(text: string | undefined): NotificationFormat {
  if (text === undefined) return 'frame';
  const format = FORMATS.find((name) => name === text);
  if (!format) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}, got ${JSON.stringify(text)}`);
  return format;
}
