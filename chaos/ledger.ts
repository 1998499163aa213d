// The chaos scenario's ledger: the shared whole-ledger check over the scenario's tokens.
import type { SenderReport } from '@apnskit/client';
import { checkLedger, type LedgerCheck } from '@apnskit/client/testing';
import type { MockServer } from '@apnskit/mock-server';
import { chaosToken } from './scenario.js';

export type ChaosLedger = LedgerCheck;

export interface LedgerInput {
  readonly seed: number;
  readonly total: number;
  /** Tokens the sender resent after a silent close (an earlier copy may have arrived). */
  readonly possiblyDuplicated: ReadonlySet<string>;
}

export function checkChaosLedger(mock: MockServer, report: SenderReport, input: LedgerInput): ChaosLedger {
  const sent = Array.from({ length: input.total }, (_, index) => chaosToken(input.seed, index));
  return checkLedger(report, mock, sent, input.possiblyDuplicated);
}
