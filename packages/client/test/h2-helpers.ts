import type { Test } from 'uvu';
import * as assert from 'uvu/assert';
import type { MockServer } from '@apnskit/mock-server';
import { startMock, within } from './helpers.js';
import type { Http2Sender, Http2SenderOptions, Http2SenderReport } from '../src/index.js';

/** Every HTTP/2 suite runs on both transports: node:http2 is the reference the direct path must match. */
export const H2_TRANSPORTS = ['direct', 'node-http2'] as const;
export type H2Transport = (typeof H2_TRANSPORTS)[number];
let transportUnderTest: H2Transport = 'direct';

/** The transport of the test running now (set by useTransport before each test). */
export function currentTransport(): H2Transport {
  return transportUnderTest;
}

/** Makes each test of `test` run on `transport` (h2Options and currentTransport() follow it). */
export function useTransport<T>(test: Test<T>, transport: H2Transport): void {
  test.before.each(() => {
    transportUnderTest = transport;
  });
}

/** Options for an HTTP/2 sender with token auth against the mock, with short timers for tests. */
export function h2Options(mock: MockServer, extra: Partial<Http2SenderOptions> = {}): Http2SenderOptions {
  const key = mock.http2.defaultKey;
  return {
    protocol: 'h2',
    transport: transportUnderTest,
    address: { host: mock.host, port: mock.http2.port },
    token: { key: key.path as string, keyId: key.keyId, teamId: key.teamId },
    tls: { ca: mock.certs.ca },
    topic: mock.certs.topic,
    requestTimeoutMs: 3000,
    retryBackoff: { initialMs: 5, maxMs: 20 },
    backoff: { initialMs: 5, maxMs: 20 },
    reconnectLimit: 3,
    ...extra,
  };
}

/** Collects the tokens resent as possibly delivered (the only ones the mock may hold twice). */
export function watchH2Duplicates(sender: Http2Sender): Set<string> {
  const possible = new Set<string>();
  sender.on('resent', (event) => {
    if (event.possiblyDelivered) for (const notification of event.notifications) possible.add(notification.token);
  });
  return possible;
}

/**
 * The whole ledger against what the mock recorded: each sent token is delivered (held by the mock),
 * failed or unconfirmed, exactly once in the report; the mock holds nothing never sent and nothing
 * twice unless it was resent as possibly delivered; delivered = distinct tokens held.
 */
export function checkH2Ledger(report: Http2SenderReport, mock: MockServer, sent: readonly string[], possiblyDuplicated: ReadonlySet<string> = new Set()): void {
  const held = new Map<string, number>();
  for (const notification of mock.notifications) if (notification.format === 'h2') held.set(notification.token, (held.get(notification.token) ?? 0) + 1);
  const failed = new Set(report.failed.map((entry) => entry.notification.token));
  const unconfirmed = new Set(report.unconfirmed.map((entry) => entry.notification.token));
  assert.is(report.sent, sent.length, 'report.sent');
  assert.is(report.delivered + report.failed.length + report.unconfirmedCount, sent.length, 'delivered + failed + unconfirmed = sent');
  assert.is(failed.size, report.failed.length, 'no token failed twice');
  assert.is(unconfirmed.size, report.unconfirmed.length, 'no token unconfirmed twice');
  const sentSet = new Set(sent);
  for (const [token, copies] of held) {
    assert.ok(sentSet.has(token), `the mock holds ${token}, which was never sent`);
    assert.not.ok(failed.has(token), `${token} is held by the mock and reported failed`);
    if (copies > 1) assert.ok(possiblyDuplicated.has(token), `${token} arrived ${copies} times but was not resent as possibly delivered`);
  }
  let heldAndUnconfirmed = 0;
  for (const token of sent) {
    const outcomes = (failed.has(token) ? 1 : 0) + (unconfirmed.has(token) ? 1 : 0);
    if (held.has(token)) {
      // Unconfirmed and held: a timed-out stream APNs did process, which the report cannot know.
      if (unconfirmed.has(token)) heldAndUnconfirmed += 1;
    } else {
      assert.is(outcomes, 1, `${token} was lost: neither held, failed nor unconfirmed`);
    }
  }
  assert.is(report.delivered, held.size - heldAndUnconfirmed, 'delivered = distinct tokens the mock holds');
}

export async function sendTokens(sender: Http2Sender, list: readonly string[], payload: object = { aps: { alert: 'Hello' } }): Promise<void> {
  for (const token of list) await sender.send({ token, payload });
}

/** Sends `list` until the sender stops it; resolves with what stopped it (undefined when all went out). */
export async function sendUntilStopped(sender: Http2Sender, list: readonly string[]): Promise<unknown> {
  try {
    await within(sendTokens(sender, list));
    return undefined;
  } catch (error) {
    return error;
  }
}

/** One mock per suite (short close grace), reset with its full stream limit before each test. */
export function useHttp2Mock(test: Test<{ mock: MockServer }>): void {
  test.before(async (context) => {
    context.mock = await startMock({ closeGraceMs: 100 });
  });
  test.before.each(({ mock }) => {
    mock.reset();
    mock.http2.setMaxConcurrentStreams(1000);
  });
  test.after(async ({ mock }) => {
    await mock.close();
  });
}
