import type { Sender } from '../sender.js';
import type { SenderReport } from '../sender-types.js';

/*
 * The whole-ledger check, one set of rules for the client's tests, the chaos scenario and the
 * demo: every notification sent ends delivered (held by the gateway), failed with a status the
 * gateway gave it, or reported unconfirmed; no copy beyond those the sender reported possible.
 */

/** What a gateway recorded (the mock server's `notifications` and `rejected`): all the check reads. */
export interface GatewayRecord {
  readonly notifications: readonly { readonly token: string }[];
  readonly rejected: readonly { readonly token: string | undefined; readonly status: number }[];
}

export interface LedgerCheck {
  readonly sent: number;
  /** Distinct sent notifications the gateway holds. */
  readonly recorded: number;
  /** Copies beyond the first in the gateway's record. */
  readonly duplicates: number;
  /** Sent, yet neither held, failed, listed unconfirmed nor counted forgotten. */
  readonly lost: number;
  /** Everything that contradicts the contract, one line each, the first 20 (empty when the ledger closes). */
  readonly problems: readonly string[];
}

const MAX_PROBLEMS_LISTED = 20;

/**
 * Checks `report` against what the gateway recorded, for `sent` (the tokens handed to the sender,
 * lowercase hex, in order) and `possiblyDuplicated` (tokens it resent after a silent close: see
 * watchPossibleDuplicates).
 */
export function checkLedger(report: SenderReport, gateway: GatewayRecord, sent: readonly string[], possiblyDuplicated: ReadonlySet<string>): LedgerCheck {
  const problems: string[] = [];
  const problem = (text: string): void => {
    if (problems.length < MAX_PROBLEMS_LISTED) problems.push(text);
  };
  const copies = new Map<string, number>();
  for (const { token } of gateway.notifications) copies.set(token, (copies.get(token) ?? 0) + 1);
  const answered = new Map<string, number[]>();
  for (const { token, status } of gateway.rejected) if (token !== undefined) answered.set(token, [...(answered.get(token) ?? []), status]);
  const failed = new Map(report.failed.map(({ notification, status }) => [notification.token, status]));
  const unconfirmed = new Set(report.unconfirmed.map(({ notification }) => notification.token));

  if (report.sent !== sent.length) problem(`report.sent ${report.sent} != ${sent.length} handed to the sender`);
  if (report.delivered + report.failed.length + report.unconfirmedCount !== report.sent) {
    problem(`delivered ${report.delivered} + failed ${report.failed.length} + unconfirmed ${report.unconfirmedCount} != sent ${report.sent}`);
  }
  if (failed.size !== report.failed.length) problem('a notification is reported failed twice');
  if (report.possiblyDuplicated < possiblyDuplicated.size) {
    problem(`report.possiblyDuplicated ${report.possiblyDuplicated} < ${possiblyDuplicated.size} notifications resent as possibly delivered`);
  }

  const sentSet = new Set(sent);
  let duplicates = 0;
  let heldAndFailed = 0;
  for (const [token, count] of copies) {
    if (!sentSet.has(token)) problem(`the gateway holds ${token}, which was never sent`);
    if (count > 1) {
      duplicates += count - 1;
      if (!possiblyDuplicated.has(token)) problem(`${token} arrived ${count} times but was never reported possibly duplicated`);
    }
    if (failed.has(token)) {
      heldAndFailed += 1;
      // A copy resent after a silent close may be rejected while the first copy arrived: allowed only then.
      if (!possiblyDuplicated.has(token)) problem(`${token} is both held by the gateway and reported failed`);
    }
  }
  if (duplicates > report.possiblyDuplicated) problem(`${duplicates} duplicates at the gateway, ${report.possiblyDuplicated} reported possible`);

  let unaccounted = 0;
  let recorded = 0;
  for (const token of sent) {
    if (copies.has(token)) recorded += 1;
    const status = failed.get(token);
    if (status !== undefined && !answered.get(token)?.includes(status)) problem(`${token} reported failed with ${status}, which the gateway never answered for it`);
    if (!copies.has(token) && status === undefined && !unconfirmed.has(token)) unaccounted += 1;
  }
  // Unconfirmed notifications the window had forgotten are counted, not listed.
  const lost = Math.max(0, unaccounted - report.forgotten);
  if (lost > 0) problem(`${lost} lost: neither held, failed nor unconfirmed (${report.forgotten} counted forgotten)`);
  if (report.unconfirmedCount === 0 && report.delivered !== copies.size - heldAndFailed) {
    problem(`delivered ${report.delivered} != ${copies.size - heldAndFailed} distinct notifications the gateway holds`);
  }
  return { sent: sent.length, recorded, duplicates, lost, problems };
}

/** Collects the tokens `sender` resends as possibly delivered (the only ones allowed twice at the gateway). */
export function watchPossibleDuplicates(sender: Sender): Set<string> {
  const possible = new Set<string>();
  sender.on('resent', (event) => {
    if (event.possiblyDelivered) for (const notification of event.notifications) possible.add(notification.token);
  });
  return possible;
}
