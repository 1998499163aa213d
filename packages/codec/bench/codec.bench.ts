// Frames encoded and decoded per second by @apnskit/codec, each beside a hand-written Buffer
// baseline measured in the same run. Every contender's output is checked before it is timed.
// Run: pnpm --filter @apnskit/codec-bench bench   (or: node packages/codec/bench/dist/codec.bench.js [--quick])
import { cpus } from 'node:os';
import {
  baselineDecodeLoop,
  baselineEncodeIntoLoop,
  baselineEncodeLoop,
  decodeLoop,
  encodeIntoLoop,
  encodeLoop,
  sink,
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

  const encoding = measureGroup(
    ENCODE_FRAMES,
    {
      baselineAlloc: () => baselineEncodeLoop(ENCODE_FRAMES),
      encode: () => encodeLoop(ENCODE_FRAMES),
      baselineBatch: () => baselineEncodeIntoLoop(ENCODE_FRAMES),
      encodeInto: () => encodeIntoLoop(ENCODE_FRAMES),
      writeWire: () => writeWireLoop(ENCODE_FRAMES),
    },
    TIMING,
  );
  const decoding = measureGroup(
    DECODE_FRAMES,
    {
      baseline: () => baselineDecodeLoop(stream),
      decode: () => decodeLoop(stream),
      baselinePushy: () => baselineDecodeLoop(pushyStream),
      decodePushy: () => decodeLoop(pushyStream),
    },
    TIMING,
  );
  print([
    { name: 'encodeNotification (one allocation each)', result: encoding.encode, baseline: encoding.baselineAlloc },
    { name: 'encodeNotificationInto (batch buffer)', result: encoding.encodeInto, baseline: encoding.baselineBatch, target: TARGETS.encodeInto },
    { name: 'writeWire (pre-checked, batch buffer)', result: encoding.writeWire, baseline: encoding.baselineBatch },
    { name: 'NotificationDecoder (64 KiB chunks)', result: decoding.decode, baseline: decoding.baseline, target: TARGETS.decode },
    { name: 'NotificationDecoder, items 3,1,2,4,5', result: decoding.decodePushy, baseline: decoding.baselinePushy },
  ]);
}

function print(rows: readonly Row[]): void {
  const rate = (value: number): string => (value / 1e6).toFixed(2);
  const cell = (m: Measurement): string => `${rate(m.perSecond)} (${rate(m.best)})`.padStart(13);
  console.log(`@apnskit/codec, node ${process.version}, ${cpus().length} CPU(s) ${cpus()[0]?.model ?? ''}`);
  console.log(
    `frame: ${FRAME_LENGTH} bytes (32-byte token, ${PAYLOAD.length}-byte payload); ` +
      `${TIMING.rounds} interleaved rounds after ${TIMING.warmupRounds} warm-up${quick ? ' (quick)' : ''}`,
  );
  console.log('M frames/s: median (best round); ratio: median / baseline median; baseline: hand-written Buffer code, same run');
  console.log('');
  console.log(`${'contender'.padEnd(42)} ${'M frames/s'.padStart(13)} ${'baseline'.padStart(13)} ${'ratio'.padStart(6)}  target`);
  for (const row of rows) {
    const ratio = row.result.perSecond / row.baseline.perSecond;
    const target = row.target ? `>= ${row.target / 1e6}M: ${row.result.perSecond >= row.target ? 'met' : 'MISSED'}` : '';
    console.log(`${row.name.padEnd(42)} ${cell(row.result)} ${cell(row.baseline)} ${ratio.toFixed(2).padStart(5)}x  ${target}`);
  }
  if (sink.value === 0.5) console.log(''); // never true: keeps the results observable
}

main();
