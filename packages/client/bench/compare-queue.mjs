// Two builds of the client's frame queue in one process, interleaved: ns of CPU per notification
// to check, encode and queue 200,000 notifications (the sender's write() without the socket), and
// to number their frames as a connection does before writing. With --gc each round starts after a
// full collection, as each client.bench run does (collectGarbage() before timing).
//
//   node --expose-gc packages/client/bench/compare-queue.mjs /tmp/old . [--gc]
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [oldRoot = '', newRoot = '.'] = process.argv.slice(2).filter((argument) => !argument.startsWith('--'));
if (oldRoot === '') throw new Error('usage: compare-queue.mjs OLD_ROOT [NEW_ROOT] [--gc]');
const collect = process.argv.includes('--gc');
if (collect && typeof globalThis.gc !== 'function') throw new Error('--gc needs node --expose-gc');
const COUNT = 200_000;
const HIGH_WATER_MARK = 8192;
const payload = Buffer.alloc(98, 0x41);
const tokens = [];
for (let index = 0; index < COUNT; index++) {
  const token = Buffer.alloc(32, 0x5a);
  token.writeUInt32BE(index, 0);
  tokens.push(token);
}

/** Each build gets its own loop (distinct source, so no shared feedback). */
async function loop(root, tag) {
  const { FrameQueue } = await import(pathToFileURL(resolve(root, 'packages/client/dist/src/frame-queue.js')).href);
  const body = `/* ${tag} */ const queue = new FrameQueue();
    for (let index = 0; index < tokens.length; index++) {
      queue.appendNotification({ token: tokens[index], payload }, 'frame', 2048);
      if (queue.count >= HIGH_WATER_MARK) for (let chunk = queue.shift(); chunk !== undefined; chunk = queue.shift()) chunk.numberFrames(index, 'frame');
    }
    return queue.count;`;
  return new Function('FrameQueue', 'tokens', 'payload', 'HIGH_WATER_MARK', body).bind(null, FrameQueue, tokens, payload, HIGH_WATER_MARK);
}

const loops = { old: await loop(oldRoot, 'old'), new: await loop(newRoot, 'new') };
const nanos = { old: [], new: [] };
for (let round = 0; round < 14; round++) {
  for (const build of round % 2 ? ['old', 'new'] : ['new', 'old']) {
    if (collect) globalThis.gc();
    const start = process.cpuUsage();
    loops[build]();
    const used = process.cpuUsage(start);
    if (round >= 2) nanos[build].push(((used.user + used.system) * 1000) / COUNT);
  }
}
const median = (values) => [...values].sort((a, b) => a - b)[values.length >> 1];
console.log(`ns of CPU per notification, median of 12 rounds${collect ? ', each after a full collection' : ''}: old ${median(nanos.old).toFixed(0)}, new ${median(nanos.new).toFixed(0)}`);
