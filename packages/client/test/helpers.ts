import * as assert from 'uvu/assert';
import { createMockServer, type MockServer } from '@apnskit/mock-server';
import type { ApnsTlsOptions } from '@apnskit/tls';
import type { Sender, SenderReport } from '../src/index.js';
import { checkLedger as checkWholeLedger, watchPossibleDuplicates } from '../src/testing/index.js';

/** Every wait in these tests is bounded by this hang guard. */
export const HANG_GUARD_MS = 20_000;

export function startMock(options: Parameters<typeof createMockServer>[0] = {}): Promise<MockServer> {
  return createMockServer(options);
}

export function tlsOf(mock: MockServer): ApnsTlsOptions {
  return { cert: mock.certs.clientCert, key: mock.certs.clientKey, ca: mock.certs.ca };
}

export function addressOf(mock: MockServer): { host: string; port: number } {
  return { host: mock.host, port: mock.gateway.port };
}

/** `count` distinct hex tokens; `tag` keeps sets of different tests apart. */
export function tokens(count: number, tag = 1): string[] {
  return Array.from({ length: count }, (_, index) => tag.toString(16).padStart(8, '0') + index.toString(16).padStart(56, '0'));
}

export const PAYLOAD = JSON.stringify({ aps: { alert: 'Hello', badge: 1 } });

/** Rejects after `ms` so that no test can hang. */
export function within<T>(promise: Promise<T>, ms = HANG_GUARD_MS, what = 'operation'): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const guard = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
  });
  return Promise.race([promise, guard]).finally(() => clearTimeout(timer));
}

/** Collects the tokens the sender resent as possibly delivered (the only ones allowed twice). */
export const watchDuplicates = watchPossibleDuplicates;

export interface LedgerCounts {
  readonly accepted: number;
  readonly failed: number;
  readonly unconfirmed: number;
  readonly duplicates: number;
}

/** The whole ledger (see checkLedger in src/testing): fails the test on any problem, else returns the counts. */
export function checkLedger(report: SenderReport, mock: MockServer, sent: readonly string[], possiblyDuplicated: ReadonlySet<string>): LedgerCounts {
  const check = checkWholeLedger(report, mock, sent, possiblyDuplicated);
  assert.equal(check.problems, [], 'the ledger closes');
  return { accepted: check.recorded, failed: report.failed.length, unconfirmed: report.unconfirmedCount, duplicates: check.duplicates };
}

/** Sends every token with the same payload, awaiting backpressure. */
export async function sendAll(sender: Sender, list: readonly string[], payload = PAYLOAD): Promise<void> {
  for (const token of list) await sender.send({ token, payload });
}
