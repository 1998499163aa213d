// Sends the command's notifications through the managed sender and reports every outcome.
import { describeConnectionFailure, formatAddress, type ResolvedCredentials } from '@apnskit/tls';
import { Sender } from '../sender.js';
import type { SenderOptions, UnconfirmedNotification } from '../sender-types.js';
import { ApnsClientError } from '../errors.js';
import { credentialFailure } from './credential-failure.js';
import type { SendCommand } from './options.js';
import { jsonOutput, textOutput, type SendOutput, type Writable } from './output.js';
import { sendAll, tokenSource, type LoopState } from './send-loop.js';

export interface RunIo {
  readonly stdout: Writable;
  readonly stderr: Writable;
}

/** Stops a run early: reading ends, what was sent is drained and confirmed, the summary printed. */
export interface RunControl {
  stop(): void;
}

/** Exit code when the credentials are wrong (a refused or untrusted certificate): nothing can get through. */
const CREDENTIALS_EXIT_CODE = 2;

/**
 * Sends every token's notification; resolves with the exit code (0 all delivered, 2 when a
 * certificate was refused or did not verify, 1 otherwise).
 */
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
  const loop: LoopState = { queued: 0, malformed: 0, stopped: false };
  onControl({
    stop() {
      loop.stopped = true;
      source.file?.stop();
    },
  });

  let failedSoFar = 0;
  // The binary sender itself, not createSender(): that would load the HTTP/2 sender and jose too.
  const sender = new Sender({
    ...senderOptions,
    address: command.address,
    tls: credentials,
    connections: command.connections,
    format: command.format,
    ...command.reliability,
  });
  sender.on('failed', ({ notification, status, name }) => {
    failedSoFar += 1;
    output.failure({ token: notification.token, status, name });
  });
  sender.on('unconfirmed', ({ notification, reason }) => output.unconfirmed({ token: notification.token, unconfirmed: true, reason }));
  const reported = new Set<unknown>();
  sender.on('error', (error) => {
    if (reported.has(error)) return;
    reported.add(error);
    output.clearProgress();
    io.stderr.write(`apns-send: ${error.message}\n`);
  });
  let connectFailures = 0;
  let anyConnectionOpened = false;
  let credentialsRefused = false;
  sender.on('connect', () => (anyConnectionOpened = true));
  sender.on('disconnect', ({ connection, cause, error }) => {
    if (cause !== 'connect-failed') return;
    connectFailures += 1;
    const refusal = credentialFailure(error, anyConnectionOpened);
    if (refusal !== undefined && !credentialsRefused) {
      // Retrying cannot fix credentials: stop at the first attempt, say why, exit 2.
      credentialsRefused = true;
      output.clearProgress();
      const message = `connection ${connection} to ${formatAddress(command.address)} failed: ${refusal}; not retrying`;
      io.stderr.write(`apns-send: ${message}\n`);
      const abort = new ApnsClientError('APNS_ERR_CONNECT_FAILED', message, { cause: error });
      reported.add(abort);
      source.file?.stop();
      sender.abort(abort);
      return;
    }
    // Say why at the first failure: retrying a certificate problem cannot help, the user can stop.
    if (connectFailures > 1) return;
    output.clearProgress();
    const why = error ? describeConnectionFailure(error).hint : 'the connection could not be opened';
    io.stderr.write(`apns-send: connection ${connection} to ${formatAddress(command.address)} failed: ${why}; retrying\n`);
  });

  const notification = { token: Buffer.alloc(0), payload: command.payload, expiry: command.expiry, priority: command.priority };
  const { report, sendError } = await sendAll({ source, sender, notification, loop, output, stderr: io.stderr, reported, failedSoFar: () => failedSoFar, startedAt });

  const totals = {
    sent: report.sent,
    delivered: report.delivered,
    failed: report.failed.length + loop.malformed,
    unconfirmed: report.unconfirmed.length,
    ...(report.forgotten > 0 ? { forgotten: report.forgotten } : {}),
    resent: report.resent,
    elapsedMs: Math.round(performance.now() - startedAt),
  };
  output.finish(totals, unconfirmedReasons(report.unconfirmed, report.forgotten));
  if (credentialsRefused) return CREDENTIALS_EXIT_CODE;
  return sendError === undefined && totals.failed === 0 && report.unconfirmedCount === 0 ? 0 : 1;
}

function unconfirmedReasons(unconfirmed: readonly UnconfirmedNotification[], forgotten: number): Map<string, number> {
  const reasons = new Map<string, number>();
  for (const { reason } of unconfirmed) reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
  if (forgotten > 0) reasons.set('forgotten', forgotten);
  return reasons;
}
