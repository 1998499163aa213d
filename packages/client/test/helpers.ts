import * as assert from 'uvu/assert';
import { createMockServer, type MockServer } from '@apnskit/mock-server';
import type { ApnsTlsOptions } from '@apnskit/tls';
import type { Sender, SenderReport } from '../src/index.js';

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
export function watchDuplicates(sender: Sender): Set<string> {
  const possible = new Set<string>();
  sender.on('resent', (event) => {
    if (event.possiblyDelivered) for (const notification of event.notifications) possible.add(notification.token);
  });
  return possible;
}

export interface LedgerCounts {
  readonly accepted: number;
  readonly failed: number;
  readonly unconfirmed: number;
  readonly duplicates: number;
}

/**
 * The whole ledger: every sent token is delivered (held by the mock), failed, or unconfirmed;
 * the report's delivered count matches the mock; the mock holds no token twice unless the sender
 * reported it possibly duplicated; nothing the mock holds was never sent.
 */
export function checkLedger(report: SenderReport, mock: MockServer, sent: readonly string[], possiblyDuplicated: ReadonlySet<string>): LedgerCounts {
  const held = new Map<string, number>();
  for (const notification of mock.notifications) held.set(notification.token, (held.get(notification.token) ?? 0) + 1);
  const failed = new Set(report.failed.map((entry) => entry.notification.token));
  const unconfirmed = new Set(report.unconfirmed.map((entry) => entry.notification.token));
  assert.is(report.sent, sent.length, 'report.sent');
  assert.is(report.delivered + report.failed.length + report.unconfirmedCount, sent.length, 'delivered + failed + unconfirmed = sent');
  let duplicates = 0;
  const sentSet = new Set(sent);
  for (const [token, copies] of held) {
    assert.ok(sentSet.has(token), `the mock holds ${token}, which was never sent`);
    // A copy resent after a silent close may be rejected while the first copy arrived: allowed only then.
    if (!possiblyDuplicated.has(token)) assert.not.ok(failed.has(token), `${token} is both held by the mock and reported failed`);
    if (copies > 1) {
      assert.ok(possiblyDuplicated.has(token), `${token} arrived ${copies} times but was not reported possibly duplicated`);
      duplicates += copies - 1;
    }
  }
  for (const token of sent) {
    const outcomes = (held.has(token) ? 1 : 0) + (failed.has(token) ? 1 : 0);
    if (outcomes === 0) assert.ok(unconfirmed.has(token) || report.forgotten > 0, `${token} was lost: neither delivered, failed nor unconfirmed`);
  }
  // Held and failed: a possibly duplicated copy was rejected after the first arrived (reported failed).
  const heldAndFailed = [...held.keys()].filter((token) => failed.has(token)).length;
  if (report.unconfirmedCount === 0) assert.is(report.delivered, held.size - heldAndFailed, 'delivered = distinct tokens the mock holds');
  assert.ok(report.possiblyDuplicated >= possiblyDuplicated.size, 'possiblyDuplicated counts every notification resent as possibly delivered');
  return { accepted: held.size, failed: failed.size, unconfirmed: report.unconfirmedCount, duplicates };
}

/** Sends every token with the same payload, awaiting backpressure. */
export async function sendAll(sender: Sender, list: readonly string[], payload = PAYLOAD): Promise<void> {
  for (const token of list) await sender.send({ token, payload });
}
