import assert from 'node:assert/strict';
import { createSender } from '@apnskit/client';
import { createMockServer } from '@apnskit/mock-server';

const badToken = 'b'.repeat(64);
const mock = await createMockServer(); // gateway and feedback on free ports, certificates made at start
mock.faults.add({ type: 'reject-token', token: badToken, status: 8, feedback: true });

const sender = createSender({
  address: { host: mock.host, port: mock.gateway.port },
  tls: { cert: mock.certs.clientCert, key: mock.certs.clientKey, ca: mock.certs.ca },
});
for (const token of ['a'.repeat(64), badToken, 'c'.repeat(64)]) {
  await sender.send({ token, payload: { aps: { alert: 'Hi' } } });
}
const report = await sender.close();

assert.equal(report.delivered, 2);
assert.deepEqual(report.failed.map(({ notification, status }) => [notification.token, status]), [[badToken, 8]]);
assert.deepEqual(mock.notifications.map(({ token }) => token[0]), ['a', 'c']); // the one after the bad token was resent
await mock.close();
console.log('mock test passed');
