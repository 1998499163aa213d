// The HTTP/2 sender against the HTTP/2 mock: answers, 410s, retries, and the whole ledger each time.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { MockServer } from '@apnskit/mock-server';
import { createSender, type Http2SenderReport, type UnregisteredEvent } from '../src/index.js';
import { checkH2Ledger, currentTransport, H2_TRANSPORTS, h2Options, sendTokens, useHttp2Mock, useTransport } from './h2-helpers.js';
import { tokens, within } from './helpers.js';

for (const transport of H2_TRANSPORTS) {
  const test = suite<{ mock: MockServer }>(`http2 sender (${transport})`);
  useTransport(test, transport);
  useHttp2Mock(test);

  test('writeMany: one notification to many packed tokens, each its own request, the whole ledger closes', async ({ mock }) => {
    const list = tokens(200, 0x2a1);
    mock.faults.add({ type: 'reject-token', token: list[50]!, reason: 'BadDeviceToken' });
    const sender = createSender(h2Options(mock));
    const packed = Buffer.from(list.join(''), 'hex');
    sender.writeMany({ payload: { aps: { alert: 'many' } }, expiration: 0 }, packed);
    packed.fill(0); // the sender copied the tokens at once
    assert.throws(() => sender.writeMany({ payload: { aps: {} } }, packed.subarray(0, 31)), (error: { code?: string }) => error.code === 'APNS_ERR_INVALID_NOTIFICATION');
    assert.throws(() => sender.writeMany({ payload: '' }, packed.subarray(0, 64)), (error: { code?: string }) => error.code === 'APNS_ERR_INVALID_NOTIFICATION');
    assert.is(sender.stats().sent, 200, 'bad input queued nothing');
    const report = await within(sender.close());
    checkH2Ledger(report, mock, list);
    assert.is(report.delivered, 199);
    assert.equal(report.failed.map((entry) => entry.notification.token), [list[50]]);
    assert.throws(() => sender.writeMany({ payload: { aps: {} } }, packed), (error: { code?: string }) => error.code === 'APNS_ERR_SENDER_CLOSED');
  });

  test('token auth: every notification delivered, a 410 failed with its timestamp and an unregistered event', async ({ mock }) => {
    const list = tokens(300, 0x201);
    const gone = list[7]!;
    mock.faults.add({ type: 'reject-token', token: gone, reason: 'Unregistered' });
    const sender = createSender(h2Options(mock));
    const unregistered: UnregisteredEvent[] = [];
    sender.on('unregistered', (event) => unregistered.push(event));
    const connected: number[] = [];
    sender.on('connect', ({ connection }) => connected.push(connection));
    await within(sendTokens(sender, list));
    const report = await within(sender.close());
    checkH2Ledger(report, mock, list);
    assert.is(report.delivered, 299);
    assert.is(report.failed.length, 1);
    const [failed] = report.failed;
    assert.is(failed!.status, 410);
    assert.is(failed!.reason, 'Unregistered');
    assert.is(failed!.name, 'Unregistered');
    assert.is(failed!.info.action, 'drop');
    assert.ok(failed!.timestamp instanceof Date && Math.abs(failed!.timestamp.getTime() - Date.now()) < 60_000);
    assert.ok(typeof failed!.apnsId === 'string' && failed!.apnsId.length === 36);
    assert.equal(unregistered.map((event) => event.token), [gone]);
    assert.is(unregistered[0]!.timestamp.getTime(), failed!.timestamp!.getTime());
    const recorded = mock.notifications.find((notification) => notification.format === 'h2');
    assert.ok(recorded && recorded.format === 'h2');
    if (recorded.format === 'h2') {
      assert.is(recorded.topic, mock.certs.topic);
      assert.is(recorded.pushType, 'alert');
      assert.is(recorded.auth, 'token');
    }
    assert.is(report.connections, 1);
    assert.equal(connected, [1]);
    assert.is(report.resent, 0);
  });

  test('headers from the message: push type inferred, background at priority 5, topic suffix, collapse id, expiration', async ({ mock }) => {
    const sender = createSender(h2Options(mock));
    const [alert, background, voip] = tokens(3, 0x202);
    await sender.send({ token: alert!, payload: { aps: { alert: 'hi' } }, collapseId: 'group-1', expiration: new Date(2_000_000_000_000) });
    await sender.send({ token: background!, payload: '{"aps":{"content-available":1}}' });
    await sender.send({ token: voip!, payload: { call: 1 }, pushType: 'voip', apnsId: '123e4567-e89b-12d3-a456-426614174000' });
    const report = await within(sender.close());
    checkH2Ledger(report, mock, [alert!, background!, voip!]);
    const byToken = new Map(mock.notifications.map((notification) => [notification.token, notification]));
    const first = byToken.get(alert!);
    const second = byToken.get(background!);
    const third = byToken.get(voip!);
    assert.ok(first?.format === 'h2' && second?.format === 'h2' && third?.format === 'h2');
    if (first?.format !== 'h2' || second?.format !== 'h2' || third?.format !== 'h2') return;
    assert.is(first.collapseId, 'group-1');
    assert.is(first.expiration, 2_000_000_000);
    assert.is(second.pushType, 'background');
    assert.is(second.priority, 5);
    assert.is(third.topic, `${mock.certs.topic}.voip`);
    assert.is(third.apnsId, '123e4567-e89b-12d3-a456-426614174000');
  });

  test('bad notifications throw APNS_ERR_INVALID_NOTIFICATION and queue nothing', ({ mock }) => {
    const sender = createSender(h2Options(mock));
    const token = tokens(1, 0x203)[0]!;
    const bad = [
      { token: 'xyz', payload: {} },
      { token, payload: '' },
      { token, payload: 'not json' },
      { token, payload: { big: 'x'.repeat(5000) } },
      { token, payload: {}, pushType: 'fax' },
      { token, payload: {}, pushType: 'background', priority: 10 },
      { token, payload: {}, topic: 'com.example.app.voip' },
      { token, payload: {}, collapseId: 'c'.repeat(65) },
      { token, payload: {}, apnsId: 'nope' },
      { token, payload: {}, expiration: -1 },
    ];
    for (const notification of bad) {
      assert.throws(() => sender.write(notification as never), (error: { code?: string }) => error.code === 'APNS_ERR_INVALID_NOTIFICATION', JSON.stringify(notification).slice(0, 80));
    }
    assert.is(sender.stats().sent, 0);
    return sender.close().then((report: Http2SenderReport) => assert.is(report.sent, 0));
  });

  test('no retry for drop and fix reasons: BadDeviceToken and PayloadTooLarge fail at once', async ({ mock }) => {
    const list = tokens(20, 0x204);
    mock.faults.add({ type: 'reject-token', token: list[3]!, reason: 'BadDeviceToken' });
    mock.faults.add({ type: 'reject-token', token: list[4]!, reason: 'DeviceTokenNotForTopic' });
    const sender = createSender(h2Options(mock));
    await within(sendTokens(sender, list));
    const report = await within(sender.close());
    checkH2Ledger(report, mock, list);
    assert.equal(report.failed.map((entry) => [entry.status, entry.reason]), [[400, 'BadDeviceToken'], [400, 'DeviceTokenNotForTopic']]);
    assert.is(report.resent, 0);
  });

  test('429, 500 and 503 are resent after a backoff and then succeed', async ({ mock }) => {
    const list = tokens(40, 0x205);
    mock.faults.addAll([
      { type: 'reject-nth', n: 3, reason: 'TooManyRequests' },
      { type: 'reject-nth', n: 5, reason: 'InternalServerError' },
      { type: 'reject-nth', n: 7, reason: 'ServiceUnavailable' },
    ]);
    const sender = createSender(h2Options(mock));
    await within(sendTokens(sender, list));
    const report = await within(sender.close());
    checkH2Ledger(report, mock, list);
    assert.is(report.delivered, 40);
    assert.is(report.resent, 3);
    assert.is(report.possiblyDuplicated, 0);
    // 503 asks for a new connection.
    assert.ok(report.connections >= 2);
  });

  test('retries are bounded: a 500 every time fails after maxRetries resends', async ({ mock }) => {
    const list = tokens(3, 0x206);
    mock.faults.add({ type: 'reject-nth', n: 1, reason: 'InternalServerError', repeat: true });
    const sender = createSender(h2Options(mock, { maxRetries: 2 }));
    await within(sendTokens(sender, list));
    const report = await within(sender.close());
    checkH2Ledger(report, mock, list);
    assert.is(report.failed.length, 3);
    assert.ok(report.failed.every((entry) => entry.status === 500 && entry.reason === 'InternalServerError'));
    assert.is(report.resent, 6);
  });

  test('certificate auth: topic from the certificate UID, same report', async ({ mock }) => {
    const list = tokens(50, 0x207);
    const sender = createSender({
      protocol: 'h2',
      transport: currentTransport(),
      address: { host: mock.host, port: mock.http2.port },
      tls: { cert: mock.certs.clientCert, key: mock.certs.clientKey, ca: mock.certs.ca },
    });
    await within(sendTokens(sender, list));
    const report = await within(sender.close());
    checkH2Ledger(report, mock, list);
    assert.is(report.delivered, 50);
    const recorded = mock.notifications[0];
    assert.ok(recorded?.format === 'h2' && recorded.auth === 'certificate' && recorded.topic === mock.certs.topic);
  });

  test('backpressure: send() waits at the high-water mark; write()/ready() as on the binary sender', async ({ mock }) => {
    const list = tokens(200, 0x208);
    const sender = createSender(h2Options(mock, { highWaterMark: 16 }));
    let refused = 0;
    for (const token of list) {
      if (!sender.write({ token, payload: { aps: { alert: 'x' } } })) {
        refused += 1;
        assert.ok(sender.stats().queued >= 16);
        await within(sender.ready());
      }
    }
    assert.ok(refused > 0);
    const report = await within(sender.close());
    checkH2Ledger(report, mock, list);
    assert.throws(() => sender.write({ token: list[0]!, payload: {} }), (error: { code?: string }) => error.code === 'APNS_ERR_SENDER_CLOSED');
  });

  test('a pool of connections shares the queue; PINGs are answered and nothing else changes', async ({ mock }) => {
    const list = tokens(3000, 0x209);
    mock.faults.add({ type: 'delay-answer', ms: 1, maxMs: 5, repeat: true });
    const sender = createSender(h2Options(mock, { connections: 3, pingIntervalMs: 10, pingTimeoutMs: 2000 }));
    const connected: number[] = [];
    sender.on('connect', ({ connection }) => connected.push(connection));
    await within(sendTokens(sender, list));
    const report = await within(sender.close());
    checkH2Ledger(report, mock, list);
    assert.is(report.delivered, 3000);
    assert.is(report.connections, 3);
    assert.equal(connected.sort(), [1, 2, 3]);
    const perConnection = new Map<number, number>();
    for (const notification of mock.notifications) perConnection.set(notification.connection, (perConnection.get(notification.connection) ?? 0) + 1);
    assert.is(perConnection.size, 3, 'every connection carried notifications');
  });

  test('options are checked: bad ones throw APNS_ERR_INVALID_OPTION before any connection', ({ mock }) => {
    const base = h2Options(mock);
    for (const bad of [{ connections: 0 }, { requestTimeoutMs: 0 }, { maxRetries: -1 }, { clock: 5 }, { highWaterMark: 1.5 }]) {
      assert.throws(() => createSender({ ...base, ...(bad as object) }), (error: { code?: string }) => error.code === 'APNS_ERR_INVALID_OPTION', JSON.stringify(bad));
    }
    assert.throws(() => createSender(null as never), (error: { code?: string }) => error.code === 'APNS_ERR_INVALID_OPTION');
    assert.is(mock.http2.stats().connections, 0);
  });

  test('keepDelivered, byte tokens, the key as bytes, a host:port address: the same report', async ({ mock }) => {
    const { readFileSync } = await import('node:fs');
    const key = mock.http2.defaultKey;
    const list = tokens(4, 0x20a);
    const sender = createSender(
      h2Options(mock, {
        keepDelivered: true,
        address: `${mock.host}:${mock.http2.port}`,
        token: { key: readFileSync(key.path as string), keyId: key.keyId, teamId: key.teamId },
      }),
    );
    for (const token of list) await sender.send({ token: Buffer.from(token, 'hex'), payload: Buffer.from('{"aps":{"alert":"x"}}'), expiry: 0, priority: 5 });
    const report = await within(sender.close());
    checkH2Ledger(report, mock, list);
    assert.equal(report.deliveredNotifications?.map((notification) => notification.token).sort(), [...list].sort());
    assert.ok(report.deliveredNotifications?.every((notification) => notification.priority === 5 && notification.expiration === 0));
  });

  test('the environment names the provider API host; an explicit address wins', async () => {
    const { resolveHttp2Address } = await import('../src/h2/endpoints.js');
    assert.equal(resolveHttp2Address(undefined, undefined), { host: 'api.sandbox.push.apple.com', port: 443 });
    assert.equal(resolveHttp2Address('production', undefined), { host: 'api.push.apple.com', port: 443 });
    assert.equal(resolveHttp2Address('production', 'localhost'), { host: 'localhost', port: 443 });
    assert.equal(resolveHttp2Address('sandbox', { host: 'h', port: 2197 }), { host: 'h', port: 2197 });
  });

  test.run();
}
