import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { MockServer } from '../src/index.js';
import { TOKEN_A, deliver, errorPacket, exchange, expectInvalidFaults, frame, frames, openClient, secure, tokenFor, transcript, until, useMock } from './helpers.js';

let mock!: MockServer;
useMock(test, { closeGraceMs: 200, seed: 7 }, (started) => (mock = started));

test('reject-token answers the status, closes, discards the rest and can feed the feedback list', async () => {
  mock.faults.add({ type: 'reject-token', token: tokenFor(2).toUpperCase(), status: 8, feedback: true });
  const { data } = await exchange(mock, frames(1, 5));
  assert.equal(data, errorPacket(8, 2));
  assert.equal(mock.notifications.map((n) => n.id), [1]);
  assert.equal(mock.rejected.map((r) => [r.token, r.id, r.status]), [[tokenFor(2), 2, 8]]);
  assert.equal(mock.pendingFeedback().map((tuple) => tuple.token), [tokenFor(2)]);
  // One-shot: the same token goes through on the next connection.
  await deliver(mock, frame(2), 2);
  assert.equal(mock.notifications.map((n) => n.id), [1, 2]);
});

test('reject-token with repeat keeps rejecting; without status it answers 8', async () => {
  mock.faults.add({ type: 'reject-token', token: TOKEN_A, repeat: true });
  for (const id of [11, 12]) {
    const { data } = await exchange(mock, frame(id, TOKEN_A));
    assert.equal(data, errorPacket(8, id));
  }
  assert.is(mock.faults.list().length, 1);
  assert.is(mock.faults.list()[0]!.fired, 2);
});

test('reject-nth rejects the nth notification from when it was added, overall or on one connection', async () => {
  mock.faults.add({ type: 'reject-nth', n: 3, status: 7 });
  assert.equal((await exchange(mock, frames(1, 5))).data, errorPacket(7, 3));
  assert.equal(mock.notifications.map((n) => n.id), [1, 2]);
  const numbers: number[] = [];
  mock.on('connection', (event) => numbers.push(event.connection));
  const first = openClient(mock);
  await secure(first);
  const second = openClient(mock);
  const answer = transcript(second);
  await secure(second);
  await until(() => numbers.length === 2);
  mock.removeAllListeners('connection');
  mock.faults.add({ type: 'reject-nth', n: 2, status: 1, connection: numbers[1]! });
  first.write(frames(10, 13));
  await mock.waitForNotifications(6);
  second.write(frames(20, 23));
  assert.equal((await answer).data, errorPacket(1, 21));
  assert.equal(mock.notifications.map((n) => n.id), [1, 2, 10, 11, 12, 13, 20]);
  first.destroy();
});

test('shutdown-after answers status 10 naming the last accepted notification', async () => {
  mock.faults.add({ type: 'shutdown-after', n: 2 });
  const { data } = await exchange(mock, frames(1, 6));
  assert.equal(data, errorPacket(10, 2));
  assert.equal(mock.notifications.map((n) => n.id), [1, 2]);
  assert.is(mock.rejected.length, 0);
  assert.is(mock.stats().shutdowns, 1);
});

test('close-after closes silently after n notifications and discards the rest', async () => {
  mock.faults.add({ type: 'close-after', n: 3 });
  const { data } = await exchange(mock, frames(1, 6));
  assert.is(data.length, 0);
  assert.equal(mock.notifications.map((n) => n.id), [1, 2, 3]);
  assert.is(mock.stats().silentCloses, 1);
});

test('hundreds of token faults are looked up by token; tokens sharing their first bytes are told apart', async () => {
  const ids = mock.faults.addAll(Array.from({ length: 300 }, (_, index) => ({ type: 'reject-token' as const, token: tokenFor(5000 + index), repeat: true })));
  const sameStart = 'deadbeef' + 'aa'.repeat(28);
  const target = 'deadbeef' + 'bb'.repeat(28);
  mock.faults.add({ type: 'reject-token', token: target, status: 6 });
  mock.faults.add({ type: 'reject-nth', n: 3, status: 7 });
  const bytes = Buffer.concat([frame(1, sameStart), frame(2, tokenFor(2)), frame(3, target), frame(4)]);
  // The token fault wins, and the notification it rejects is not counted by reject-nth.
  assert.equal((await exchange(mock, bytes)).data, errorPacket(6, 3));
  assert.equal(mock.notifications.map((n) => n.id), [1, 2]);
  assert.equal((await exchange(mock, frame(9, tokenFor(5123)))).data, errorPacket(8, 9));
  assert.ok(mock.faults.remove(ids[123]!));
  assert.not.ok(mock.faults.remove(ids[123]!));
  assert.equal((await exchange(mock, Buffer.concat([frame(10, tokenFor(5123)), frame(11, tokenFor(5124))]))).data, errorPacket(7, 10));
  assert.is(mock.faults.list().length, 299);
});

test('invalid faults throw APNS_ERR_INVALID_FAULT naming the field', () => {
  const cases: Array<[unknown, RegExp]> = [
    [{ type: 'reject-nth' }, /"n" is required/],
    [{ type: 'nope' }, /unknown fault type/],
    [{ type: 'reject-token', token: 'abc' }, /64 for a binary-gateway token/],
    [{ type: 'reject-nth', n: 1, status: 10 }, /shutdown-after/],
    [{ type: 'reject-random', p: 2 }, /probability/],
    [{ type: 'delay-error', ms: -1 }, /"ms" must be an integer/],
    [{ type: 'zero-id', extra: 1 }, /unknown field "extra"/],
    [{ type: 'split-error', repeat: 'yes' }, /"repeat" must be true or false/],
    [null, /must be an object/],
  ];
  expectInvalidFaults(mock, cases);
});

test.run();
