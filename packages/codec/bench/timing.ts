// Timing: warm-up rounds, then measured rounds taken in turn across every contender of a group,
// so load from elsewhere on the machine hits them alike. Each round is timed twice: by the
// process's CPU time (what the code costs, steady on a shared machine) and by the wall clock.

export interface Measurement {
  /** Frames per CPU-second of this process, median of the rounds. */
  readonly perCpuSecond: number;
  /** Frames per wall-clock second, median of the rounds. */
  readonly perSecond: number;
  /** Best wall-clock round. */
  readonly bestPerSecond: number;
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
  const cpuRates = new Map<Name, number[]>(names.map((name) => [name, []]));
  const wallRates = new Map<Name, number[]>(names.map((name) => [name, []]));
  for (let index = 0; index < options.rounds; index++) {
    for (const name of names) {
      const cpuStart = process.cpuUsage();
      const wallStart = process.hrtime.bigint();
      contenders[name]();
      const wallSeconds = Number(process.hrtime.bigint() - wallStart) / 1e9;
      const cpu = process.cpuUsage(cpuStart);
      cpuRates.get(name)!.push(operations / ((cpu.user + cpu.system) / 1e6));
      wallRates.get(name)!.push(operations / wallSeconds);
    }
  }
  const summary = (name: Name): Measurement => {
    const wall = sorted(wallRates.get(name)!);
    return { perCpuSecond: median(sorted(cpuRates.get(name)!)), perSecond: median(wall), bestPerSecond: wall[wall.length - 1]! };
  };
  return Object.fromEntries(names.map((name) => [name, summary(name)])) as Record<Name, Measurement>;
}

function sorted(values: readonly number[]): number[] {
  return [...values].sort((a, b) => a - b);
}

function median(values: readonly number[]): number {
  return values[Math.floor(values.length / 2)]!;
}
