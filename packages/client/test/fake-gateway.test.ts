import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createServer as createTcpServer, type Server as TcpServer, type Socket } from 'node:net';
import { createServer, type Server, type TLSSocket } from 'node:tls';
import { once } from 'node:events';
import { createMockServer, type MockCertificates, type MockServer } from '@apnskit/mock-server';
import { encodeErrorResponse } from '@apnskit/codec';
import { createConnection, createSender, type ChannelInactiveEvent, type ConnectionErrorEvent } from '../src/index.js';
import { PAYLOAD, sendAll, tokens, within } from './helpers.js';

/** A TLS server that behaves as each test scripts it: garbage, silence, half packets. */
interface Fake {
  server: Server;
  port: number;
  sockets: Set<TLSSocket>;
}

const test = suite<{ certs: MockCertificates; mock: MockServer }>('client against a scripted gateway');

test.before(async (context) => {
  // Only its certificates are used: the scripted servers below present the same server certificate.
  context.mock = await createMockServer();
  context.certs = context.mock.certs;
});
test.after(async ({ mock }) => {
  await mock.close();
});

async function fake(certs: MockCertificates, onSocket: (socket: TLSSocket) => void): Promise<Fake> {
  const sockets = new Set<TLSSocket>();
  const server = createServer({ key: certs.serverKey, cert: certs.serverCert, ca: certs.ca, requestCert: true, rejectUnauthorized: true }, (socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
    onSocket(socket);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, port: (server.address() as { port: number }).port, sockets };
}

async function stop(fakeServer: Fake): Promise<void> {
  for (const socket of fakeServer.sockets) socket.destroy();
  await new Promise((resolve) => fakeServer.server.close(resolve));
}

function tlsOf(certs: MockCertificates) {
  return { cert: certs.clientCert, key: certs.clientKey, ca: certs.ca };
}

function connectTo(certs: MockCertificates, port: number, exceptions: Error[] = [], errors: ConnectionErrorEvent[] = []) {
  let done!: (event: ChannelInactiveEvent) => void;
  const inactive = new Promise<ChannelInactiveEvent>((resolve) => (done = resolve));
  const connection = createConnection({ host: '127.0.0.1', port }, tlsOf(certs), {
    onChannelInactive: done,
    onException: (error) => exceptions.push(error),
    onError: (event) => errors.push(event),
  }, { closeGraceMs: 300, connectTimeoutMs: 2000 });
  return { connection, inactive };
}

test('random bytes instead of an error packet: a clear error, the tail in doubt, no crash', async ({ certs }) => {
  const server = await fake(certs, (socket) => socket.once('data', () => socket.write(Buffer.from([0x42, 1, 2, 3, 4, 5, 6]))));
  const exceptions: Error[] = [];
  const { connection, inactive } = connectTo(certs, server.port, exceptions);
  for (const token of tokens(10, 1)) connection.send({ token, payload: PAYLOAD });
  const event = await within(inactive);
  assert.is(event.cause, 'garbage');
  assert.is(event.resend.length, 10);
  assert.ok(event.resend.every((message) => message.possiblyDelivered));
  assert.is((exceptions[0] as { code?: string }).code, 'APNS_ERR_GARBAGE_RESPONSE');
  await stop(server);
});

test('half an error packet, then the server closes: counted as garbage, nothing claimed', async ({ certs }) => {
  const server = await fake(certs, (socket) => socket.once('data', () => socket.end(encodeErrorResponse(8, 1).subarray(0, 3))));
  const { connection, inactive } = connectTo(certs, server.port);
  for (const token of tokens(5, 2)) connection.send({ token, payload: PAYLOAD });
  const event = await within(inactive);
  assert.is(event.cause, 'garbage');
  assert.is(event.delivered, 0);
  await stop(server);
});

test('the error packet survives write errors: the server answers and resets while we keep writing', async ({ certs }) => {
  const server = await fake(certs, (socket) =>
    socket.once('data', () => {
      socket.write(encodeErrorResponse(8, 3), () => setTimeout(() => socket.destroy(), 20));
    }),
  );
  const errors: ConnectionErrorEvent[] = [];
  const { connection, inactive } = connectTo(certs, server.port, [], errors);
  const list = tokens(20_000, 3);
  for (const token of list) connection.send({ token, payload: PAYLOAD });
  const event = await within(inactive);
  assert.is(errors.length, 1);
  assert.is(errors[0].faulty[0].notification.token, list[2]);
  assert.is(event.cause, 'error-response');
  assert.is(event.delivered, 2);
  await stop(server);
});

test('a server that never answers the probe: unconfirmed with reason probe-timeout', async ({ certs }) => {
  const server = await fake(certs, (socket) => socket.resume());
  const sender = createSender({ address: { host: '127.0.0.1', port: server.port }, tls: tlsOf(certs), probeTimeoutMs: 300, closeGraceMs: 100 });
  const list = tokens(50, 4);
  await sendAll(sender, list);
  const report = await within(sender.close());
  assert.is(report.delivered, 0);
  assert.is(report.unconfirmed.length, 50);
  assert.ok(report.unconfirmed.every((entry) => entry.reason === 'probe-timeout'));
  await stop(server);
});

test('a server that accepts TCP but never speaks TLS: the connect timeout ends it', async ({ certs }) => {
  const sockets = new Set<Socket>();
  const tcp: TcpServer = createTcpServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
  });
  tcp.listen(0, '127.0.0.1');
  await once(tcp, 'listening');
  const port = (tcp.address() as { port: number }).port;
  const exceptions: Error[] = [];
  let done!: (event: ChannelInactiveEvent) => void;
  const inactive = new Promise<ChannelInactiveEvent>((resolve) => (done = resolve));
  const connection = createConnection({ host: '127.0.0.1', port }, tlsOf(certs), { onChannelInactive: done, onException: (error) => exceptions.push(error) }, { connectTimeoutMs: 200 });
  connection.send({ token: tokens(1, 5)[0], payload: PAYLOAD });
  const event = await within(inactive);
  assert.is(event.cause, 'connect-failed');
  assert.is(event.resend.length, 1);
  assert.is((exceptions[0] as { code?: string }).code, 'APNS_ERR_CONNECT_FAILED');
  for (const socket of sockets) socket.destroy();
  await new Promise((resolve) => tcp.close(resolve));
});

test('the simple format: an answer cannot name anything, the tail is in doubt', async ({ certs }) => {
  const server = await fake(certs, (socket) => socket.once('data', () => socket.end(encodeErrorResponse(8, 0))));
  const { connection, inactive } = (() => {
    let done!: (event: ChannelInactiveEvent) => void;
    const promise = new Promise<ChannelInactiveEvent>((resolve) => (done = resolve));
    return { connection: createConnection({ host: '127.0.0.1', port: server.port }, tlsOf(certs), { onChannelInactive: done }, { format: 'simple' }), inactive: promise };
  })();
  for (const token of tokens(3, 6)) connection.send({ token, payload: PAYLOAD });
  const event = await within(inactive);
  assert.is(event.cause, 'unknown-identifier');
  assert.is(event.resend.length, 3);
  await stop(server);
});

test.run();
