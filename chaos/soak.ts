// `npm run soak`: chaos rounds back to back for a while, sampling memory after each round, to
// show that nothing is lost over millions of notifications and that memory stays flat. The
// default mix is the field one (a busy gateway's fault rate, the sender's default options);
// `--mix varied` runs every kind of fault the mock has.
import { parseArgs } from 'node:util';
import { runChaos, type ChaosMix } from './scenario.js';

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '3' },
    round: { type: 'string', default: '500000' },
    connections: { type: 'string', default: '3' },
    seed: { type: 'string', default: '1' },
    mix: { type: 'string', default: 'field' },
  },
});
const mix = values.mix as ChaosMix;
const minutes = Number(values.minutes);
const perRound = Number(values.round);
const connections = Number(values.connections);
if (![minutes, perRound, connections].every((value) => Number.isFinite(value) && value > 0) || (mix !== 'field' && mix !== 'varied')) {
  console.error('usage: soak [--minutes M] [--round N] [--connections C] [--seed S] [--mix field|varied] (positive numbers)');
  process.exit(2);
}

const collect = (globalThis as { gc?: () => void }).gc;
const SETTLE_MS = 2500;
const mebibytes = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
const deadline = Date.now() + minutes * 60_000;
const totals = { sent: 0, delivered: 0, failed: 0, unconfirmed: 0, resent: 0, duplicates: 0, lost: 0, faults: 0, transportFaults: 0, problems: 0, rounds: 0 };
let peakRss = 0;
const heapAfterRound: number[] = [];

console.log(`soak: ${mix} mix, rounds of ${perRound.toLocaleString('en-US')} notifications over ${connections} connections for ${minutes} min`);
console.log('round  seed        sent   delivered  failed  unconfirmed  resent/run  duplicates  dup/fault  lost  faults  heap after GC       rss');
for (let seed = Number(values.seed); Date.now() < deadline; seed += 1) {
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 250);
  const { report, ledger, faultsScheduled, mockStats } = await runChaos({ seed, total: perRound, connections, mix });
  clearInterval(sampler);
  // Closed sockets and their grace timers let go of their buffers shortly after close().
  await new Promise((settled) => setTimeout(settled, SETTLE_MS));
  collect?.();
  const { heapUsed, rss } = process.memoryUsage();
  peakRss = Math.max(peakRss, rss);
  heapAfterRound.push(heapUsed);
  const faults = Object.values(faultsScheduled).reduce((sum, count) => sum + count, 0);
  // Silent closes, resets and status 10 as the mock carried them out (a scheduled one may not fire).
  const transportFaults = mockStats.shutdowns + mockStats.silentCloses + mockStats.resets;
  totals.rounds += 1;
  totals.sent += report.sent;
  totals.delivered += report.delivered;
  totals.failed += report.failed.length;
  totals.unconfirmed += report.unconfirmedCount;
  totals.resent += report.resent;
  totals.duplicates += ledger.duplicates;
  totals.lost += ledger.lost;
  totals.faults += faults;
  totals.transportFaults += transportFaults;
  totals.problems += ledger.problems.length;
  const perFault = transportFaults > 0 ? Math.round(ledger.duplicates / transportFaults) : 0;
  console.log(
    [totals.rounds, seed, report.sent, report.delivered, report.failed.length, report.unconfirmedCount, (report.resent / report.sent).toFixed(2), ledger.duplicates, perFault, ledger.lost, faults]
      .map((value, column) => String(value).padStart([5, 5, 11, 11, 7, 12, 11, 11, 10, 5, 7][column]!))
      .join(' ') + `  ${mebibytes(heapUsed).padStart(12)} ${mebibytes(rss).padStart(10)}`,
  );
  for (const problem of ledger.problems) console.log(`  problem: ${problem}`);
}
const first = heapAfterRound[0] ?? 0;
const last = heapAfterRound.at(-1) ?? 0;
console.log(`\nsoak summary: ${totals.rounds} rounds, ${totals.sent.toLocaleString('en-US')} notifications, ${totals.faults} transport faults plus random rejections`);
console.log(
  `  delivered ${totals.delivered}, failed ${totals.failed}, unconfirmed ${totals.unconfirmed} (${((totals.unconfirmed / totals.sent) * 100).toFixed(3)}% of the run), ` +
    `resent ${totals.resent} (${(totals.resent / totals.sent).toFixed(2)} times the run), duplicates ${totals.duplicates} ` +
    `(${totals.transportFaults > 0 ? Math.round(totals.duplicates / totals.transportFaults) : 0} per transport fault over ${totals.transportFaults}), lost ${totals.lost}, ledger problems ${totals.problems}`,
);
console.log(`  heap after GC: first round ${mebibytes(first)}, last round ${mebibytes(last)}; peak rss ${mebibytes(peakRss)}${collect ? '' : ' (run with --expose-gc for exact heap figures)'}`);
process.exitCode = totals.lost === 0 && totals.problems === 0 ? 0 : 1;
