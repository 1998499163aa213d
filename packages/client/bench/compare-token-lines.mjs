// Two builds' TokenLines (apns-send's token lines, decoded in place) over the same block of
// 1,000,000 lines, interleaved in one process: ns per token, best and median of the passes.
//
//   node packages/client/bench/compare-token-lines.mjs OLD_ROOT [NEW_ROOT] [--passes 9]
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { passes: { type: 'string', default: '9' } } });
const [oldRoot, newRoot = '.'] = positionals;
if (oldRoot === undefined) throw new Error('usage: compare-token-lines.mjs OLD_ROOT [NEW_ROOT] [--passes N]');
const load = async (root) => (await import(pathToFileURL(resolve(root, 'packages/client/dist/src/cli/token-lines.js')).href)).TokenLines;
const builds = { old: await load(oldRoot), new: await load(newRoot) };

const COUNT = 1_000_000;
const LINE_BYTES = 65;
const block = Buffer.alloc(COUNT * LINE_BYTES);
for (let index = 0; index < COUNT; index += 1) {
  const token = Buffer.alloc(32, index & 0xff);
  token.writeUInt32BE(index >>> 0);
  block.write(`${token.toString('hex')}\n`, index * LINE_BYTES, 'latin1');
}

const times = { old: [], new: [] };
for (let pass = 0; pass < Number(values.passes); pass += 1) {
  for (const [name, TokenLines] of Object.entries(builds)) {
    const start = performance.now();
    const lines = new TokenLines(block, 0);
    let tokens = 0;
    for (let kind = lines.next(); kind !== 'end'; kind = lines.next()) tokens += kind === 'token' ? 1 : 0;
    times[name].push(((performance.now() - start) * 1e6) / COUNT);
    if (tokens !== COUNT) throw new Error(`${name} read ${tokens} tokens of ${COUNT}`);
  }
}
for (const [name, list] of Object.entries(times)) {
  const sorted = [...list].sort((a, b) => a - b);
  console.log(`${name}  ${sorted[0].toFixed(1)} ns per token best, ${sorted[sorted.length >> 1].toFixed(1)} median`);
}
