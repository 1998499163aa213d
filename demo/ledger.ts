// Checks the demo's whole ledger against what the mock server recorded.
import type { SenderReport } from '@apnskit/client';
import type { MockServer } from '@apnskit/mock-server';

export interface LedgerCheck {
  /** Recorded by the gateway more than once. */
  readonly duplicates: number;
  /** Sent, yet neither recorded, failed nor reported unconfirmed. */
  readonly lost: number;
  /** delivered + failed + unconfirmed = sent, nothing lost, no duplicate beyond those reported possible. */
  readonly closed: boolean;
}

export function checkLedger(mock: MockServer, sentTokens: readonly string[], report: SenderReport): LedgerCheck {
  const recorded = new Map<string, number>();
  for (const { token } of mock.notifications) recorded.set(token, (recorded.get(token) ?? 0) + 1);
  const accountedFor = new Set<string>([
    ...report.failed.map(({ notification }) => notification.token),
    ...report.unconfirmed.map(({ notification }) => notification.token),
  ]);
  let duplicates = 0;
  for (const copies of recorded.values()) duplicates += copies - 1;
  const lost = sentTokens.filter((token) => !recorded.has(token) && !accountedFor.has(token)).length;
  const balanced = report.delivered + report.failed.length + report.unconfirmedCount === report.sent;
  return { duplicates, lost, closed: balanced && lost === 0 && duplicates <= report.possiblyDuplicated };
}
