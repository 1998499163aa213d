// Timing: warm-up rounds, then measured rounds taken in turn across every contender of a group,
// so a burst of load from elsewhere on the machine hits them alike; the median rate is reported.

export interface Measurement {
  /** Operations (frames) per second, median of the rounds. */
  readonly perSecond: number;
  /** Best round: what the machine gives when nothing else runs. */
  readonly best: number;
  readonly rounds: readonly number[];
}

export interface TimingOptions {
  readonly warmupRounds: number;
  readonly rounds: number;
}

/** Times each contender (a round handles `operations` frames), rounds interleaved. */
export function measureGroup<Name extends string>(
  operations: number,
  contenders: Readonly<Record<Name, () => void>>,
  options: TimingOptions,
): Record<Name, Measurement> {
  const names = Object.keys(contenders) as Name[];
  for (let index = 0; index < options.warmupRounds; index++) for (const name of names) contenders[name]();
  const rates = new Map<Name, number[]>(names.map((name) => [name, []]));
  for (let index = 0; index < options.rounds; index++) {
    for (const name of names) {
      const start = process.hrtime.bigint();
      contenders[name]();
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      rates.get(name)!.push(operations / seconds);
    }
  }
  return Object.fromEntries(names.map((name) => [name, summarise(rates.get(name)!)])) as Record<Name, Measurement>;
}

function summarise(rates: number[]): Measurement {
  const sorted = [...rates].sort((a, b) => a - b);
  return { perSecond: sorted[Math.floor(sorted.length / 2)]!, best: sorted[sorted.length - 1]!, rounds: rates };
}
