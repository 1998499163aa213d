// The whole-ledger check: every notification sent is delivered (recorded by the mock), failed
// with the status the mock gave it, or reported unconfirmed; no copy beyond those reported possible.
import type { SenderReport } from '@apnskit/client';
import type { MockServer } from '@apnskit/mock-server';
import { chaosToken } from './scenario.js';

export interface ChaosLedger {
  readonly sent: number;
  /** Notifications the mock recorded at least once. */
  readonly recorded: number;
  /** Copies beyond the first in the mock's record. */
  readonly duplicates: number;
  /** Sent, yet neither recorded, failed nor unconfirmed. */
  readonly lost: number;
  /** Everything that contradicts the contract, one line each (empty when the ledger closes). */
  readonly problems: readonly string[];
}

export interface LedgerInput {
  readonly seed: number;
  readonly total: number;
  /** Tokens the sender resent after a silent close (an earlier copy may have arrived). */
  readonly possiblyDuplicated: ReadonlySet<string>;
}

const MAX_PROBLEMS_LISTED = 20;

export function checkChaosLedger(mock: MockServer, report: SenderReport, input: LedgerInput): ChaosLedger {
  const copies = new Map<string, number>();
  for (const { token } of mock.notifications) copies.set(token, (copies.get(token) ?? 0) + 1);
  const rejectedStatus = new Map<string, number[]>();
  for (const { token, status } of mock.rejected) {
    if (token !== undefined) rejectedStatus.set(token, [...(rejectedStatus.get(token) ?? []), status]);
  }
  const failed = new Map(report.failed.map(({ notification, status }) => [notification.token, status]));
  const unconfirmed = new Set(report.unconfirmed.map(({ notification }) => notification.token));

  const problems: string[] = [];
  const problem = (text: string): void => {
    if (problems.length < MAX_PROBLEMS_LISTED) problems.push(text);
  };
  if (report.sent !== input.total) problem(`report.sent ${report.sent} != ${input.total} handed to send()`);
  if (report.delivered + report.failed.length + report.unconfirmedCount !== report.sent) {
    problem(`delivered ${report.delivered} + failed ${report.failed.length} + unconfirmed ${report.unconfirmedCount} != sent ${report.sent}`);
  }

  let lost = 0;
  let duplicates = 0;
  let recordedSent = 0;
  for (let index = 0; index < input.total; index += 1) {
    const token = chaosToken(input.seed, index);
    const count = copies.get(token) ?? 0;
    if (count > 0) recordedSent += 1;
    if (count > 1) {
      duplicates += count - 1;
      if (!input.possiblyDuplicated.has(token)) problem(`#${index} recorded ${count} times but never reported possibly duplicated`);
    }
    const status = failed.get(token);
    if (status !== undefined) {
      if (!rejectedStatus.get(token)?.includes(status)) problem(`#${index} reported failed with ${status}, which the mock never answered for it`);
      if (count > 0 && !input.possiblyDuplicated.has(token)) problem(`#${index} reported failed but the mock accepted it`);
      continue;
    }
    if (unconfirmed.has(token)) continue;
    if (count === 0) {
      lost += 1;
      problem(`#${index} lost: not recorded, not failed, not unconfirmed`);
    }
  }
  if (recordedSent !== copies.size) problem(`the mock recorded ${copies.size - recordedSent} tokens that were never sent`);
  if (report.failed.length !== failed.size) problem('a notification is reported failed twice');
  return { sent: input.total, recorded: recordedSent, duplicates, lost, problems };
}
