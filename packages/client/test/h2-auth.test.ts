// HTTP/2 authentication: provider token rotation under an injected clock, ExpiredProviderToken,
// clock skew, the wrong environment, and credentials refused before any connection.
import { generateKeyPairSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { MockServer } from '@apnskit/mock-server';
import { isApnsTlsError } from '@apnskit/tls';
import { createSender, type Http2SenderOptions } from '../src/index.js';
import { checkH2Ledger, currentTransport, H2_TRANSPORTS, h2Options, sendTokens, sendUntilStopped, useTransport } from './h2-helpers.js';
import { startMock, tokens, within } from './helpers.js';

const MINUTE = 60_000;
for (const transport of H2_TRANSPORTS) {
  const test = suite<{ mock: MockServer; offset: { ms: number } }>(`http2 sender auth (${transport})`);
  useTransport(test, transport);

  test.before(async (context) => {
    const offset = { ms: 0 };
    context.offset = offset;
    // One clock for the mock and the sender: both move when a test moves it.
    context.mock = await startMock({ closeGraceMs: 100, clock: () => Date.now() + offset.ms });
  });
  test.before.each(({ mock, offset }) => {
    mock.reset();
    mock.http2.clock.reset();
    offset.ms = 0;
  });
  test.after(async ({ mock }) => {
    await mock.close();
  });

  function clockOf(offset: { ms: number }): () => number {
    return () => Date.now() + offset.ms;
  }

  test('one token per connection, replaced after 50 minutes and never sooner than 20: two hours on one connection, nothing refused', async ({ mock, offset }) => {
    const sender = createSender(h2Options(mock, { clock: clockOf(offset) }));
    const all: string[] = [];
    // Ten-minute steps: a token replaced early would be TooManyProviderTokenUpdates, one kept over an hour ExpiredProviderToken.
    for (let step = 0; step < 13; step += 1) {
      const list = tokens(10, 0x400 + step);
      all.push(...list);
      await within(sendTokens(sender, list));
      await within(mock.waitForNotifications(all.length));
      offset.ms += 10 * MINUTE;
    }
    const report = await within(sender.close());
    checkH2Ledger(report, mock, all);
    assert.is(report.delivered, 130);
    assert.is(report.connections, 1);
    assert.is(mock.stats().rejected, 0);
  });

  test('ExpiredProviderToken: a fresh connection with a fresh token, and one retry', async ({ mock, offset }) => {
    const list = tokens(30, 0x410);
    mock.faults.add({ type: 'reject-nth', n: 10, reason: 'ExpiredProviderToken' });
    const sender = createSender(h2Options(mock, { clock: clockOf(offset) }));
    const causes: string[] = [];
    sender.on('disconnect', ({ cause }) => causes.push(cause));
    await within(sendTokens(sender, list));
    const report = await within(sender.close());
    checkH2Ledger(report, mock, list);
    assert.is(report.delivered, 30);
    assert.is(report.resent, 1);
    assert.is(report.connections, 2);
    assert.ok(causes.includes('token-expired'), causes.join());
  });

  test('clock skew: APNs calls a fresh token expired twice, the sender stops with APNS_ERR_CLOCK_SKEW instead of looping', async ({ mock }) => {
    const list = tokens(40, 0x420);
    // The mock's clock runs two hours ahead of the sender's.
    mock.http2.clock.advance(120 * MINUTE);
    const sender = createSender(h2Options(mock));
    const errors: string[] = [];
    sender.on('error', (error) => errors.push((error as unknown as { code: string }).code));
    const thrown = await sendUntilStopped(sender, list);
    const report = await within(sender.close());
    checkH2Ledger(report, mock, list.slice(0, report.sent));
    assert.equal(errors, ['APNS_ERR_CLOCK_SKEW']);
    assert.ok(report.failed.length >= 1 && report.failed.every((entry) => entry.reason === 'ExpiredProviderToken' && entry.status === 403));
    assert.is(report.delivered, 0);
    assert.ok(report.connections <= 3, `connections ${report.connections}`);
    if (thrown !== undefined) assert.is((thrown as { code?: string }).code, 'APNS_ERR_CLOCK_SKEW');
  });

  test('wrong environment: a key restricted to production on the sandbox stops the sender with what to fix', async ({ mock }) => {
    const key = mock.http2.addKey({ environment: 'production' });
    const list = tokens(20, 0x430);
    const sender = createSender(h2Options(mock, { token: { key: key.path as string, keyId: key.keyId, teamId: key.teamId } }));
    const errors: { code?: string; message: string }[] = [];
    sender.on('error', (error) => errors.push(error as { code?: string; message: string }));
    for (const token of list) sender.write({ token, payload: { aps: { alert: 'x' } } });
    const report = await within(sender.close());
    checkH2Ledger(report, mock, list);
    assert.is(errors.length, 1);
    assert.is(errors[0]!.code, 'APNS_ERR_CONNECTION_REJECTED');
    assert.match(errors[0]!.message, /BadEnvironmentKeyIdInToken/);
    assert.equal(report.failed.map((entry) => [entry.status, entry.reason]), [[403, 'BadEnvironmentKeyIdInToken']]);
    assert.is(report.unconfirmed.length, 19);
  });

  test('wrong environment: a sandbox certificate on the production service stops the sender with BadCertificateEnvironment', async () => {
    const production = await startMock({ closeGraceMs: 100, environment: 'production' });
    try {
      const list = tokens(10, 0x431);
      const sender = createSender({
        protocol: 'h2',
      transport: currentTransport(),
        address: { host: production.host, port: production.http2.port },
        tls: { cert: production.certs.clientCert, key: production.certs.clientKey, ca: production.certs.ca },
      });
      const errors: string[] = [];
      sender.on('error', (error) => errors.push((error as unknown as { code: string }).code));
      for (const token of list) sender.write({ token, payload: { aps: { alert: 'x' } } });
      const report = await within(sender.close());
      checkH2Ledger(report, production, list);
      assert.equal(errors, ['APNS_ERR_CONNECTION_REJECTED']);
      assert.ok(report.failed.length >= 1 && report.failed.every((entry) => entry.status === 403 && entry.reason === 'BadCertificateEnvironment'));
      assert.is(report.failed.length + report.unconfirmed.length, 10);
    } finally {
      await production.close();
    }
  });

  test('bad credentials: a clear typed error before any connection', ({ mock }) => {
    const before = mock.http2.stats().connections;
    const base = h2Options(mock);
    const dir = tmpdir();
    const rsaPath = join(dir, `apnskit-rsa-${process.pid}.p8`);
    writeFileSync(rsaPath, generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' }));
    const garbagePath = join(dir, `apnskit-garbage-${process.pid}.p8`);
    writeFileSync(garbagePath, 'not a key');
    const token = base.token!;
    const providerKey = (error: { code?: string }): boolean => error.code === 'APNS_ERR_PROVIDER_KEY';
    const cases: [Partial<Http2SenderOptions>, (error: { code?: string }) => boolean][] = [
      [{ token: { ...token, key: '/no/such/AuthKey.p8' } }, providerKey],
      [{ token: { ...token, key: rsaPath } }, providerKey],
      [{ token: { ...token, key: garbagePath } }, providerKey],
      [{ token: { ...token, keyId: 'short' } }, providerKey],
      [{ token: { ...token, teamId: 'lower-case' } }, providerKey],
      [{ token: undefined, tls: undefined }, (error) => error.code === 'APNS_ERR_INVALID_OPTION'],
      [{ topic: undefined }, (error) => error.code === 'APNS_ERR_INVALID_OPTION'],
      [{ token: undefined, tls: { cert: '/no/such/cert.pem', key: '/no/such/key.pem' } }, (error) => isApnsTlsError(error)],
      [{ tls: { ca: '/no/such/ca.pem' } }, (error) => isApnsTlsError(error)],
      [{ environment: 'staging' as never }, (error) => error.code === 'APNS_ERR_INVALID_OPTION'],
      [{ tokenRefreshMs: 5 * MINUTE }, (error) => error.code === 'APNS_ERR_INVALID_OPTION'],
    ];
    for (const [override, check] of cases) {
      assert.throws(() => createSender({ ...base, ...override }), check as (error: unknown) => boolean, JSON.stringify(override));
    }
    assert.is(mock.http2.stats().connections, before);
  });

  test('the key as PEM text works as well as its path', async ({ mock }) => {
    const { readFileSync } = await import('node:fs');
    const key = mock.http2.defaultKey;
    const list = tokens(5, 0x440);
    const sender = createSender(h2Options(mock, { token: { key: readFileSync(key.path as string, 'utf8'), keyId: key.keyId, teamId: key.teamId } }));
    await within(sendTokens(sender, list));
    const report = await within(sender.close());
    checkH2Ledger(report, mock, list);
    assert.is(report.delivered, 5);
  });

  test.run();
}
