// What a CLI may print of the values it was given. A user who pastes a key where a path belongs
// (`--pfx "$(cat key.pem)"`) must not see it echoed into a terminal, a log or a CI transcript, and
// a 10 MB line must not come back as a 10 MB message.

/** Longest value or input line a message shows; longer ones are cut and their length given. */
export const MAX_SHOWN_LENGTH = 120;
/** A PEM block, complete or cut short. */
const PEM_BLOCK = /-----BEGIN [A-Z0-9 ]+-----[\s\S]*?(?:-----END [A-Z0-9 ]+-----|$)/g;
const PEM_MARKER = /-----(BEGIN|END) [A-Z0-9 ]*(KEY|CERTIFICATE)/;
/**
 * DER in base64 without PEM armour: only the base64 alphabet, longer than any sane path name and
 * no longer than a key or certificate chain gets. (The regex also must not see megabytes: V8's
 * engine overflows its stack on a 10 MB match.)
 */
const BARE_BASE64 = /^[A-Za-z0-9+/=\s]+$/;
const BARE_BASE64_LENGTH = { min: 256, max: 16 * 1024 };
const SHOWN_KEY_MATERIAL = '<key material, not shown>';

/** True for text that holds a key or certificate rather than naming one. */
export function looksLikeKeyMaterial(value: string): boolean {
  if (PEM_MARKER.test(value) || value.includes('PRIVATE KEY')) return true;
  return value.length >= BARE_BASE64_LENGTH.min && value.length <= BARE_BASE64_LENGTH.max && BARE_BASE64.test(value);
}

/** A value as a message may show it: key material never, a long value cut to MAX_SHOWN_LENGTH. */
export function shownValue(value: string): string {
  if (looksLikeKeyMaterial(value)) return SHOWN_KEY_MATERIAL;
  if (value.length <= MAX_SHOWN_LENGTH) return value;
  return `${value.slice(0, MAX_SHOWN_LENGTH)}... (${value.length} characters)`;
}

/** Removes every PEM block and every secret from text about to be printed. */
export function scrubText(text: string, secrets: readonly string[]): string {
  const withoutPem = text.replace(PEM_BLOCK, SHOWN_KEY_MATERIAL);
  // Longest first, so that a secret containing another is replaced whole.
  return [...secrets]
    .filter((secret) => secret.length > 0)
    .sort((a, b) => b.length - a.length)
    .reduce((redacted, secret) => redacted.split(secret).join('<redacted>'), withoutPem);
}

/**
 * Every value on a command line that must never be printed: each `--passphrase` given (all of
 * them, not just the one in force), APNS_PASSPHRASE, and any flag value that looks like key material.
 */
export function secretValues(argv: readonly string[], passphraseFromEnv: string | undefined): string[] {
  const secrets: string[] = [];
  argv.forEach((arg, index) => {
    if (arg === '--passphrase' && index + 1 < argv.length) secrets.push(argv[index + 1]!);
    else if (arg.startsWith('--passphrase=')) secrets.push(arg.slice('--passphrase='.length));
    else if (looksLikeKeyMaterial(arg)) secrets.push(arg.includes('=') && arg.startsWith('--') ? arg.slice(arg.indexOf('=') + 1) : arg);
  });
  if (passphraseFromEnv) secrets.push(passphraseFromEnv);
  return secrets.filter((secret) => secret.length > 0);
}
