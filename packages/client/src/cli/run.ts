// Sends the command's notifications through the managed sender and reports every outcome.
import { describeConnectionFailure, formatAddress, type ResolvedCredentials } from '@apnskit/tls';
import { createSender } from '../create-sender.js';
import type { SenderOptions, SenderReport, UnconfirmedNotification } from '../sender-types.js';
import type { SendCommand } from './options.js';
import { jsonOutput, MALFORMED_TOKEN, textOutput, type SendOutput, type Writable } from './output.js';
import { commandLineEntries, TokensFile, type TokenEntry } from './tokens.js';

/** How often the progress bar is redrawn. */
const PROGRESS_INTERVAL_MS = 100;

export interface RunIo {
  readonly stdout: Writable;
  readonly stderr: Writable;
}

/** Stops a run early: reading ends, what was sent is drained and confirmed, the summary printed. */
export interface RunControl {
  stop(): void;
}

/** Sends every token's notification; resolves with the exit code (0 all delivered, 1 otherwise). */
export async function runSend(
  command: SendCommand,
  credentials: ResolvedCredentials,
  io: RunIo,
  onControl: (control: RunControl) => void = () => undefined,
  /** Sender tuning (tests shorten the reconnect schedule). */
  senderOptions: Partial<Pick<SenderOptions, 'reconnectLimit' | 'backoff' | 'probeTimeoutMs'>> = {},
): Promise<number> {
  const output: SendOutput = command.json ? jsonOutput(io.stdout) : textOutput(io.stdout, io.stderr, formatAddress(command.address));
  const source = tokenSource(command);
  const startedAt = performance.now();
  let stopped = false;
  onControl({
    stop() {
      stopped = true;
      source.file?.stop();
    },
  });

  let failedSoFar = 0;
  const sender = createSender({
    ...senderOptions,
    address: command.address,
    tls: credentials,
    connections: command.connections,
    format: command.format,
  });
  sender.on('failed', ({ notification, status, name }) => {
    failedSoFar += 1;
    output.failure({ token: notification.token, status, name });
  });
  const reported = new Set<unknown>();
  sender.on('error', (error) => {
    reported.add(error);
    output.clearProgress();
    io.stderr.write(`apns-send: ${error.message}\n`);
  });
  let connectFailures = 0;
  sender.on('disconnect', ({ connection, cause, error }) => {
    if (cause !== 'connect-failed') return;
    connectFailures += 1;
    // Say why at the first failure: retrying a certificate problem cannot help, the user can stop.
    if (connectFailures > 1) return;
    output.clearProgress();
    const why = error ? describeConnectionFailure(error).hint : 'the connection could not be opened';
    io.stderr.write(`apns-send: connection ${connection} to ${formatAddress(command.address)} failed: ${why}; retrying\n`);
  });

  let queued = 0;
  let malformed = 0;
  const progress = setInterval(() => {
    output.progress({ sent: queued, failed: failedSoFar + malformed, fraction: source.fraction(queued), elapsedMs: performance.now() - startedAt });
  }, PROGRESS_INTERVAL_MS);
  progress.unref();

  let sendError: unknown;
  try {
    for await (const entry of source.entries) {
      if (stopped) break;
      if (entry.kind === 'malformed') {
        malformed += 1;
        output.failure({ token: entry.text, status: null, name: MALFORMED_TOKEN, line: entry.line, reason: entry.reason });
        continue;
      }
      await sender.send({ token: entry.token, payload: command.payload, expiry: command.expiry, priority: command.priority });
      queued += 1;
    }
  } catch (error) {
    // The sender gave up (or the tokens file broke): stop, but still account for what was sent.
    sendError = error;
    source.file?.stop();
  }
  let report: SenderReport;
  try {
    report = await sender.close();
  } finally {
    clearInterval(progress);
  }
  if (sendError !== undefined) {
    output.clearProgress();
    const why = reported.has(sendError) ? 'see above' : sendError instanceof Error ? sendError.message : String(sendError);
    io.stderr.write(`apns-send: stopped early (${why}); the tokens not read yet were not sent\n`);
  }

  const totals = {
    sent: report.sent,
    delivered: report.delivered,
    failed: report.failed.length + malformed,
    unconfirmed: report.unconfirmedCount,
    resent: report.resent,
    elapsedMs: Math.round(performance.now() - startedAt),
  };
  output.finish(totals, unconfirmedReasons(report.unconfirmed, report.forgotten));
  return sendError === undefined && totals.failed === 0 && totals.unconfirmed === 0 ? 0 : 1;
}

interface Source {
  readonly entries: AsyncIterable<TokenEntry> | Iterable<TokenEntry>;
  readonly file?: TokensFile;
  /** Share of the input consumed, when the total is known. */
  fraction(queued: number): number | undefined;
}

function tokenSource(command: SendCommand): Source {
  const tokens = command.tokens;
  if (tokens.kind === 'list') {
    return { entries: commandLineEntries(tokens.tokens), fraction: (queued) => queued / tokens.tokens.length };
  }
  const file = new TokensFile(tokens.path, tokens.size);
  return { entries: file.entries(), file, fraction: () => (tokens.size > 0 ? file.bytesRead / tokens.size : undefined) };
}

function unconfirmedReasons(unconfirmed: readonly UnconfirmedNotification[], forgotten: number): Map<string, number> {
  const reasons = new Map<string, number>();
  for (const { reason } of unconfirmed) reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
  if (forgotten > 0) reasons.set('forgotten', forgotten);
  return reasons;
}
