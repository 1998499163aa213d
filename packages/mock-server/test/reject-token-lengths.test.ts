// reject-token faults name HTTP/2 device tokens of any length (Apple: do not assume one); on the
// binary gateway, whose tokens are always 32 bytes, only a 32-byte fault token can hit.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { MockServer } from '../src/index.js';
import { deliver, errorPacket, exchange, expectInvalidFaults, frame, frames, tokenFor, useMock } from './helpers.js';
import { closeH2, openH2, send } from './http2-helpers.js';

const test = suite('reject-token: token lengths');
let mock: MockServer;
useMock(test, { closeGraceMs: 100 }, (started) => (mock = started));

const pathOf = (token: string): { ':path': string } => ({ ':path': `/3/device/${token}` });

test('HTTP/2: tokens of 3, 8, 32 and 100 bytes are rejected only when the whole token matches', async () => {
  const short = 'a1b2c3';
  const eight = 'AB'.repeat(8);
  const long = '5e'.repeat(100);
  mock.faults.addAll([
    { type: 'reject-token', token: short, reason: 'Unregistered', repeat: true },
    { type: 'reject-token', token: eight, reason: 'BadDeviceToken', repeat: true },
    { type: 'reject-token', token: 'ab'.repeat(32), status: 8, repeat: true },
    { type: 'reject-token', token: long, reason: 'ExpiredToken', repeat: true },
  ]);
  // Stored as lower-case hex, as given otherwise.
  assert.equal(mock.faults.list().map((state) => state.fault.type === 'reject-token' && state.fault.token), [short, eight.toLowerCase(), 'ab'.repeat(32), long]);
  const session = openH2(mock, { certificate: true });
  const answers = [];
  for (const token of [short, eight.toLowerCase(), 'ab'.repeat(32), long, 'ab'.repeat(9), `${short}00`, `${'5e'.repeat(99)}`, '5e'.repeat(101)]) {
    const answer = await send(session, pathOf(token));
    answers.push([token.length / 2, answer.status, answer.status === 200 ? '' : (JSON.parse(answer.body) as { reason: string }).reason]);
  }
  assert.equal(answers, [
    [3, 410, 'Unregistered'],
    [8, 400, 'BadDeviceToken'],
    [32, 410, 'Unregistered'],
    [100, 410, 'ExpiredToken'],
    // A token that starts with a fault's token, or is one byte short of it, is someone else's.
    [9, 200, ''],
    [4, 200, ''],
    [99, 200, ''],
    [101, 200, ''],
  ]);
  assert.equal(mock.rejected.map((rejection) => rejection.token), [short, eight.toLowerCase(), 'ab'.repeat(32), long]);
  assert.is(mock.notifications.length, 4);
  await closeH2(session);
});

test('binary gateway: a fault naming part of a 32-byte token never hits it; a 32-byte one does', async () => {
  const target = tokenFor(2);
  mock.faults.addAll([
    { type: 'reject-token', token: target.slice(0, 32), status: 8, repeat: true },
    { type: 'reject-token', token: target.slice(0, 6), status: 8, repeat: true },
    { type: 'reject-token', token: `${target}00`, status: 8, repeat: true },
  ]);
  await deliver(mock, frames(1, 3), 3);
  assert.equal(mock.rejected, []);
  mock.faults.add({ type: 'reject-token', token: target, status: 8 });
  assert.equal((await exchange(mock, frame(2))).data, errorPacket(8, 2));
  assert.equal(mock.rejected.map((rejection) => [rejection.token, rejection.status]), [[target, 8]]);
});

test('a token the fault parser refuses says what to fix; feedback needs a 32-byte token', () => {
  const cases: Array<[unknown, RegExp]> = [
    [{ type: 'reject-token', token: 'abc' }, /hex digits in pairs: 64 for a binary-gateway token \(32 bytes\), any length up to 1024 bytes for HTTP\/2/],
    [{ type: 'reject-token', token: 'zz'.repeat(8) }, /hex digits in pairs/],
    [{ type: 'reject-token', token: '' }, /hex digits in pairs/],
    [{ type: 'reject-token', token: 'ab'.repeat(1025) }, /up to 1024 bytes/],
    [{ type: 'reject-token', token: 42 }, /hex digits in pairs/],
    [{ type: 'reject-token', token: 'ab'.repeat(16), feedback: true }, /"feedback" lists the token on the feedback service, whose tokens are 32 bytes; this token has 16/],
  ];
  expectInvalidFaults(mock, cases);
  // The largest HTTP/2 token a fault may name, and a 32-byte token with feedback, are taken.
  mock.faults.addAll([
    { type: 'reject-token', token: 'cd'.repeat(1024) },
    { type: 'reject-token', token: 'cd'.repeat(32), feedback: true },
  ]);
  assert.is(mock.faults.list().length, 2);
});

test.run();
