// apns-send --http2: the same run as the binary gateway's, through the HTTP/2 sender.
import { formatAddress } from '@apnskit/tls';
import { createSender } from '../create-sender.js';
import type { Http2Notification, Http2SenderOptions, Http2UnconfirmedNotification } from '../h2/types.js';
import type { SendCommand } from './options.js';
import { textOutput, type SendOutput, type Writable } from './output.js';
import type { RunControl, RunIo } from './run.js';
import { sendAll, tokenSource, type LoopState } from './send-loop.js';

/**
 * JSON lines of an HTTP/2 run: a failure as `{"token","status","reason"}` (plus `timestamp` in ISO
 * for a 410), an unconfirmed notification as `{"token","unconfirmed":true,"reason"}`, then the totals.
 */
interface Http2Output extends SendOutput {
  unconfirmed(record: { token: string; reason: string }): void;
}

function jsonHttp2Output(stdout: Writable): Http2Output {
  return {
    failure: (record) => stdout.write(JSON.stringify(record.line !== undefined ? record : { token: record.token, status: record.status, reason: record.name, ...(record.timestamp ? { timestamp: record.timestamp } : {}) }) + '\n'),
    unconfirmed: (record) => stdout.write(JSON.stringify({ token: record.token, unconfirmed: true, reason: record.reason }) + '\n'),
    progress: () => undefined,
    clearProgress: () => undefined,
    finish: (totals) => stdout.write(JSON.stringify(totals) + '\n'),
  };
}

function textHttp2Output(stdout: Writable, stderr: Writable, destination: string): Http2Output {
  return { ...textOutput(stdout, stderr, destination), unconfirmed: () => undefined };
}

/** Sends every token's notification over HTTP/2; resolves with the exit code (0 all delivered, 1 otherwise). */
export async function runSendHttp2(
  command: SendCommand,
  io: RunIo,
  onControl: (control: RunControl) => void = () => undefined,
  /** Sender tuning (tests shorten timers). */
  senderOptions: Partial<Http2SenderOptions> = {},
): Promise<number> {
  const flags = command.http2!;
  const destination = formatAddress(command.address);
  const output = command.json ? jsonHttp2Output(io.stdout) : textHttp2Output(io.stdout, io.stderr, destination);
  // Credentials and options are checked here, before any connection (a bad key file throws).
  const sender = createSender({
    protocol: 'h2',
    address: command.address,
    ...(flags.token ? { token: flags.token } : {}),
    tls: command.tls,
    ...(flags.topic !== undefined ? { topic: flags.topic } : {}),
    ...(flags.pushType !== undefined ? { pushType: flags.pushType } : {}),
    ...(flags.transport !== undefined ? { transport: flags.transport } : {}),
    connections: command.connections,
    ...senderOptions,
  });
  // Apple says not to assume a token length on the provider API: any whole number of bytes.
  const source = tokenSource(command, { anyLength: true });
  const loop: LoopState = { queued: 0, malformed: 0, stopped: false };
  onControl({
    stop() {
      loop.stopped = true;
      source.file?.stop();
    },
  });
  const startedAt = performance.now();
  let failedSoFar = 0;
  sender.on('failed', ({ notification, status, reason, timestamp }) => {
    failedSoFar += 1;
    output.failure({ token: notification.token, status, name: reason, ...(timestamp ? { timestamp: timestamp.toISOString() } : {}) });
  });
  sender.on('unconfirmed', ({ notification, reason }) => output.unconfirmed({ token: notification.token, reason }));
  const reported = new Set<unknown>();
  sender.on('error', (error) => {
    reported.add(error);
    output.clearProgress();
    io.stderr.write(`apns-send: ${error.message}\n`);
  });

  const notification: { token: Buffer } & Omit<Http2Notification, 'token'> = {
    token: Buffer.alloc(0),
    payload: command.payload,
    ...(command.expiry !== 0 ? { expiration: command.expiry } : {}),
    ...(command.priority !== 10 ? { priority: command.priority } : {}),
    ...(flags.collapseId !== undefined ? { collapseId: flags.collapseId } : {}),
  };
  const { report, sendError } = await sendAll({ source, sender, notification, loop, output, stderr: io.stderr, reported, failedSoFar: () => failedSoFar, startedAt });
  const totals = {
    sent: report.sent,
    delivered: report.delivered,
    failed: report.failed.length + loop.malformed,
    unconfirmed: report.unconfirmedCount,
    resent: report.resent,
    elapsedMs: Math.round(performance.now() - startedAt),
  };
  output.finish(totals, reasonsOf(report.unconfirmed));
  return sendError === undefined && totals.failed === 0 && totals.unconfirmed === 0 ? 0 : 1;
}

function reasonsOf(unconfirmed: readonly Http2UnconfirmedNotification[]): Map<string, number> {
  const reasons = new Map<string, number>();
  for (const { reason } of unconfirmed) reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
  return reasons;
}
