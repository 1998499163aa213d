// `npm run soak`: chaos rounds back to back for a while, sampling memory after each round, to
// show that nothing is lost over millions of notifications and that memory stays flat.
import { parseArgs } from 'node:util';
import { runChaos } from './scenario.js';

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '3' },
    round: { type: 'string', default: '500000' },
    connections: { type: 'string', default: '2' },
    seed: { type: 'string', default: '1' },
  },
});
const minutes = Number(values.minutes);
const perRound = Number(values.round);
const connections = Number(values.connections);
if (![minutes, perRound, connections].every((value) => Number.isFinite(value) && value > 0)) {
  console.error('usage: soak [--minutes M] [--round N] [--connections C] [--seed S] (positive numbers)');
  process.exit(2);
}

const collect = (globalThis as { gc?: () => void }).gc;
const SETTLE_MS = 2500;
const mebibytes = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
const deadline = Date.now() + minutes * 60_000;
const totals = { sent: 0, delivered: 0, failed: 0, unconfirmed: 0, resent: 0, duplicates: 0, lost: 0, faults: 0, rounds: 0 };
let peakRss = 0;
const heapAfterRound: number[] = [];

console.log(`soak: rounds of ${perRound.toLocaleString('en-US')} notifications over ${connections} connections for ${minutes} min`);
console.log('round  seed        sent   delivered  failed  unconfirmed  duplicates  lost  faults  heap after GC       rss');
for (let seed = Number(values.seed); Date.now() < deadline; seed += 1) {
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 250);
  const { report, ledger, faultsScheduled } = await runChaos({ seed, total: perRound, connections });
  clearInterval(sampler);
  // Closed sockets and their grace timers let go of their buffers shortly after close().
  await new Promise((settled) => setTimeout(settled, SETTLE_MS));
  collect?.();
  const { heapUsed, rss } = process.memoryUsage();
  peakRss = Math.max(peakRss, rss);
  heapAfterRound.push(heapUsed);
  const faults = Object.values(faultsScheduled).reduce((sum, count) => sum + count, 0);
  totals.rounds += 1;
  totals.sent += report.sent;
  totals.delivered += report.delivered;
  totals.failed += report.failed.length;
  totals.unconfirmed += report.unconfirmedCount;
  totals.resent += report.resent;
  totals.duplicates += ledger.duplicates;
  totals.lost += ledger.lost;
  totals.faults += faults;
  console.log(
    [totals.rounds, seed, report.sent, report.delivered, report.failed.length, report.unconfirmedCount, ledger.duplicates, ledger.lost, faults]
      .map((value, column) => String(value).padStart([5, 5, 11, 11, 7, 12, 11, 5, 7][column]!))
      .join(' ') + `  ${mebibytes(heapUsed).padStart(12)} ${mebibytes(rss).padStart(10)}`,
  );
  for (const problem of ledger.problems) console.log(`  problem: ${problem}`);
}
const first = heapAfterRound[0] ?? 0;
const last = heapAfterRound.at(-1) ?? 0;
console.log(`\nsoak summary: ${totals.rounds} rounds, ${totals.sent.toLocaleString('en-US')} notifications, ${totals.faults} transport faults plus random rejections`);
console.log(`  delivered ${totals.delivered}, failed ${totals.failed}, unconfirmed ${totals.unconfirmed}, resent ${totals.resent}, duplicates ${totals.duplicates}, lost ${totals.lost}`);
console.log(`  heap after GC: first round ${mebibytes(first)}, last round ${mebibytes(last)}; peak rss ${mebibytes(peakRss)}${collect ? '' : ' (run with --expose-gc for exact heap figures)'}`);
process.exitCode = totals.lost === 0 ? 0 : 1;
