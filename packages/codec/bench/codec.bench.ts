// Frames encoded and decoded per second by @apnskit/codec, each beside a hand-written Buffer
// baseline measured in the same run. Every contender's output is checked before it is timed.
// Run: pnpm --filter @apnskit/codec-bench bench   (or: node packages/codec/bench/dist/codec.bench.js [--quick])
import { cpus, loadavg } from 'node:os';
import {
  baselineDecodeLoop,
  baselineEncodeIntoLoop,
  baselineEncodeLoop,
  decodeLoop,
  encodeIntoLoop,
  encodeLoop,
  encoderLoop,
  encoderTextLoop,
  notification,
  scanLoop,
  scanRunsLoop,
  sink,
  textNotification,
  writeWireLoop,
} from './contenders.js';
import { chunkedStream, FRAME_LENGTH, PAYLOAD, PUSHY_ORDER_FRAME } from './fixtures.js';
import { measureGroup, type Measurement, type TimingOptions } from './timing.js';
import { validateDecoders, validateEncoders } from './validate.js';

const quick = process.argv.includes('--quick');
const TIMING: TimingOptions = quick ? { warmupRounds: 1, rounds: 3 } : { warmupRounds: 3, rounds: 11 };
const ENCODE_FRAMES = quick ? 100_000 : 500_000;
const DECODE_FRAMES = quick ? 100_000 : 400_000;
const CHUNK_SIZE = 64 * 1024;
const TARGETS = { encodeInto: 5e6, decode: 3e6 };

interface Row {
  readonly name: string;
  readonly result: Measurement;
  readonly baseline: Measurement;
  readonly target?: number;
}

function main(): void {
  // 64 KiB chunks cut frames anywhere, as socket reads do.
  const stream = chunkedStream(DECODE_FRAMES, CHUNK_SIZE);
  const pushyStream = chunkedStream(DECODE_FRAMES, CHUNK_SIZE, PUSHY_ORDER_FRAME);
  validateEncoders();
  validateDecoders(stream, DECODE_FRAMES);
  validateDecoders(pushyStream, DECODE_FRAMES);
  for (const scan of [scanLoop, scanRunsLoop]) {
    const counted = scan(stream);
    if (counted !== DECODE_FRAMES) throw new Error(`${scan.name} accepted ${counted} of ${DECODE_FRAMES} frames`);
  }

  // Groups that allocate per frame are timed apart from those that do not, so that collecting
  // one contender's garbage is not charged to another.
  const allocating = measureGroup(
    ENCODE_FRAMES,
    { baseline: () => baselineEncodeLoop(ENCODE_FRAMES), encode: () => encodeLoop(ENCODE_FRAMES) },
    TIMING,
  );
  const batched = measureGroup(
    ENCODE_FRAMES,
    {
      baseline: () => baselineEncodeIntoLoop(ENCODE_FRAMES),
      encodeInto: () => encodeIntoLoop(ENCODE_FRAMES),
      writeWire: () => writeWireLoop(ENCODE_FRAMES),
      encoder: () => encoderLoop(ENCODE_FRAMES, notification),
      encoderText: () => encoderTextLoop(ENCODE_FRAMES, textNotification),
    },
    TIMING,
  );
  const decoding = measureGroup(DECODE_FRAMES, { baseline: () => baselineDecodeLoop(stream), decode: () => decodeLoop(stream) }, TIMING);
  // The scanner allocates nothing per frame: timed in a group of its own.
  const scanning = measureGroup(
    DECODE_FRAMES,
    { baseline: () => baselineDecodeLoop(stream), scan: () => scanLoop(stream), scanRuns: () => scanRunsLoop(stream) },
    TIMING,
  );
  const decodingPushy = measureGroup(
    DECODE_FRAMES,
    { baseline: () => baselineDecodeLoop(pushyStream), decode: () => decodeLoop(pushyStream) },
    TIMING,
  );
  print([
    { name: 'encodeNotification (one allocation each)', result: allocating.encode, baseline: allocating.baseline },
    { name: 'encodeNotificationInto (batch buffer)', result: batched.encodeInto, baseline: batched.baseline, target: TARGETS.encodeInto },
    { name: 'writeWire (pre-checked, batch buffer)', result: batched.writeWire, baseline: batched.baseline },
    { name: 'NotificationEncoder (batch buffer)', result: batched.encoder, baseline: batched.baseline },
    { name: 'NotificationEncoder, hex token + text', result: batched.encoderText, baseline: batched.baseline },
    { name: 'NotificationDecoder (64 KiB chunks)', result: decoding.decode, baseline: decoding.baseline, target: TARGETS.decode },
    { name: 'NotificationDecoder, items 3,1,2,4,5', result: decodingPushy.decode, baseline: decodingPushy.baseline },
    { name: 'NotificationScanner (checks, no parse)', result: scanning.scan, baseline: scanning.baseline },
    { name: 'NotificationScanner, runs taken whole', result: scanning.scanRuns, baseline: scanning.baseline },
  ]);
}

function print(rows: readonly Row[]): void {
  const rate = (value: number): string => (value / 1e6).toFixed(2);
  console.log(`@apnskit/codec, node ${process.version}, ${cpus().length} CPU(s) ${cpus()[0]?.model ?? ''}, load average ${loadavg()[0]!.toFixed(1)}`);
  console.log(
    `frame: ${FRAME_LENGTH} bytes (32-byte token, ${PAYLOAD.length}-byte payload); ` +
      `${TIMING.rounds} interleaved rounds after ${TIMING.warmupRounds} warm-up${quick ? ' (quick)' : ''}`,
  );
  console.log('M frames/s: medians, per CPU-second of this process (steady on a shared machine) and per wall-clock second');
  console.log('baseline: hand-written Buffer code for the same frame, same run; ratio and target: CPU-time figures');
  console.log('');
  const header = ['contender', 'cpu', 'wall (best)', 'baseline cpu', 'ratio', 'target'];
  const lines = rows.map((row) => {
    const met = row.target === undefined ? '' : `>= ${row.target / 1e6}M ${row.result.perCpuSecond >= row.target ? 'met' : 'MISSED'}`;
    return [
      row.name,
      rate(row.result.perCpuSecond),
      `${rate(row.result.perSecond)} (${rate(row.result.bestPerSecond)})`,
      rate(row.baseline.perCpuSecond),
      `${(row.result.perCpuSecond / row.baseline.perCpuSecond).toFixed(2)}x`,
      met,
    ];
  });
  const widths = header.map((title, column) => Math.max(title.length, ...lines.map((line) => line[column]!.length)));
  for (const line of [header, ...lines]) {
    console.log(line.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('  '));
  }
  if (sink.value === 0.5) console.log(''); // never true: keeps the results observable
}

main();
