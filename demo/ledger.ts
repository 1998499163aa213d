// The demo's ledger: the shared whole-ledger check against what the mock server recorded.
import type { SenderReport } from '@apnskit/client';
import { checkLedger as checkWholeLedger } from '@apnskit/client/testing';
import type { MockServer } from '@apnskit/mock-server';

export interface LedgerCheck {
  /** Recorded by the gateway more than once. */
  readonly duplicates: number;
  /** Sent, yet neither recorded, failed nor reported unconfirmed. */
  readonly lost: number;
  /** delivered + failed + unconfirmed = sent, nothing lost, no duplicate beyond those reported possible. */
  readonly closed: boolean;
  /** What does not add up, when it does not close. */
  readonly problems: readonly string[];
}

export function checkLedger(mock: MockServer, sentTokens: readonly string[], report: SenderReport, possiblyDuplicated: ReadonlySet<string>): LedgerCheck {
  const check = checkWholeLedger(report, mock, sentTokens, possiblyDuplicated);
  return { duplicates: check.duplicates, lost: check.lost, closed: check.problems.length === 0, problems: check.problems };
}
