import type { Writable } from 'node:stream';
import { formatAddress } from '@apnskit/tls';
import {
  addressHelpRows,
  CREDENTIAL_HELP_ROWS,
  exitCodeFor,
  formatCliError,
  formatHelp,
  integerFlag,
  parseCommonFlags,
  secretsOf,
  USAGE_EXIT_CODE,
} from '@apnskit/tls/cli';
import { isApnsFeedbackError } from '../errors.js';
import { FEEDBACK_PORT, feedbackAddress } from '../addresses.js';
import { feedback, DEFAULT_IDLE_TIMEOUT_MS, type FeedbackEntry } from '../reader.js';

export const PROGRAM = 'apns-feedback';
const MAX_TIMEOUT_MS = 2_147_483_647;
/** Output is written in blocks of about this many characters, not per line. */
const OUTPUT_BLOCK = 64 * 1024;
const MS_PER_SECOND = 1000;

export interface CliIo {
  readonly stdout: Writable;
  readonly stderr: Writable;
  readonly env: Readonly<Record<string, string | undefined>>;
}

export const HELP = formatHelp({
  summary: "Reads Apple's push feedback list: the device tokens whose app is gone, with when Apple saw it.",
  usage: [
    `${PROGRAM} (--address HOST:PORT | --sandbox | --production) (--pfx FILE | --cert FILE --key FILE)`,
    '              [--ca FILE] [--insecure] [--timeout MS] [--json]',
  ],
  sections: [
    { title: 'Server', rows: addressHelpRows('address', formatAddress(feedbackAddress('sandbox')), formatAddress(feedbackAddress('production'))) },
    { title: 'Credentials', rows: CREDENTIAL_HELP_ROWS },
    {
      title: 'Output',
      rows: [
        ['--timeout MS', `stop when nothing arrives for MS milliseconds (default ${DEFAULT_IDLE_TIMEOUT_MS}); also the handshake timeout`],
        ['--json', 'JSON lines: {"token":"<hex>","timestamp":"<ISO 8601>","time":<unix seconds>}'],
        ['--help, -h', 'this text'],
      ],
    },
    {
      title: 'Exit status',
      rows: [
        ['0', 'the list was read to its end (the lines printed are the whole list)'],
        ['1', 'the connection failed or broke off; the lines printed before the error are valid'],
        ['2', 'usage or credential error, or a refused TLS handshake: the message says what to fix'],
      ],
    },
  ],
  examples: [
    `APNS_PASSPHRASE=secret ${PROGRAM} --sandbox --pfx push-dev.p12`,
    `${PROGRAM} --production --cert cert.pem --key key.pem --json > gone.jsonl`,
    `${PROGRAM} --address 127.0.0.1:2196 --pfx client.p12 --ca ca.pem --timeout 2000   # a local mock server`,
  ],
});

/** Runs the command; resolves to the exit code. Never prints a passphrase. */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    const parsed = parseCommonFlags(argv, {
      service: { sandbox: feedbackAddress('sandbox'), production: feedbackAddress('production'), defaultPort: FEEDBACK_PORT },
      flags: { timeout: { type: 'string' } },
      env: io.env,
    });
    if (parsed.help) {
      io.stdout.write(HELP);
      return 0;
    }
    const timeout = integerFlag(parsed.values.timeout, 'timeout', { min: 1, max: MAX_TIMEOUT_MS });
    const { address, tls, json } = parsed.common;
    const reader = feedback(address, tls, timeout ? { idleTimeoutMs: timeout, connectTimeoutMs: timeout } : {});
    const output = new BlockWriter(io.stdout);
    for await (const entry of reader) {
      if (!(await output.add(json ? jsonLine(entry) : textLine(entry)))) break;
    }
    await output.flush();
    if (!json) io.stderr.write(`${PROGRAM}: ${reader.state.received} tokens read from ${formatAddress(address)}\n`);
    return 0;
  } catch (error) {
    io.stderr.write(formatCliError(PROGRAM, error, secretsOf(argv, io.env)));
    // A failed handshake is a certificate to fix, not a list that happened to be empty or cut.
    return isApnsFeedbackError(error) && error.code === 'APNS_ERR_FEEDBACK_TLS' ? USAGE_EXIT_CODE : exitCodeFor(error);
  }
}

function jsonLine(entry: FeedbackEntry): string {
  const time = Math.floor(entry.timestamp.getTime() / MS_PER_SECOND);
  return `{"token":"${entry.token}","timestamp":"${entry.timestamp.toISOString()}","time":${time}}\n`;
}

function textLine(entry: FeedbackEntry): string {
  return `${entry.token} ${entry.timestamp.toISOString()}\n`;
}

/**
 * Collects lines into blocks and writes them with backpressure, which also slows the read.
 * A closed stdout (`| head`) ends the output quietly: `add` then returns false.
 */
class BlockWriter {
  private block = '';
  private closed = false;

  constructor(private readonly stream: Writable) {
    stream.on('error', () => {
      this.closed = true;
    });
  }

  async add(line: string): Promise<boolean> {
    this.block += line;
    if (this.block.length >= OUTPUT_BLOCK) await this.flush();
    return !this.closed;
  }

  async flush(): Promise<void> {
    if (this.block === '' || this.closed) return;
    const block = this.block;
    this.block = '';
    if (!this.stream.write(block)) {
      await new Promise<void>((resolve) => {
        const done = (): void => {
          this.stream.off('drain', done);
          this.stream.off('close', done);
          resolve();
        };
        this.stream.on('drain', done);
        this.stream.on('close', done);
      });
    }
  }
}
