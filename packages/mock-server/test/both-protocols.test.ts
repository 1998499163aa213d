// The README's side-by-side example: one scripted fault, the same test over each protocol.
import { connect as h2Connect } from 'node:http2';
import { connect as tlsConnect } from 'node:tls';
import { encodeNotification } from '@apnskit/codec';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createMockServer } from '../src/index.js';

const good = '740f4707bebcf74f9b7c25d48e3358945f6aa01da5ddb387462c7eaf61bb78ad';
const gone = 'aa'.repeat(32);
const fault = { type: 'reject-token', token: gone, status: 8 } as const; // 8 on the gateway, 410 Unregistered on HTTP/2

test('binary gateway: the token is rejected with status 8', async () => {
  const mock = await createMockServer({ faults: [fault] });
  const { ca, clientCert: cert, clientKey: key } = mock.certs;
  const socket = tlsConnect({ host: mock.host, port: mock.gateway.port, ca, cert, key });
  const answer = new Promise<Buffer>((resolve) => socket.once('data', resolve));
  socket.write(Buffer.concat([good, gone].map((token, id) => encodeNotification({ token, payload: { aps: { alert: 'Hi' } }, id }))));
  assert.equal([...(await answer)], [8, 8, 0, 0, 0, 1]); // command 8, status 8, identifier 1
  assert.equal(mock.notifications.map((n) => n.token), [good]);
  socket.destroy();
  await mock.close();
});

test('HTTP/2: the token is rejected with 410 Unregistered and a timestamp', async () => {
  const mock = await createMockServer({ faults: [fault] });
  const { ca, clientCert: cert, clientKey: key } = mock.certs;
  const session = h2Connect(`https://localhost:${mock.http2.port}`, { ca, cert, key });
  const push = (token: string) =>
    new Promise<{ status: number; body: string }>((resolve) => {
      const stream = session.request({ ':method': 'POST', ':path': `/3/device/${token}`, 'apns-push-type': 'alert' });
      let status = 0;
      let body = '';
      stream.on('response', (headers) => (status = Number(headers[':status'])));
      stream.on('data', (chunk) => (body += chunk));
      stream.on('end', () => resolve({ status, body }));
      stream.end(JSON.stringify({ aps: { alert: 'Hi' } }));
    });
  assert.is((await push(good)).status, 200);
  const rejected = await push(gone);
  assert.is(rejected.status, 410);
  assert.is(JSON.parse(rejected.body).reason, 'Unregistered');
  assert.equal(mock.notifications.map((n) => n.token), [good]);
  session.close();
  await mock.close();
});

test.run();
