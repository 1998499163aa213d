/** One row of a help section: the flag as typed, and what it does. */
export type HelpRow = readonly [flag: string, description: string];

export interface HelpSection {
  readonly title: string;
  readonly rows: readonly HelpRow[];
}

export interface HelpText {
  readonly usage: readonly string[];
  readonly summary: string;
  readonly sections: readonly HelpSection[];
  readonly examples?: readonly string[];
}

const INDENT = '  ';
const GAP = 2;

/** Help text with aligned flag columns. */
export function formatHelp(help: HelpText): string {
  const width = Math.max(0, ...help.sections.flatMap((section) => section.rows.map(([flag]) => flag.length))) + GAP;
  const lines = [help.summary, '', 'Usage:', ...help.usage.map((line) => INDENT + line)];
  for (const section of help.sections) {
    lines.push('', `${section.title}:`);
    for (const [flag, description] of section.rows) lines.push(INDENT + flag.padEnd(width) + description);
  }
  if (help.examples && help.examples.length > 0) {
    lines.push('', 'Examples:', ...help.examples.map((line) => INDENT + line));
  }
  return lines.join('\n') + '\n';
}

/** Address rows; `flag` is `gateway` for apns-send, `address` for apns-feedback (both accept either). */
export function addressHelpRows(flag: 'gateway' | 'address', sandbox: string, production: string): HelpRow[] {
  return [
    [`--${flag} HOST:PORT`, 'server to connect to (e.g. a mock server on 127.0.0.1)'],
    ['--sandbox', `Apple's sandbox, ${sandbox}; the certificate must be a development one`],
    ['--production', `Apple's production service, ${production}; needs a production certificate`],
  ];
}

/** Credential rows, shared by every command. */
export const CREDENTIAL_HELP_ROWS: readonly HelpRow[] = [
  ['--pfx FILE', 'client certificate and key as .p12/.pfx (legacy Keychain exports load too)'],
  ['--cert FILE --key FILE', 'client certificate and private key as PEM files'],
  ['--passphrase TEXT', 'passphrase of the .p12 or key; prefer the APNS_PASSPHRASE environment variable'],
  ['--ca FILE', "extra trusted CA certificate (PEM) for the server's certificate; repeatable"],
  ['--insecure', "INSECURE: do not verify the server's certificate (local mock servers only)"],
];
