// The promise, checked whole: under a seeded mix of faults, every notification ends delivered,
// failed with the mock's status, or reported unconfirmed, with no copy the sender did not report.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runChaos } from '../chaos/scenario.js';

const SEEDS = (process.env.CHAOS_SEEDS ?? '1,2,3').split(',').map(Number);
const TOTAL = Number(process.env.CHAOS_TOTAL ?? 200_000);

for (const seed of SEEDS) {
  test(`chaos seed ${seed}: ${TOTAL} notifications over 2 connections, the ledger closes`, async () => {
    const { report, ledger, faultsScheduled, mockStats } = await runChaos({ seed, total: TOTAL, connections: 2 });
    console.log(
      `  seed ${seed}: sent ${report.sent}, delivered ${report.delivered}, failed ${report.failed.length}, ` +
        `unconfirmed ${report.unconfirmedCount}, resent ${report.resent}, possibly duplicated ${report.possiblyDuplicated}, ` +
        `duplicates at the mock ${ledger.duplicates}, lost ${ledger.lost}, connections ${report.connections}, ${report.elapsedMs} ms\n` +
        `  faults scheduled ${JSON.stringify(faultsScheduled)}; mock saw shutdowns ${mockStats.shutdowns}, silent closes ${mockStats.silentCloses}, ` +
        `resets ${mockStats.resets}, stalls ${mockStats.stalls}, refused ${mockStats.refused}, dropped ${mockStats.dropped}, rejected ${mockStats.rejected}`,
    );
    assert.equal(ledger.problems, []);
    assert.is(ledger.lost, 0);
    assert.ok(report.failed.length > 0, 'random rejections happened');
    assert.ok(ledger.duplicates <= report.possiblyDuplicated);
  });
}

test.run();
