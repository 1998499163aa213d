import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createMockServer, type MockServer } from '@apnskit/mock-server';
import { feedback, readFeedback, type FeedbackEntry } from '../src/index.js';
import { drain } from './helpers.js';

let mock: MockServer;
const TIMESTAMP = 1_700_000_000;
const token = (index: number): string => index.toString(16).padStart(64, '0');
const queued = (count: number, from = 0) => Array.from({ length: count }, (_, i) => ({ token: token(from + i), timestamp: TIMESTAMP + from + i }));

test.before(async () => {
  mock = await createMockServer();
});
test.after(async () => {
  await mock.close();
});
test.before.each(() => {
  mock.reset();
  mock.configureFeedback({ chunkSize: 0, holdOpen: false });
});

function pemCredentials() {
  return { cert: mock.certs.clientCert, key: mock.certs.clientKey, ca: mock.certs.ca, environment: 'sandbox' as const };
}

function address() {
  return { host: mock.host, port: mock.feedback.port };
}

function expect(entries: FeedbackEntry[], count: number): void {
  assert.is(entries.length, count);
  entries.forEach((entry, i) => {
    assert.is(entry.token, token(i));
    assert.is(entry.timestamp.toISOString(), new Date((TIMESTAMP + i) * 1000).toISOString());
  });
}

test('reads the queued list over mutual TLS, then the list is empty', async () => {
  mock.addFeedback(queued(1000));
  expect(await readFeedback(address(), pemCredentials()), 1000);
  assert.equal(await readFeedback(address(), pemCredentials()), []);
  assert.is(mock.stats().feedbackConnections, 2);
});

test('with the .p12 and its passphrase', async () => {
  mock.addFeedback(queued(3));
  const entries = await readFeedback(address(), { pfx: mock.certs.clientP12, passphrase: mock.certs.p12Passphrase, ca: mock.certs.ca });
  expect(entries, 3);
});

test('tuples written in 7-byte chunks (straddling tuples) are reassembled', async () => {
  mock.configureFeedback({ chunkSize: 7, chunkDelayMs: 0 });
  mock.addFeedback(queued(20));
  expect(await readFeedback(address(), pemCredentials()), 20);
});

test('a mock holding the connection open: the idle timeout ends the read', async () => {
  mock.configureFeedback({ holdOpen: true });
  mock.addFeedback(queued(2));
  const reader = feedback(address(), pemCredentials(), { idleTimeoutMs: 150 });
  const { entries, error } = await drain(reader);
  assert.is(error, undefined);
  expect(entries, 2);
  assert.is(reader.state.endReason, 'idle-timeout');
});

test('a production certificate for the sandbox is refused before connecting', () => {
  assert.throws(
    () => feedback(address(), { cert: mock.certs.productionClientCert, key: mock.certs.productionClientKey, ca: mock.certs.ca, environment: 'sandbox' }),
    (error: { code: string }) => error.code === 'APNS_ERR_TLS_WRONG_ENVIRONMENT',
  );
  assert.is(mock.stats().feedbackConnections, 0);
});

test('without the mock CA the server certificate does not verify', async () => {
  const { error } = await drain(feedback(address(), { cert: mock.certs.clientCert, key: mock.certs.clientKey }));
  assert.is(error?.code, 'APNS_ERR_FEEDBACK_TLS');
});

test.run();
