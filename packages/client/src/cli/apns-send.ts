#!/usr/bin/env node
// apns-send: send notifications through the binary gateway and report each outcome (see --help).
import { resolveCredentials } from '@apnskit/tls';
import { exitCodeFor, formatCliError, secretsOf, USAGE_EXIT_CODE } from '@apnskit/tls/cli';
import { isApnsClientError } from '../errors.js';
import { HELP } from './help.js';
import { parseSendCommand } from './options.js';
import { runSend, type RunControl } from './run.js';

const PROGRAM = 'apns-send';
/** Exit code after a second Ctrl-C: 128 + SIGINT, as shells report it. */
const INTERRUPTED_EXIT_CODE = 130;

async function main(argv: readonly string[]): Promise<number> {
  try {
    const command = await parseSendCommand(argv, process.env);
    if (command.help) {
      process.stdout.write(HELP);
      return 0;
    }
    const io = { stdout: process.stdout, stderr: process.stderr };
    const controls = (control: RunControl): void => {
      interruptible(control);
      stopWhenStdoutCloses(control);
    };
    if (command.http2) {
      // Loaded only here: the HTTP/2 path and jose take about 100 ms to load, which a binary run would pay.
      const { runSendHttp2 } = await import('./h2-run.js');
      return await runSendHttp2(command, io, controls);
    }
    const credentials = resolveCredentials(command.tls);
    return await runSend(command, credentials, io, controls);
  } catch (error) {
    // Every --passphrase given (not only the one in force) and any key pasted into a flag.
    process.stderr.write(formatCliError(PROGRAM, error, secretsOf(argv, process.env)));
    return isCredentialError(error) ? USAGE_EXIT_CODE : exitCodeFor(error);
  }
}

/** A provider key or option the user must fix: exit 2, as for usage and certificate errors. */
function isCredentialError(error: unknown): boolean {
  return isApnsClientError(error) && (error.code === 'APNS_ERR_PROVIDER_KEY' || error.code === 'APNS_ERR_INVALID_OPTION' || error.code === 'APNS_ERR_INVALID_NOTIFICATION');
}

/** First Ctrl-C: stop reading tokens, drain and confirm what was sent, print the summary. Second: quit. */
function interruptible(control: RunControl): void {
  let interrupts = 0;
  // One listener for both: between removing one and adding another, a Ctrl-C would kill the process.
  process.on('SIGINT', () => {
    interrupts += 1;
    if (interrupts > 1) process.exit(INTERRUPTED_EXIT_CODE);
    process.stderr.write(`\n${PROGRAM}: stopping: confirming what was sent (Ctrl-C again to quit at once)\n`);
    control.stop();
  });
}

/** A reader that stops early (`apns-send --json ... | head`): stop reading tokens, end quietly. */
function stopWhenStdoutCloses(control: RunControl): void {
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE' && error.code !== 'ERR_STREAM_DESTROYED') throw error;
    control.stop();
  });
}

const exitCode = await main(process.argv.slice(2));
// Exit once stdout has taken everything: a lingering socket or timer must not keep a script waiting.
if (process.stdout.destroyed || !process.stdout.writable) process.exit(exitCode);
else process.stdout.write('', () => process.exit(exitCode));
