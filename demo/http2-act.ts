// Act 4: Apple's HTTP/2 provider API: token auth, an uninstalled app (410), a GOAWAY survived.
import { createSender, type Http2SenderReport } from '@apnskit/client';
import type { MockServer } from '@apnskit/mock-server';
import { count, shortToken, step } from './display.js';

export interface Http2ActResult {
  readonly report: Http2SenderReport;
  /** Every notification delivered (held once by the mock), failed, or listed unconfirmed. */
  readonly ledgerClosed: boolean;
}

/** Where the uninstalled app sits in the batch, and when Apple sends GOAWAY, as fractions of it. */
const GONE_AT = 0.25;
const GOAWAY_AT = 0.5;

export async function http2Act(mock: MockServer, tokens: readonly string[]): Promise<Http2ActResult> {
  const total = tokens.length;
  const gone = tokens[Math.floor(total * GONE_AT)]!;
  const goawayAt = Math.floor(total * GOAWAY_AT);
  mock.faults.add({ type: 'reject-token', token: gone, reason: 'Unregistered' });
  mock.faults.add({ type: 'goaway-after', n: goawayAt, reason: 'Shutdown' });
  const key = mock.http2.defaultKey;
  step('script', `${shortToken(gone)} uninstalled (410 Unregistered); GOAWAY {"reason":"Shutdown"} at the ${count(goawayAt)}th stream`);
  step('auth', `provider token: ${key.path} (key ${key.keyId}, team ${key.teamId}), ES256, one token per connection`);

  const sender = createSender({
    protocol: 'h2',
    address: { host: mock.host, port: mock.http2.port },
    token: { key: key.path as string, keyId: key.keyId, teamId: key.teamId },
    tls: { ca: mock.certs.paths.ca },
    topic: mock.certs.topic,
  });
  sender.on('unregistered', ({ token, reason, timestamp }) => step('410', `${shortToken(token)} ${reason} since ${timestamp.toISOString()} → drop this token`));
  sender.on('disconnect', ({ connection, cause, reason }) => {
    if (cause === 'goaway') step('goaway', `connection ${connection}: GOAWAY ${reason ?? ''}; streams above lastStreamId go to a new connection, the rest are answered`);
  });
  let refused = 0;
  sender.on('resent', ({ cause, count: resent }) => {
    if (cause === 'refused') refused += resent;
  });
  step('send', `${count(total)} notifications over HTTP/2`);
  for (const token of tokens) await sender.send({ token, payload: { aps: { alert: 'Your order has shipped', badge: 1 } } });
  const report = await sender.close();
  step('resent', `${count(refused)} streams Apple never processed (above lastStreamId), sent again on connection 2`);

  const held = new Map<string, number>();
  for (const notification of mock.notifications) held.set(notification.token, (held.get(notification.token) ?? 0) + 1);
  const failed = new Set(report.failed.map(({ notification }) => notification.token));
  const unconfirmed = new Set(report.unconfirmed.map(({ notification }) => notification.token));
  const lost = tokens.filter((token) => !held.has(token) && !failed.has(token) && !unconfirmed.has(token)).length;
  const doubled = [...held.values()].filter((copies) => copies > 1).length;
  return { report, ledgerClosed: lost === 0 && doubled <= report.possiblyDuplicated && report.delivered === held.size };
}
