// apns-send as a whole process: the built CLI reads a generated file of 1,000,000 tokens and
// sends them into a TLS server that only counts bytes (and answers the closing probe), timed
// from spawn to exit. Beside it, in the same run: a raw TLS writer of pre-encoded frames into the
// same server (the ceiling), the library alone (the sender fed from memory, by write() and by
// writeMany()) and node-apn 1.7.8.
//
//   node packages/client/bench/dist/cli.bench.js [--count 1000000] [--runs 3] [--node-apn-count 20000] [--profile DIR]
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { encodedLength } from '@apnskit/codec';
import { encodeProbeFrame } from '@apnskit/codec/wire';
import { runSenderIntoSink } from './apnskit-sender.js';
import { benchToken, PAYLOAD_BYTES, PAYLOAD_TEXT } from './fixtures.js';
import { MockHost } from './mock-host.js';
import { clock } from './mock-protocol.js';
import { runNodeApn } from './node-apn.js';
import { runRawIntoSink } from './raw-socket.js';
import { best, formatRate, median } from './report.js';

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '1000000' },
    runs: { type: 'string', default: '3' },
    'node-apn-count': { type: 'string', default: '20000' },
    profile: { type: 'string' },
  },
});
function positiveInteger(name: string, text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 1) throw new Error(`--${name} must be a whole number >= 1, got ${JSON.stringify(text)}`);
  return value;
}
const count = positiveInteger('count', values.count);
const runs = positiveInteger('runs', values.runs);
const nodeApnCount = positiveInteger('node-apn-count', values['node-apn-count']);
const RUN_TIMEOUT_MS = 300_000;
const TAGS = { cli: 0x41, raw: 0x42, library: 0x43, nodeApn: 0x44 } as const;
const CLI = fileURLToPath(new URL('../../dist/bin/apns-send.js', import.meta.url));
const FRAME_BYTES = encodedLength({ token: benchToken(0, 0), payload: PAYLOAD_BYTES });
const PROBE_BYTES = encodeProbeFrame(1).length;

/** Writes the tokens file: one lowercase hex token per line, as a user's export would be. */
async function writeTokensFile(path: string): Promise<void> {
  const out = createWriteStream(path);
  const LINES_PER_WRITE = 10_000;
  for (let start = 0; start < count; start += LINES_PER_WRITE) {
    let text = '';
    for (let index = start; index < Math.min(count, start + LINES_PER_WRITE); index += 1) text += benchToken(TAGS.cli, index).toString('hex') + '\n';
    if (!out.write(text)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'close');
}

interface CliFiles {
  readonly tokens: string;
  readonly ca: string;
  readonly cert: string;
  readonly key: string;
}

interface CliRun {
  readonly elapsedMs: number;
}

/**
 * Where NODE_EXTRA_CA_CERTS is set (it is on the project's machine: the system bundle, about 140
 * certificates), every node process parses that file as it starts, before any of its own code
 * runs: 20-35 ms of each apns-send run here. So the CLI runs twice a round, in the environment
 * as inherited and with that variable removed (as on a machine that does not set it).
 */
const EXTRA_CA = process.env.NODE_EXTRA_CA_CERTS;
const WITHOUT_EXTRA_CA: NodeJS.ProcessEnv = { ...process.env };
delete WITHOUT_EXTRA_CA.NODE_EXTRA_CA_CERTS;

/** Spawn to exit of `apns-send --json`; checks the exit code, the totals line and the bytes the server got. */
async function runCli(host: MockHost, files: CliFiles, profileDir: string | undefined, tokens = count, env: NodeJS.ProcessEnv = process.env): Promise<CliRun> {
  await host.resetSink();
  const args = [
    ...(profileDir ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : []),
    CLI,
    '--gateway', `${host.gateway.host}:${host.gateway.sinkPort}`,
    '--ca', files.ca, '--cert', files.cert, '--key', files.key,
    ...(tokens === count ? ['--tokens-file', files.tokens] : ['--token', benchToken(TAGS.cli, 0).toString('hex')]),
    '--payload', PAYLOAD_TEXT,
    '--json',
  ];
  const start = clock();
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
  child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  const [code] = (await once(child, 'exit')) as [number | null];
  const elapsedMs = clock() - start;
  const totals = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as Record<string, number>;
  if (code !== 0 || totals.sent !== tokens || totals.delivered !== tokens || totals.resent !== 0) {
    throw new Error(`apns-send did not deliver the file: exit ${code}, totals ${JSON.stringify(totals)}, stderr ${stderr.slice(0, 500)}`);
  }
  // Every frame and the probe reached the server, nothing more.
  await host.waitForBytes(tokens * FRAME_BYTES + PROBE_BYTES, RUN_TIMEOUT_MS);
  return { elapsedMs };
}

const scratch = mkdtempSync(join(tmpdir(), 'apns-send-bench-'));
const host = await MockHost.start();
try {
  const files = { tokens: join(scratch, 'tokens.txt'), ca: join(scratch, 'ca.pem'), cert: join(scratch, 'client-cert.pem'), key: join(scratch, 'client-key.pem') };
  writeFileSync(files.ca, host.gateway.ca);
  writeFileSync(files.cert, host.gateway.clientCert);
  writeFileSync(files.key, host.gateway.clientKey);
  await writeTokensFile(files.tokens);
  console.log(`${count.toLocaleString('en-US')} tokens in a file, ${PAYLOAD_BYTES.length}-byte payload (${FRAME_BYTES}-byte frames), into a byte-counting TLS server on the mock's thread`);
  // A first round checks every contender (the CLI run checks itself every time).
  await runCli(host, files, undefined);
  await runNodeApn(host, TAGS.nodeApn, 2000, RUN_TIMEOUT_MS);

  const cli: number[] = [];
  const cliClean: number[] = [];
  const raw: number[] = [];
  const library: number[] = [];
  const libraryMany: number[] = [];
  const nodeApn: number[] = [];
  const fixedMs: number[] = [];
  const fixedCleanMs: number[] = [];
  for (let round = 1; round <= runs; round += 1) {
    fixedMs.push((await runCli(host, files, undefined, 1)).elapsedMs);
    cli.push((count * 1000) / (await runCli(host, files, values.profile)).elapsedMs);
    if (EXTRA_CA !== undefined) {
      fixedCleanMs.push((await runCli(host, files, undefined, 1, WITHOUT_EXTRA_CA)).elapsedMs);
      cliClean.push((count * 1000) / (await runCli(host, files, undefined, count, WITHOUT_EXTRA_CA)).elapsedMs);
    }
    raw.push((count * 1000) / (await runRawIntoSink(host, TAGS.raw, count, RUN_TIMEOUT_MS)).elapsedMs);
    library.push((count * 1000) / (await runSenderIntoSink(host, TAGS.library, count, RUN_TIMEOUT_MS, 'write')).elapsedMs);
    libraryMany.push((count * 1000) / (await runSenderIntoSink(host, TAGS.library, count, RUN_TIMEOUT_MS, 'writeMany')).elapsedMs);
    nodeApn.push((nodeApnCount * 1000) / (await runNodeApn(host, TAGS.nodeApn, nodeApnCount, RUN_TIMEOUT_MS)));
    console.log(
      `round ${round}: apns-send ${formatRate(cli.at(-1)!)}/s${EXTRA_CA !== undefined ? ` (without NODE_EXTRA_CA_CERTS ${formatRate(cliClean.at(-1)!)}/s)` : ''}, ` +
        `raw ${formatRate(raw.at(-1)!)}/s, library ${formatRate(library.at(-1)!)}/s (writeMany ${formatRate(libraryMany.at(-1)!)}/s), node-apn ${formatRate(nodeApn.at(-1)!)}/s`,
    );
  }
  const ceiling = best(raw);
  const baseline = best(nodeApn);
  const cliRows: Array<readonly [string, number[], number[]]> = [['apns-send, whole process (spawn to exit)', cli, fixedMs]];
  if (EXTRA_CA !== undefined) cliRows.push(['  same, without NODE_EXTRA_CA_CERTS', cliClean, fixedCleanMs]);
  console.log('\ncontender                                  best (/s)   median (/s)  % of raw (best)  x node-apn (best)');
  for (const [name, rates] of [
    ...cliRows,
    ['raw TLS writer, pre-encoded frames', raw],
    ['library alone, write() per token', library],
    ['library alone, writeMany() (as apns-send)', libraryMany],
    [`node-apn 1.7.8 (${nodeApnCount.toLocaleString('en-US')}, into the mock)`, nodeApn],
  ] as const) {
    console.log(
      `${name.padEnd(42)} ${formatRate(best(rates)).padStart(10)}  ${formatRate(median(rates)).padStart(12)}  ${((best(rates) / ceiling) * 100).toFixed(1).padStart(14)}%  ${(best(rates) / baseline).toFixed(1).padStart(16)}x`,
    );
  }
  console.log('');
  for (const [name, rates, fixed] of cliRows) {
    const ratios = rates.map((rate, round) => rate / raw[round]!);
    console.log(`${name.trim()} over the raw writer round by round: ${ratios.map((ratio) => `${(ratio * 100).toFixed(1)}%`).join(', ')} (median ${(median(ratios) * 100).toFixed(1)}%)`);
    console.log(`  with one token (start-up, handshake, probe, exit): ${Math.min(...fixed).toFixed(0)} ms best, ${median(fixed).toFixed(0)} ms median`);
  }
  console.log(`the raw writer needs ${((count / ceiling) * 1000).toFixed(0)} ms for all ${count.toLocaleString('en-US')}`);
  console.log('');
  for (const [name, rates] of cliRows) {
    const share = best(rates) / ceiling;
    const times = best(rates) / baseline;
    console.log(`targets, ${name.trim()}: >= 35% of the raw writer: ${(share * 100).toFixed(1)}% ${share >= 0.35 ? 'met' : 'NOT met'}; >= 30x node-apn: ${times.toFixed(1)}x ${times >= 30 ? 'met' : 'NOT met'}`);
  }
  if (values.profile) console.log(`CPU profiles of the apns-send runs in ${values.profile}`);
} finally {
  await host.close();
  rmSync(scratch, { recursive: true, force: true });
}
