import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { seededRandom, type Fault, type MockServer } from '@apnskit/mock-server';
import { createSender } from '../src/index.js';
import { addressOf, checkLedger, sendAll, startMock, tlsOf, tokens, watchDuplicates, within } from './helpers.js';

const test = suite<{ mock: MockServer }>('sender under mixed faults');

test.before(async (context) => {
  context.mock = await startMock();
});
test.before.each(({ mock }) => mock.reset());
test.after(async ({ mock }) => {
  await mock.close();
});

function faultsFor(seed: number): Fault[] {
  const random = seededRandom(seed);
  const between = (low: number, high: number) => low + Math.floor(random() * (high - low));
  const faults: Fault[] = [{ type: 'reject-random', p: 0.001, seed, repeat: true }];
  for (let index = 0; index < 3; index += 1) {
    faults.push({ type: 'shutdown-after', n: between(1000, 8000) });
    faults.push({ type: 'close-after', n: between(1000, 8000) });
    faults.push({ type: 'reset-after', n: between(1000, 8000) });
    faults.push({ type: 'delay-error', ms: between(10, 150) });
    faults.push({ type: 'split-error', gapMs: between(1, 30) });
    faults.push({ type: 'stall-reads', ms: between(10, 100), n: between(100, 5000) });
  }
  faults.push({ type: 'refuse-connections', count: 2 });
  return faults;
}

for (const [seed, checkpointEvery] of [[1, 0], [2, 0], [3, 0], [4, 2000]]) {
  test(`seed ${seed}${checkpointEvery ? `, checkpoints every ${checkpointEvery}` : ''}: 30k notifications over 2 connections, the ledger closes exactly`, async ({ mock }) => {
    mock.faults.addAll(faultsFor(seed));
    const sender = createSender({
      address: addressOf(mock),
      tls: tlsOf(mock),
      connections: 2,
      maxRetries: 5,
      probeTimeoutMs: 5000,
      closeGraceMs: 200,
      backoff: { initialMs: 5, maxMs: 50 },
      checkpointEvery,
    });
    const possible = watchDuplicates(sender);
    const list = tokens(30_000, 0x5000 + seed);
    await within(sendAll(sender, list), 60_000, 'sending');
    const report = await within(sender.close(), 60_000, 'close');
    const counts = checkLedger(report, mock, list, possible);
    const rejected = new Map(mock.rejected.filter((entry) => entry.token !== undefined).map((entry) => [entry.token as string, entry.status]));
    for (const failure of report.failed) assert.is(failure.status, rejected.get(failure.notification.token), 'failed with the status the mock gave');
    const reasons: Record<string, number> = {};
    for (const entry of report.unconfirmed) reasons[entry.reason] = (reasons[entry.reason] ?? 0) + 1;
    console.log(`  seed ${seed}: sent ${report.sent}, delivered ${report.delivered}, failed ${report.failed.length}, unconfirmed ${report.unconfirmedCount} ${JSON.stringify(reasons)} forgotten ${report.forgotten}, resent ${report.resent}, possibly duplicated ${report.possiblyDuplicated}, duplicates held ${counts.duplicates}, connections ${report.connections}`);
    assert.ok(counts.failed > 0, 'some random rejections happened');
  });
}

test.run();
