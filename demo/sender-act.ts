// Act 2: the managed sender at scale, with invalid tokens and an Apple shutdown scripted in.
import { createSender, type SenderReport, type TlsInput } from '@apnskit/client';
import { watchPossibleDuplicates } from '@apnskit/client/testing';
import { Message, statusInfo } from '@apnskit/codec';
import type { DisconnectEvent, MockServer, RejectedNotification } from '@apnskit/mock-server';
import { count, progress, shortToken, step } from './display.js';

export interface SenderActOptions {
  /** One recipient per notification. */
  readonly tokens: readonly string[];
  readonly connections: number;
}

export interface SenderActResult {
  readonly report: SenderReport;
  readonly invalidTokens: readonly string[];
  /** Tokens resent after a silent close: the gateway may hold them twice. */
  readonly possiblyDuplicated: ReadonlySet<string>;
}

const PROGRESS_INTERVAL_MS = 100;
/** Where the uninstalled apps sit in the batch, as fractions of it. */
const INVALID_AT = [0.077, 0.333, 0.777] as const;
/** Apple shuts a connection down (status 10) after this share of the batch. */
const SHUTDOWN_AT = 0.4;

export async function senderAct(mock: MockServer, address: string, tls: TlsInput, options: SenderActOptions): Promise<SenderActResult> {
  const { tokens, connections } = options;
  const total = tokens.length;
  const invalidTokens = INVALID_AT.map((fraction) => tokens[Math.floor(total * fraction)]!);
  const shutdownAfter = Math.floor(total * SHUTDOWN_AT);
  for (const token of invalidTokens) mock.faults.add({ type: 'reject-token', token, status: 8, feedback: true });
  mock.faults.add({ type: 'shutdown-after', n: shutdownAfter });
  step('script', `${invalidTokens.length} uninstalled apps (status 8, also put on the feedback list); a shutdown (status 10) after ${count(shutdownAfter)}`);

  const onRejection = ({ status, id, connection, token }: RejectedNotification): void => {
    const answer = `status ${status} ${statusInfo(status).name}, id ${id ?? '-'}`;
    // The probe is the sender's deliberately bad last notification: its answer proves the rest.
    if (token === undefined) step('gateway', `connection ${connection} answered the closing probe (${answer}): all before it processed`);
    else step('gateway', `connection ${connection} answered ${answer}: rejected, the connection closes`);
  };
  const onDisconnect = ({ connection, reason }: DisconnectEvent): void => {
    if (reason === 'shutdown') step('gateway', `connection ${connection} answered status 10 shutdown, naming the last one delivered`);
  };
  mock.on('rejection', onRejection);
  mock.on('disconnect', onDisconnect);

  const sender = createSender({ address, tls, connections });
  const possiblyDuplicated = watchPossibleDuplicates(sender);
  sender.on('failed', ({ notification, status, name }) =>
    step('failed', `status ${status} ${name}: ${shortToken(notification.token)} → drop this token`),
  );
  sender.on('resent', ({ count: resent, cause, possiblyDelivered }) =>
    step('resent', `${count(resent)} discarded by Apple after ${cause}${possiblyDelivered ? ' (possibly delivered)' : ''} went back to the queue`),
  );

  step('send', `${count(total)} notifications through the managed sender, ${connections} connections`);
  const started = performance.now();
  const ticker = setInterval(() => {
    const { sent, queued } = sender.stats();
    const written = sent - queued;
    progress(written, total, written / ((performance.now() - started) / 1000));
  }, PROGRESS_INTERVAL_MS);
  try {
    // A template carries what every message shares; each send adds the recipient and its text.
    const template = new Message().withBadge(1).withSound('default');
    for (const [index, token] of tokens.entries()) {
      await sender.send(template.to(token).withAlertBody(`Your order #${index + 1} has shipped`));
    }
    const report = await sender.close();
    progress(total, total, total / ((performance.now() - started) / 1000));
    return { report, invalidTokens, possiblyDuplicated };
  } finally {
    clearInterval(ticker);
    mock.off('rejection', onRejection);
    mock.off('disconnect', onDisconnect);
  }
}
