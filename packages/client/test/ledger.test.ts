// The shared whole-ledger check: a ledger that closes passes, and each broken rule is named.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { statusInfo } from '@apnskit/codec';
import type { SenderReport, SentNotification } from '../src/index.js';
import { checkLedger, type GatewayRecord } from '../src/testing/index.js';
import { tokens } from './helpers.js';

const test = suite('checkLedger');
const SENT = tokens(5, 0x1ed);
const [A, B, C, D, E] = SENT as [string, string, string, string, string];

function sentNotification(token: string): SentNotification {
  return { token, payload: Buffer.from('{}'), id: 1, expiry: 0, priority: 10, format: 'frame' };
}

function failure(token: string, status = 8) {
  return { notification: sentNotification(token), status, name: statusInfo(status).name, info: statusInfo(status) };
}

/** A, B, C delivered; D failed with 8; E unconfirmed. */
function report(changes: Partial<SenderReport> = {}): SenderReport {
  return {
    sent: 5,
    delivered: 3,
    failed: [failure(D)],
    unconfirmed: [{ notification: sentNotification(E), reason: 'probe-timeout' }],
    unconfirmedCount: 1,
    forgotten: 0,
    resent: 0,
    possiblyDuplicated: 0,
    connections: 1,
    elapsedMs: 1,
    ...changes,
  };
}

function gateway(held: readonly string[] = [A, B, C], rejected = [{ token: D as string | undefined, status: 8 }]): GatewayRecord {
  return { notifications: held.map((token) => ({ token })), rejected };
}

test('a ledger that closes: no problems, the counts', () => {
  assert.equal(checkLedger(report(), gateway(), SENT, new Set()), { sent: 5, recorded: 3, duplicates: 0, lost: 0, problems: [] });
});

test('each broken rule is named', () => {
  const problems = (result: { problems: readonly string[] }): string => result.problems.join('\n');
  assert.match(problems(checkLedger(report({ sent: 4 }), gateway(), SENT, new Set())), /report.sent 4 != 5/);
  assert.match(problems(checkLedger(report({ unconfirmed: [], unconfirmedCount: 0, delivered: 3 }), gateway(), SENT, new Set())), /1 lost/);
  assert.match(problems(checkLedger(report(), gateway([A, B, C, C]), SENT, new Set())), /arrived 2 times but was never reported possibly duplicated/);
  assert.match(problems(checkLedger(report(), gateway([A, B, C, D]), SENT, new Set())), /both held by the gateway and reported failed/);
  assert.match(problems(checkLedger(report(), gateway([A, B, C, 'f'.repeat(64)]), SENT, new Set())), /never sent/);
  assert.match(problems(checkLedger(report({ failed: [failure(D, 7)] }), gateway(), SENT, new Set())), /failed with 7, which the gateway never answered/);
  assert.match(problems(checkLedger(report({ failed: [failure(D), failure(D)], delivered: 2 }), gateway(), SENT, new Set())), /reported failed twice/);
  assert.match(problems(checkLedger(report({ unconfirmed: [], unconfirmedCount: 0, delivered: 4 }), gateway([A, B, C, E]), SENT, new Set())), /^$/);
  assert.match(problems(checkLedger(report({ unconfirmed: [], unconfirmedCount: 0, delivered: 4 }), gateway([A, B, C]), SENT, new Set())), /delivered 4 != 3 distinct/);
  assert.match(problems(checkLedger(report({ possiblyDuplicated: 0 }), gateway([A, B, C, C]), SENT, new Set([C]))), /1 duplicates at the gateway, 0 reported possible/);
});

test('a copy resent after a silent close may arrive twice, or be held and rejected', () => {
  const duplicated = new Set([C, D]);
  const result = checkLedger(report({ possiblyDuplicated: 2 }), gateway([A, B, C, C, D]), SENT, duplicated);
  assert.equal(result.problems, []);
  assert.is(result.duplicates, 1);
});

test('unconfirmed notifications the window forgot are counted, not listed', () => {
  const forgotten = report({ unconfirmed: [], unconfirmedCount: 1, forgotten: 1 });
  assert.equal(checkLedger(forgotten, gateway(), SENT, new Set()).problems, []);
  assert.is(checkLedger(report({ unconfirmed: [], forgotten: 0 }), gateway(), SENT, new Set()).lost, 1);
});

test.run();
