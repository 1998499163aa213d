// PING as the HTTP/2 sender's health check: a connection whose peer stops acknowledging PINGs is
// ended, its streams in flight are resent as possibly delivered, and the ledger still balances.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { MockServer } from '@apnskit/mock-server';
import { createSender } from '../src/index.js';
import { checkH2Ledger, H2_TRANSPORTS, h2Options, sendTokens, useHttp2Mock, useTransport, watchH2Duplicates } from './h2-helpers.js';
import { tokens, within } from './helpers.js';

for (const transport of H2_TRANSPORTS) {
  const test = suite<{ mock: MockServer }>(`http2 sender ping (${transport})`);
  useTransport(test, transport);
  useHttp2Mock(test);

  test('a PING never acknowledged ends the connection mid-run (cause ping-timeout); its streams go out again and none is lost', async ({ mock }) => {
    const list = tokens(200, 0x3a0);
    // The first connection answers streams, slowly, but never a PING; later ones behave.
    mock.faults.add({ type: 'ignore-ping' });
    mock.faults.add({ type: 'delay-answer', ms: 150, repeat: true });
    const sender = createSender(h2Options(mock, { pingIntervalMs: 50, pingTimeoutMs: 100 }));
    const causes: string[] = [];
    sender.on('disconnect', ({ cause }) => causes.push(cause));
    const duplicates = watchH2Duplicates(sender);
    await within(sendTokens(sender, list));
    const report = await within(sender.close());
    checkH2Ledger(report, mock, list, duplicates);
    assert.ok(causes.includes('ping-timeout'), causes.join());
    assert.is(report.delivered, 200);
    assert.is(report.unconfirmed.length, 0);
    assert.ok(report.connections >= 2, `a fresh connection took over: ${report.connections}`);
    assert.ok(report.resent > 0, 'the streams in flight on the silent connection were resent');
    assert.is(report.possiblyDuplicated, duplicates.size);
  });

  test('PINGs that are acknowledged keep a quiet connection: one connection for spaced sends', async ({ mock }) => {
    const sender = createSender(h2Options(mock, { pingIntervalMs: 30, pingTimeoutMs: 500 }));
    const causes: string[] = [];
    sender.on('disconnect', ({ cause }) => causes.push(cause));
    const list = tokens(3, 0x3a1);
    for (const token of list) {
      await within(sendTokens(sender, [token]));
      await new Promise((resolve) => setTimeout(resolve, 120));
    }
    const report = await within(sender.close());
    checkH2Ledger(report, mock, list);
    assert.is(report.delivered, 3);
    assert.is(report.connections, 1);
    assert.not.ok(causes.includes('ping-timeout'), causes.join());
  });

  test.run();
}
