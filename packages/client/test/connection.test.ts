import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { MockServer } from '@apnskit/mock-server';
import {
  createConnection,
  gatewayAddress,
  isApnsClientError,
  send,
  type ChannelInactiveEvent,
  type ConnectionErrorEvent,
  type ConnectionHandlers,
  type ConnectionOptions,
  type UnknownIdentifierEvent,
} from '../src/index.js';
import { addressOf, PAYLOAD, startMock, tlsOf, tokens, within } from './helpers.js';
import { Message } from '@apnskit/codec';

const test = suite<{ mock: MockServer }>('connection');
let tag = 0x900;

test.before(async (context) => {
  context.mock = await startMock();
});
test.before.each(({ mock }) => mock.reset());
test.after(async ({ mock }) => {
  await mock.close();
});

interface Seen {
  errors: ConnectionErrorEvent[];
  inactive: Promise<ChannelInactiveEvent>;
  unknown: UnknownIdentifierEvent[];
  events: string[];
}

function open(mock: MockServer, options: ConnectionOptions = {}, extra: Partial<ConnectionHandlers> = {}) {
  const seen: Partial<Seen> = { errors: [], unknown: [], events: [] };
  let done!: (event: ChannelInactiveEvent) => void;
  seen.inactive = new Promise((resolve) => (done = resolve));
  const connection = createConnection(
    `${mock.host}:${mock.gateway.port}`,
    tlsOf(mock),
    {
      onError: (event) => seen.errors?.push(event),
      onUnknownIdentifier: (event) => seen.unknown?.push(event),
      onChannelInactive: (event) => done(event),
      onConnect: () => seen.events?.push('connect'),
      onDisconnect: ({ cause }) => seen.events?.push(`disconnect:${cause}`),
      onClose: () => seen.events?.push('close'),
      onRead: () => seen.events?.push('read'),
      ...extra,
    },
    { closeGraceMs: 200, ...options },
  );
  return { connection, seen: seen as Seen };
}

test('addresses of Apple gateways', () => {
  assert.equal(gatewayAddress('sandbox'), { host: 'gateway.sandbox.push.apple.com', port: 2195 });
  assert.equal(gatewayAddress('production'), { host: 'gateway.push.apple.com', port: 2195 });
  assert.is.not(gatewayAddress('sandbox'), gatewayAddress('sandbox'), 'a fresh object each call');
});

test('lazy connect; identifiers from 1; a rejection names the faulty one and the ones to resend', async ({ mock }) => {
  const list = tokens(50, (tag += 1));
  mock.faults.add({ type: 'reject-token', token: list[20] });
  const { connection, seen } = open(mock);
  assert.is(connection.state, 'idle');
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.is(mock.stats().connections, 0, 'nothing happens before the first send');
  for (const token of list) send(connection, { token, payload: PAYLOAD });
  const inactive = await within(seen.inactive);
  assert.is(seen.errors.length, 1);
  const [error] = seen.errors;
  assert.is(error.status, 8);
  assert.is(error.name, 'invalid-token');
  assert.is(error.id, 21);
  assert.is(error.faulty.length, 1);
  assert.is(error.faulty[0].notification.token, list[20]);
  assert.is(error.delivered, 20);
  assert.equal(error.resent.map((message) => message.notification.token), list.slice(21));
  assert.ok(error.resent.every((message) => !message.possiblyDelivered));
  assert.equal(error.resent.map((message) => message.id), Array.from({ length: 29 }, (_, index) => 22 + index));
  assert.equal(inactive.resend.map((message) => message.notification.token), list.slice(21));
  assert.is(inactive.cause, 'error-response');
  assert.is(inactive.failed, 1);
  assert.equal(mock.notifications.map((n) => n.id), Array.from({ length: 20 }, (_, index) => index + 1));
  assert.ok(seen.events.includes('connect') && seen.events.includes('read') && seen.events.at(-1) === 'close');
  assert.is(connection.state, 'closed');
  assert.throws(() => connection.send({ token: list[0], payload: PAYLOAD }), (e: { code?: string }) => e.code === 'APNS_ERR_CONNECTION_CLOSED');
});

test('status 10: faulty is empty, only later ones are resent', async ({ mock }) => {
  const list = tokens(30, (tag += 1));
  mock.faults.add({ type: 'shutdown-after', n: 10 });
  const { connection, seen } = open(mock);
  for (const token of list) connection.send(new Message().to(token).withAlertBody('Hi'));
  await within(seen.inactive);
  const [error] = seen.errors;
  assert.is(error.status, 10);
  assert.is(error.name, 'shutdown');
  assert.is(error.faulty.length, 0);
  assert.is(error.delivered, 10);
  assert.equal(error.resent.map((message) => message.notification.token), list.slice(10));
});

test('a silent close: the tail comes back flagged possibly delivered', async ({ mock }) => {
  const list = tokens(40, (tag += 1));
  mock.faults.add({ type: 'close-after', n: 15 });
  const { connection, seen } = open(mock);
  for (const token of list) connection.send({ token, payload: PAYLOAD });
  const inactive = await within(seen.inactive);
  assert.is(inactive.cause, 'silent-close');
  assert.is(seen.errors.length, 0);
  assert.ok(inactive.resend.length >= 25);
  const resent = new Set(inactive.resend.map((message) => message.notification.token));
  for (const token of list.slice(15)) assert.ok(resent.has(token), 'every notification the mock did not take is in the tail');
  assert.ok(inactive.resend.every((message) => message.possiblyDelivered || message.id === 0));
});

test('split and delayed error packets are reassembled', async ({ mock }) => {
  const list = tokens(20, (tag += 1));
  mock.faults.add({ type: 'split-error', gapMs: 40 });
  mock.faults.add({ type: 'delay-error', ms: 100 });
  mock.faults.add({ type: 'reject-token', token: list[5] });
  const { connection, seen } = open(mock);
  for (const token of list) connection.send({ token, payload: PAYLOAD });
  await within(seen.inactive);
  assert.is(seen.errors[0].faulty[0].notification.token, list[5]);
});

test('identifier 0 on a rejection raises the unknown-identifier signal; the whole tail is in doubt', async ({ mock }) => {
  const list = tokens(20, (tag += 1));
  mock.faults.add({ type: 'zero-id' });
  mock.faults.add({ type: 'reject-token', token: list[5] });
  const { connection, seen } = open(mock);
  for (const token of list) connection.send({ token, payload: PAYLOAD });
  const inactive = await within(seen.inactive);
  assert.is(seen.unknown.length, 1);
  assert.is(seen.unknown[0].id, 0);
  assert.is(seen.unknown[0].error.code, 'APNS_ERR_UNKNOWN_IDENTIFIER');
  assert.is(seen.errors[0].faulty.length, 0, 'no message is blamed wrongly');
  assert.is(inactive.cause, 'unknown-identifier');
  assert.is(inactive.resend.length, 20);
  assert.ok(inactive.resend.every((message) => message.possiblyDelivered));
});

test('a window too small for the answer: the signal, and the forgotten counted', async ({ mock }) => {
  const list = tokens(100, (tag += 1));
  mock.faults.add({ type: 'reject-token', token: list[3] });
  const { connection, seen } = open(mock, { window: { maxCount: 10 } });
  for (const token of list) connection.send({ token, payload: PAYLOAD });
  const inactive = await within(seen.inactive);
  assert.is(seen.unknown.length, 1);
  assert.is(seen.unknown[0].id, 4);
  assert.is(seen.errors[0].faulty.length, 0);
  assert.is(inactive.forgotten + inactive.resend.length + inactive.delivered + inactive.failed, 100);
  assert.is(inactive.delivered, 3);
});

test('identifiers wrap at 2^32 and skip 0', async ({ mock }) => {
  const list = tokens(4, (tag += 1));
  mock.faults.add({ type: 'reject-token', token: list[3] });
  const { connection, seen } = open(mock, { firstIdentifier: 0xfffffffe });
  for (const token of list) connection.send({ token, payload: PAYLOAD });
  await within(seen.inactive);
  assert.equal(mock.notifications.map((n) => n.id), [0xfffffffe, 0xffffffff, 1]);
  assert.is(seen.errors[0].id, 2);
  assert.is(seen.errors[0].faulty[0].notification.token, list[3]);
});

test('the probe proves delivery (enhanced format too)', async ({ mock }) => {
  const list = tokens(10, (tag += 1));
  const { connection, seen } = open(mock, { format: 'enhanced' });
  for (const token of list) connection.send({ token, payload: PAYLOAD });
  assert.ok(connection.probe(5000));
  const inactive = await within(seen.inactive);
  assert.is(inactive.cause, 'probe-answered');
  assert.is(inactive.delivered, 10);
  assert.is(inactive.resend.length, 0);
  assert.is(mock.notifications.length, 10);
});

test('a refused handshake: the exception handler and every message back unwritten', async ({ mock }) => {
  mock.faults.add({ type: 'refuse-connections', count: 1 });
  const exceptions: Error[] = [];
  const { connection, seen } = open(mock, {}, { onException: (error) => exceptions.push(error) });
  const list = tokens(5, (tag += 1));
  for (const token of list) connection.send({ token, payload: PAYLOAD });
  const inactive = await within(seen.inactive);
  assert.is(inactive.cause, 'connect-failed');
  assert.equal(inactive.resend.map((message) => message.notification.token), list);
  assert.ok(inactive.resend.every((message) => !message.possiblyDelivered && message.id === 0));
  assert.ok(exceptions.length >= 1);
});

test('close() before any send, and a throwing handler goes to onException', async ({ mock }) => {
  const { connection, seen } = open(mock);
  connection.close();
  const inactive = await within(seen.inactive);
  assert.is(inactive.cause, 'closed');
  assert.is(connection.state, 'closed');
  const caught: Error[] = [];
  const second = open(mock, {}, { onConnect: () => { throw new Error('handler bug'); }, onException: (error) => caught.push(error) });
  second.connection.send({ token: tokens(1, (tag += 1))[0], payload: PAYLOAD });
  second.connection.probe(5000);
  await within(second.seen.inactive);
  assert.is(caught[0]?.message, 'handler bug');
});

test('sends after the connection opened are batched and written; close() leaves the written tail in doubt', async ({ mock }) => {
  const list = tokens(30, (tag += 1));
  let opened!: () => void;
  const open$ = new Promise<void>((resolve) => (opened = resolve));
  const { connection, seen } = open(mock, {}, { onConnect: () => opened() });
  connection.send({ token: list[0], payload: PAYLOAD });
  assert.is(connection.queued, 1);
  await within(open$);
  for (const token of list.slice(1)) connection.send({ token, payload: PAYLOAD });
  await within(mock.waitForNotifications(30));
  assert.is(connection.unsettled, 30);
  assert.is(connection.queued, 0);
  connection.close();
  assert.not.ok(connection.probe(1000), 'nothing to probe once closing');
  const inactive = await within(seen.inactive);
  assert.is(inactive.cause, 'closed');
  assert.is(inactive.resend.length, 30);
  assert.ok(inactive.resend.every((message) => message.possiblyDelivered));
  assert.is(connection.unsettled, 0);
});

test('a throwing exception handler is contained; isApnsClientError recognises client errors', async ({ mock }) => {
  const { connection, seen } = open(mock, {}, {
    onConnect: () => {
      throw new Error('handler bug');
    },
    onException: () => {
      throw new Error('handler bug in the exception handler');
    },
  });
  connection.send({ token: tokens(1, (tag += 1))[0], payload: PAYLOAD });
  connection.probe(5000);
  const inactive = await within(seen.inactive);
  assert.is(inactive.cause, 'probe-answered');
  let caught: unknown;
  try {
    connection.send({ token: tokens(1, tag)[0], payload: PAYLOAD });
  } catch (error) {
    caught = error;
  }
  assert.ok(isApnsClientError(caught));
  assert.not.ok(isApnsClientError(new Error('other')));
});

test.run();
