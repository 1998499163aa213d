// The one payload apns-send sends to every token: from --alert/--badge/--sound or --payload JSON.
import { isApnsCodecError } from '@apnskit/codec';
import { toWireNotification } from '@apnskit/codec/wire';
import { UsageError } from '@apnskit/tls/cli';

export interface PayloadFlags {
  readonly alert?: string;
  readonly badge?: string;
  readonly sound?: string;
  readonly payload?: string;
}

/** Any valid token: only used to let the codec check the payload's size before sending. */
const PROBE_TOKEN = Buffer.alloc(32, 0xab);

/** Builds and checks the payload bytes; throws UsageError saying which flag to fix. */
export function buildPayload(flags: PayloadFlags, payloadLimit?: number): Buffer {
  const text = flags.payload !== undefined ? jsonPayload(flags) : alertPayload(flags);
  const bytes = Buffer.from(text, 'utf8');
  try {
    toWireNotification({ token: PROBE_TOKEN, payload: bytes }, payloadLimit !== undefined ? { payloadLimit } : {});
  } catch (error) {
    if (isApnsCodecError(error)) throw new UsageError(`${error.message} (the payload given with ${flags.payload !== undefined ? '--payload' : '--alert'})`);
    throw error;
  }
  return bytes;
}

function jsonPayload(flags: PayloadFlags): string {
  if (flags.alert !== undefined || flags.badge !== undefined || flags.sound !== undefined) {
    throw new UsageError('give either --payload JSON or --alert TEXT (with --badge/--sound), not both');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(flags.payload as string);
  } catch (error) {
    throw new UsageError(`--payload is not valid JSON (${(error as Error).message}); quote it for the shell, e.g. --payload '{"aps":{"alert":"Hi"}}'`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new UsageError(`--payload must be a JSON object such as '{"aps":{"alert":"Hi"}}'`);
  }
  return JSON.stringify(parsed);
}

function alertPayload(flags: PayloadFlags): string {
  if (flags.alert === undefined) {
    if (flags.badge !== undefined || flags.sound !== undefined) {
      throw new UsageError('--badge and --sound go with --alert TEXT; add --alert, or give the whole --payload JSON');
    }
    throw new UsageError('say what to send: --alert TEXT (optionally --badge N --sound NAME) or --payload JSON');
  }
  const aps: { alert: string; badge?: number; sound?: string } = { alert: flags.alert };
  if (flags.badge !== undefined) aps.badge = parseBadge(flags.badge);
  if (flags.sound !== undefined) {
    if (flags.sound === '') throw new UsageError('--sound needs a sound name, e.g. --sound default');
    aps.sound = flags.sound;
  }
  return JSON.stringify({ aps });
}

function parseBadge(text: string): number {
  const badge = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(badge)) throw new UsageError(`--badge must be a whole number >= 0 (0 clears the badge), got ${JSON.stringify(text)}`);
  return badge;
}
