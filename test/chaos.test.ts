// The promise, checked whole: under a seeded mix of faults, every notification ends delivered,
// failed with the mock's status, or reported unconfirmed, with no copy the sender did not report.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runChaos, type ChaosResult } from '../chaos/scenario.js';

const SEEDS = (process.env.CHAOS_SEEDS ?? '1,2,3').split(',').map(Number);
const TOTAL = Number(process.env.CHAOS_TOTAL ?? 200_000);
const FIELD_SEEDS = (process.env.CHAOS_FIELD_SEEDS ?? '1,2,3').split(',').map(Number);
const FIELD_TOTAL = Number(process.env.CHAOS_FIELD_TOTAL ?? 100_000);
const FIELD_CONNECTIONS = 3;

function describe(seed: number, { report, ledger, faultsScheduled, mockStats }: ChaosResult): string {
  const transportFaults = mockStats.shutdowns + mockStats.silentCloses + mockStats.resets;
  return (
    `  seed ${seed}: sent ${report.sent}, delivered ${report.delivered}, failed ${report.failed.length}, ` +
    `unconfirmed ${report.unconfirmedCount}, resent ${report.resent} (${(report.resent / report.sent).toFixed(2)}x), possibly duplicated ${report.possiblyDuplicated}, ` +
    `duplicates at the mock ${ledger.duplicates} (${transportFaults > 0 ? Math.round(ledger.duplicates / transportFaults) : 0} per transport fault), ` +
    `lost ${ledger.lost}, connections ${report.connections}, ${report.elapsedMs} ms\n` +
    `  faults scheduled ${JSON.stringify(faultsScheduled)}; mock saw shutdowns ${mockStats.shutdowns}, silent closes ${mockStats.silentCloses}, ` +
    `resets ${mockStats.resets}, stalls ${mockStats.stalls}, refused ${mockStats.refused}, dropped ${mockStats.dropped}, rejected ${mockStats.rejected}`
  );
}

for (const seed of SEEDS) {
  test(`chaos seed ${seed}: ${TOTAL} notifications over 2 connections, every kind of fault, the ledger closes`, async () => {
    const result = await runChaos({ seed, total: TOTAL, connections: 2 });
    const { report, ledger } = result;
    console.log(describe(seed, result));
    assert.equal(ledger.problems, []);
    assert.is(ledger.lost, 0);
    assert.ok(report.failed.length > 0, 'random rejections happened');
    assert.ok(ledger.duplicates <= report.possiblyDuplicated);
  });
}

// A busy gateway's fault rate (one silent close, reset or status 10 per 10,000 notifications,
// some tokens always rejected) with the sender's default options.
for (const seed of FIELD_SEEDS) {
  test(`field mix seed ${seed}: ${FIELD_TOTAL} notifications over ${FIELD_CONNECTIONS} connections, default options`, async () => {
    const result = await runChaos({ seed, total: FIELD_TOTAL, connections: FIELD_CONNECTIONS, mix: 'field' });
    const { report, ledger, mockStats } = result;
    console.log(describe(seed, result));
    assert.equal(ledger.problems, [], 'nothing lost, no wrong status, every duplicate reported');
    assert.is(ledger.lost, 0);
    assert.ok(mockStats.shutdowns + mockStats.silentCloses + mockStats.resets >= FIELD_TOTAL / 20_000, 'transport faults happened');
    assert.ok(report.unconfirmedCount <= FIELD_TOTAL / 1000, `unconfirmed ${report.unconfirmedCount} is at most 0.1% of the run`);
    assert.ok(report.resent <= 2 * FIELD_TOTAL, `resent ${report.resent} is at most twice the run`);
    assert.ok(ledger.duplicates <= report.possiblyDuplicated);
  });
}

// The same mix with the notifications handed over as apns-send does: packed tokens by writeMany.
const WRITE_MANY_SEED = FIELD_SEEDS[0]!;
test(`field mix seed ${WRITE_MANY_SEED}, handed over by writeMany: ${FIELD_TOTAL} notifications over ${FIELD_CONNECTIONS} connections, default options`, async () => {
  const result = await runChaos({ seed: WRITE_MANY_SEED, total: FIELD_TOTAL, connections: FIELD_CONNECTIONS, mix: 'field', handOver: 'writeMany' });
  const { report, ledger, mockStats } = result;
  console.log(describe(WRITE_MANY_SEED, result));
  assert.equal(ledger.problems, [], 'nothing lost, no wrong status, every duplicate reported');
  assert.is(ledger.lost, 0);
  assert.is(report.sent, FIELD_TOTAL);
  assert.ok(report.failed.length > 0, 'the always-rejected tokens failed');
  assert.ok(mockStats.shutdowns + mockStats.silentCloses + mockStats.resets >= FIELD_TOTAL / 20_000, 'transport faults happened');
  assert.ok(report.unconfirmedCount <= FIELD_TOTAL / 1000, `unconfirmed ${report.unconfirmedCount} is at most 0.1% of the run`);
  assert.ok(report.resent <= 2 * FIELD_TOTAL, `resent ${report.resent} is at most twice the run`);
  assert.ok(ledger.duplicates <= report.possiblyDuplicated);
});

test.run();
