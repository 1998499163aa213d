// The HTTP/2 sender under every fault the mock scripts, each checked against what the mock recorded.
import { generateKeyPairSync } from 'node:crypto';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { MockServer } from '@apnskit/mock-server';
import { createSender } from '../src/index.js';
import { checkH2Ledger, currentTransport, H2_TRANSPORTS, h2Options, sendTokens, sendUntilStopped, useHttp2Mock, useTransport, watchH2Duplicates } from './h2-helpers.js';
import { tokens, within } from './helpers.js';

for (const transport of H2_TRANSPORTS) {
  const test = suite<{ mock: MockServer }>(`http2 sender faults (${transport})`);
  useTransport(test, transport);
  useHttp2Mock(test);

  test('GOAWAY mid-run with hundreds of streams in flight: those above lastStreamId resent on a new connection, none lost or doubled', async ({ mock }) => {
    for (let round = 0; round < 3; round += 1) {
      mock.reset();
      const list = tokens(1500, 0x300 + round);
      mock.faults.add({ type: 'goaway-after', n: 400 + round * 100, reason: 'Shutdown' });
      const resumed: boolean[] = [];
      mock.removeAllListeners('connection');
      mock.on('connection', (event) => resumed.push(event.resumed));
      const sender = createSender(h2Options(mock));
      const causes: string[] = [];
      sender.on('disconnect', ({ cause, reason }) => causes.push(`${cause}:${reason ?? ''}`));
      const resendCauses = new Map<string, number>();
      sender.on('resent', ({ cause }) => resendCauses.set(cause, (resendCauses.get(cause) ?? 0) + 1));
      const duplicates = watchH2Duplicates(sender);
      await within(sendTokens(sender, list));
      const report = await within(sender.close());
      checkH2Ledger(report, mock, list, duplicates);
      assert.is(report.delivered, 1500);
      // Streams above lastStreamId were never processed: resent as such. Any at or below it that the
      // mock's grace cut off unanswered are resent as possibly delivered.
      assert.ok((resendCauses.get('refused') ?? 0) > 0, `streams above lastStreamId were resent unprocessed: ${JSON.stringify([...resendCauses])}`);
      assert.is(report.possiblyDuplicated, resendCauses.get('connection-lost') ?? 0, JSON.stringify([...resendCauses]));
      assert.ok(report.connections >= 2);
      assert.ok(causes.includes('goaway:Shutdown'), causes.join());
      assert.equal(resumed, [false, ...Array<boolean>(resumed.length - 1).fill(true)], 'each reconnect resumes the TLS session');
      assert.is(report.failed.length, 0);
    }
  });

  test('RST_STREAM: the stream is resent (possibly delivered) and the ledger still balances', async ({ mock }) => {
    const list = tokens(100, 0x310);
    mock.faults.add({ type: 'rst-stream', code: 2 });
    mock.faults.add({ type: 'rst-stream', code: 7 });
    const sender = createSender(h2Options(mock));
    const duplicates = watchH2Duplicates(sender);
    await within(sendTokens(sender, list));
    const report = await within(sender.close());
    checkH2Ledger(report, mock, list, duplicates);
    assert.is(report.delivered, 100);
    assert.is(report.resent, 2);
    assert.is(report.possiblyDuplicated, 1, 'INTERNAL_ERROR may have been processed; REFUSED_STREAM was not');
  });

  test('a stream never answered: unconfirmed after requestTimeoutMs counted from its opening, the rest delivered', async ({ mock }) => {
    const list = tokens(50, 0x320);
    mock.faults.add({ type: 'no-answer' });
    const sender = createSender(h2Options(mock, { requestTimeoutMs: 300 }));
    await within(sendTokens(sender, list));
    const report = await within(sender.close());
    checkH2Ledger(report, mock, list);
    assert.is(report.delivered, 49);
    assert.equal(report.unconfirmed.map((entry) => entry.reason), ['timeout']);
    assert.is(mock.stats().rejected, 0);
  });

  test('a slow queue never times out: the timer starts at the stream, not in the queue (limit 1, slow answers)', async ({ mock }) => {
    const list = tokens(12, 0x330);
    mock.http2.setMaxConcurrentStreams(1);
    mock.faults.add({ type: 'delay-answer', ms: 60, repeat: true });
    const sender = createSender(h2Options(mock, { requestTimeoutMs: 250 }));
    await within(sendTokens(sender, list));
    const report = await within(sender.close());
    checkH2Ledger(report, mock, list);
    // 12 answers of 60 ms in a row take over 700 ms: a timer started at queueing would have fired.
    assert.is(report.delivered, 12);
    assert.is(report.unconfirmed.length, 0);
  });

  test('stream limit 1 then 1000: the sender follows the live SETTINGS and nothing is refused', async ({ mock }) => {
    const list = tokens(400, 0x340);
    mock.http2.setMaxConcurrentStreams(1);
    const sender = createSender(h2Options(mock));
    let raised = false;
    const sending = sendTokens(sender, list);
    await within(mock.waitForNotifications(20));
    mock.http2.setMaxConcurrentStreams(1000);
    raised = true;
    await within(sending);
    const report = await within(sender.close());
    checkH2Ledger(report, mock, list);
    assert.ok(raised);
    assert.is(report.delivered, 400);
    assert.is(report.resent, 0, 'no stream was refused for exceeding the limit');
    assert.is(mock.stats().rejected, 0);
  });

  test('a connection dropped mid-stream: its streams are resent as possibly delivered, none lost', async ({ mock }) => {
    const list = tokens(600, 0x350);
    mock.faults.add({ type: 'close-mid-stream', n: 200 });
    const sender = createSender(h2Options(mock));
    const duplicates = watchH2Duplicates(sender);
    await within(sendTokens(sender, list));
    const report = await within(sender.close());
    checkH2Ledger(report, mock, list, duplicates);
    assert.is(report.delivered, 600);
    assert.ok(report.connections >= 2);
    assert.ok(report.resent > 0);
  });

  test('a GOAWAY for a reason only a fix cures ends the run with a typed error; nothing is lost', async ({ mock }) => {
    const list = tokens(200, 0x360);
    mock.faults.add({ type: 'goaway-after', n: 50, reason: 'BadCertificateEnvironment' });
    const sender = createSender(h2Options(mock));
    const errors: { code?: string; message: string }[] = [];
    sender.on('error', (error) => errors.push(error as { code?: string; message: string }));
    const thrown = await sendUntilStopped(sender, list);
    const report = await within(sender.close());
    const written = list.slice(0, report.sent);
    checkH2Ledger(report, mock, written);
    assert.ok(errors.length === 1 && errors[0]!.code === 'APNS_ERR_CONNECTION_REJECTED' && /BadCertificateEnvironment/.test(errors[0]!.message));
    assert.ok(report.unconfirmed.length > 0 && report.unconfirmed.every((entry) => entry.reason === 'connect-failed'));
    if (thrown !== undefined) assert.is((thrown as { code?: string }).code, 'APNS_ERR_CONNECTION_REJECTED');
  });

  test('nothing listening: the sender gives up after its reconnect limit and reports every notification unconfirmed', async () => {
    const list = tokens(10, 0x370);
    const sender = createSender({ protocol: 'h2', transport: currentTransport(), address: '127.0.0.1:1', token: { key: fakeKeyPem(), keyId: 'ABCDEFGHIJ', teamId: 'TEAM123456' }, topic: 'com.example.app', reconnectLimit: 2, backoff: { initialMs: 1, maxMs: 5 } });
    const errors: string[] = [];
    sender.on('error', (error) => errors.push((error as unknown as { code: string }).code));
    for (const token of list) sender.write({ token, payload: { aps: {} } });
    const report = await within(sender.close());
    assert.is(report.unconfirmedCount, 10);
    assert.ok(report.unconfirmed.every((entry) => entry.reason === 'connect-failed'));
    assert.equal(errors, ['APNS_ERR_RECONNECT_LIMIT']);
    assert.is(report.connections, 3);
  });

  test.run();
}

function fakeKeyPem(): string {
  return generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
}
