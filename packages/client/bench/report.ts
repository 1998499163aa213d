// Prints the bench table: rates, share of the raw ceiling, multiple of node-apn, and the targets.

export interface ContenderResult {
  readonly name: string;
  readonly count: number;
  /** Rate of each measured run, notifications per second. */
  readonly rates: readonly number[];
}

export interface Targets {
  readonly shareOfCeiling: number;
  readonly rate: number;
  readonly timesNodeApn: number;
}

/** Noise on a shared machine only ever slows a run down: the best run is the figure. */
export function best(values: readonly number[]): number {
  return Math.max(...values);
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const oneDecimal = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1, minimumFractionDigits: 1 });

export function formatRate(rate: number): string {
  return integer.format(rate);
}

export function printTable(results: readonly ContenderResult[], ceiling: ContenderResult, baseline: ContenderResult): void {
  const ceilingRate = best(ceiling.rates);
  const baselineRate = best(baseline.rates);
  const rows = [
    ['contender', 'notifications', 'rate (best, /s)', 'median (/s)', '% of raw ceiling', 'x node-apn'],
    ...results.map((result) => {
      const rate = best(result.rates);
      return [
        result.name,
        integer.format(result.count),
        formatRate(rate),
        formatRate(median(result.rates)),
        `${oneDecimal.format((rate / ceilingRate) * 100)}%`,
        `${oneDecimal.format(rate / baselineRate)}x`,
      ];
    }),
  ];
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  for (const [index, row] of rows.entries()) {
    console.log(row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]))).join('  '));
    if (index === 0) console.log(widths.map((width) => '-'.repeat(width)).join('  '));
  }
}

/**
 * The subject's rate over the ceiling's in each round, lowest, median and highest: the two share
 * a round's machine state, so the ratios spread less than the best-of figures they come from.
 */
export function printRoundRatios(subject: ContenderResult, ceiling: ContenderResult): void {
  const ratios = subject.rates.map((rate, round) => (rate / ceiling.rates[round]) * 100);
  const shown = [Math.min(...ratios), median(ratios), Math.max(...ratios)].map((ratio) => `${oneDecimal.format(ratio)}%`);
  console.log(`
${subject.name.trim()} / raw ceiling in the same round: lowest ${shown[0]}, median ${shown[1]}, highest ${shown[2]}`);
}

export function printTargets(subject: ContenderResult, ceiling: ContenderResult, baseline: ContenderResult, targets: Targets): boolean {
  const rate = best(subject.rates);
  const share = rate / best(ceiling.rates);
  const times = rate / best(baseline.rates);
  const checks: Array<[string, boolean]> = [
    [`>= ${targets.shareOfCeiling * 100}% of the raw ceiling: ${oneDecimal.format(share * 100)}%`, share >= targets.shareOfCeiling],
    [`>= ${formatRate(targets.rate)} notifications/s: ${formatRate(rate)}`, rate >= targets.rate],
    [`>= ${targets.timesNodeApn}x node-apn 1.7.8: ${oneDecimal.format(times)}x`, times >= targets.timesNodeApn],
  ];
  console.log(`\ntargets for ${subject.name}:`);
  for (const [text, met] of checks) console.log(`  ${met ? 'met   ' : 'MISSED'}  ${text}`);
  return checks.every(([, met]) => met);
}
