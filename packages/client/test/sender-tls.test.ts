import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { MockServer } from '@apnskit/mock-server';
import { isApnsTlsError } from '@apnskit/tls';
import { createSender } from '../src/index.js';
import { addressOf, checkLedger, sendAll, startMock, tlsOf, tokens, within } from './helpers.js';

const test = suite<{ mock: MockServer }>('sender tls and options');

test.before(async (context) => {
  context.mock = await startMock({ enforceEnvironment: true });
});
test.before.each(({ mock }) => mock.reset());
test.after(async ({ mock }) => {
  await mock.close();
});

const quick = { probeTimeoutMs: 3000, closeGraceMs: 100, reconnectLimit: 2, backoff: { initialMs: 5, maxMs: 20 }, maxRetries: 2 } as const;

test('bad credentials throw ApnsTlsError before any connection', ({ mock }) => {
  assert.throws(() => createSender({ address: addressOf(mock), tls: { cert: '/no/such/cert.pem', key: '/no/such/key.pem' } }), isApnsTlsError);
  assert.is(mock.stats().connections, 0);
});

test('bad options throw APNS_ERR_INVALID_OPTION', ({ mock }) => {
  const base = { address: addressOf(mock), tls: tlsOf(mock) };
  for (const bad of [{ connections: 0 }, { highWaterMark: -1 }, { silentClose: 'drop' }, { format: 'json' }, { maxRetries: 1.5 }]) {
    assert.throws(() => createSender({ ...base, ...(bad as object) }), (error: { code?: string }) => error.code === 'APNS_ERR_INVALID_OPTION');
  }
  assert.throws(() => createSender(null as never), (error: { code?: string }) => error.code === 'APNS_ERR_INVALID_OPTION');
});

test('a server certificate that does not verify: the sender gives up and reports every notification unconfirmed', async ({ mock }) => {
  const sender = createSender({ address: addressOf(mock), tls: { cert: mock.certs.clientCert, key: mock.certs.clientKey }, ...quick });
  const errors: Error[] = [];
  sender.on('error', (error) => errors.push(error));
  const disconnectErrors: (Error | undefined)[] = [];
  sender.on('disconnect', ({ error }) => disconnectErrors.push(error));
  const list = tokens(100, 0x700);
  await within(sendAll(sender, list));
  const report = await within(sender.close());
  assert.is(report.delivered, 0);
  assert.is(report.unconfirmed.length, 100);
  assert.ok(report.unconfirmed.every((entry) => entry.reason === 'connect-failed'));
  assert.is((errors[0] as { code?: string }).code, 'APNS_ERR_RECONNECT_LIMIT');
  // Each failed attempt says why, so that a CLI or a log can name the exact reason.
  assert.ok(disconnectErrors.length > 0 && disconnectErrors.every((error) => error instanceof Error && /certificate/i.test(error.message)));
  assert.throws(() => sender.send({ token: list[0], payload: '{}' }), (error: { code?: string }) => error.code === 'APNS_ERR_SENDER_CLOSED');
});

test('wrong environment (production certificate on the sandbox gateway): closed at once, nothing claimed', async ({ mock }) => {
  const sender = createSender({
    address: addressOf(mock),
    tls: { cert: mock.certs.productionClientCert, key: mock.certs.productionClientKey, ca: mock.certs.ca },
    ...quick,
  });
  const list = tokens(200, 0x701);
  await within(sendAll(sender, list));
  const report = await within(sender.close());
  checkLedger(report, mock, list, new Set());
  assert.is(report.delivered, 0);
  assert.is(report.unconfirmedCount, 200);
  assert.is(mock.notifications.length, 0);
});

test('no server at all: connection refused, reported, the process exits cleanly', async ({ mock }) => {
  const sender = createSender({ address: { host: '127.0.0.1', port: 1 }, tls: tlsOf(mock), ...quick });
  await within(sendAll(sender, tokens(10, 0x702)));
  const report = await within(sender.close());
  assert.is(report.unconfirmedCount, 10);
});

test.run();
