// Two builds' apns-send as whole processes, interleaved, on the same generated tokens file into the
// same byte-counting TLS server (NEW_ROOT's bench build): milliseconds from spawn to exit. Each
// build runs as shipped
// (dist/bin), or from tsc's output (dist/src/cli) for builds from before the bundles. `--count 1`
// measures start-up alone.
//
//   node packages/client/bench/compare-cli.mjs OLD_ROOT [NEW_ROOT] [--count 1000000] [--runs 8] [--args '--checkpoint-every 0']
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { count: { type: 'string', default: '1000000' }, runs: { type: 'string', default: '8' }, args: { type: 'string', default: '' } },
});
const [oldRoot, newRoot = '.'] = positionals;
if (oldRoot === undefined) throw new Error('usage: compare-cli.mjs OLD_ROOT [NEW_ROOT] [--count N] [--runs N] [--args "FLAGS"]');
const count = Number(values.count);
const runs = Number(values.runs);
const extraArgs = values.args.split(' ').filter(Boolean);

const load = (root, path) => import(pathToFileURL(resolve(root, path)).href);
const { MockHost } = await load(newRoot, 'packages/client/bench/dist/mock-host.js');
const { PAYLOAD_TEXT, benchToken } = await load(newRoot, 'packages/client/bench/dist/fixtures.js');

/** The build's apns-send as shipped, else tsc's output. */
function cliOf(root) {
  const shipped = resolve(root, 'packages/client/dist/bin/apns-send.js');
  return existsSync(shipped) ? shipped : resolve(root, 'packages/client/dist/src/cli/apns-send.js');
}

const scratch = mkdtempSync(join(tmpdir(), 'compare-cli-'));
const host = await MockHost.start();
try {
  const { gateway } = host;
  const files = { tokens: join(scratch, 'tokens.txt'), ca: join(scratch, 'ca.pem'), cert: join(scratch, 'cert.pem'), key: join(scratch, 'key.pem') };
  writeFileSync(files.ca, gateway.ca);
  writeFileSync(files.cert, gateway.clientCert);
  writeFileSync(files.key, gateway.clientKey);
  const out = createWriteStream(files.tokens);
  for (let start = 0; start < count; start += 10_000) {
    let text = '';
    for (let index = start; index < Math.min(count, start + 10_000); index += 1) text += benchToken(0x41, index).toString('hex') + '\n';
    if (!out.write(text)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'close');

  const builds = [
    { name: 'old', cli: cliOf(oldRoot), wall: [] },
    { name: 'new', cli: cliOf(newRoot), wall: [] },
  ];
  for (const build of builds) console.log(`${build.name}: ${build.cli}`);
  const args = ['--gateway', `${gateway.host}:${gateway.sinkPort}`, '--ca', files.ca, '--cert', files.cert, '--key', files.key, '--tokens-file', files.tokens, '--payload', PAYLOAD_TEXT, '--json', ...extraArgs];
  for (let round = 0; round < runs; round += 1) {
    for (const build of builds) {
      await host.resetSink();
      const start = performance.now();
      const child = spawn(process.execPath, [build.cli, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
      let stdout = '';
      child.stdout.setEncoding('utf8').on('data', (text) => (stdout += text));
      const [code] = await once(child, 'exit');
      build.wall.push(performance.now() - start);
      const totals = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}');
      if (code !== 0 || totals.delivered !== count) throw new Error(`${build.name}: exit ${code}, totals ${JSON.stringify(totals)}`);
    }
  }
  const summary = (numbers) => {
    const sorted = [...numbers].sort((a, b) => a - b);
    return `${sorted[0].toFixed(0)}/${sorted[sorted.length >> 1].toFixed(0)} ms`;
  };
  console.log(`\n${count.toLocaleString('en-US')} tokens, ${runs} interleaved runs each, spawn to exit, best/median`);
  for (const build of builds) console.log(`${build.name}  ${summary(build.wall)}`);
} finally {
  await host.close();
  rmSync(scratch, { recursive: true, force: true });
}
