// Two builds of the managed sender in one process, interleaved, into the same byte-counting TLS
// server (NEW_ROOT's bench build): µs of CPU per notification (both threads) from the first
// write() until the server holds every byte, 200,000 notifications on one connection, each run
// after a full collection as client.bench's are. Each build runs with its own defaults plus
// `--options` (JSON, for both), e.g. '{"checkpointEvery":0,"writeBufferBytes":262144}' for the
// settings the sender had before checkpoints.
//
//   node --expose-gc packages/client/bench/compare-sender.mjs OLD_ROOT [NEW_ROOT] [--options JSON] [--runs 10]
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { options: { type: 'string', default: '{}' }, runs: { type: 'string', default: '10' } } });
const [oldRoot, newRoot = '.'] = positionals;
if (oldRoot === undefined) throw new Error('usage: compare-sender.mjs OLD_ROOT [NEW_ROOT] [--options JSON] [--runs N]');
if (typeof globalThis.gc !== 'function') throw new Error('run with node --expose-gc');
const extra = JSON.parse(values.options);
const runs = Number(values.runs);
const COUNT = 200_000;

const load = (root, path) => import(pathToFileURL(resolve(root, path)).href);
const { MockHost } = await load(newRoot, 'packages/client/bench/dist/mock-host.js');
const { PAYLOAD_BYTES: payload, benchTokens } = await load(newRoot, 'packages/client/bench/dist/fixtures.js');
const { encodedLength } = await load(newRoot, 'packages/codec/dist/src/index.js');
const builds = {
  old: (await load(oldRoot, 'packages/client/dist/src/index.js')).createSender,
  new: (await load(newRoot, 'packages/client/dist/src/index.js')).createSender,
};

const host = await MockHost.start();
const { gateway } = host;
const tokens = benchTokens(0x51, COUNT);
const frameBytes = encodedLength({ token: tokens[0], payload });

/** One run: CPU µs per notification, after a first notification has opened the connection. */
async function run(createSender) {
  await host.resetSink();
  const sender = createSender({
    address: { host: gateway.host, port: gateway.sinkPort },
    tls: { cert: gateway.clientCert, key: gateway.clientKey, ca: gateway.ca },
    connections: 1,
    format: 'frame',
    ...extra,
  });
  await sender.send({ token: tokens[0], payload });
  await host.waitForBytes(frameBytes, 60_000);
  const reached = host.waitForBytes((1 + COUNT) * frameBytes, 60_000);
  globalThis.gc();
  const start = process.cpuUsage();
  for (let index = 0; index < COUNT; index += 1) if (!sender.write({ token: tokens[index], payload })) await sender.ready();
  await reached;
  const used = process.cpuUsage(start);
  await sender.close();
  return (used.user + used.system) / COUNT;
}

const micros = { old: [], new: [] };
try {
  for (let round = 0; round < runs + 2; round += 1) {
    for (const build of round % 2 ? ['old', 'new'] : ['new', 'old']) {
      const cost = await run(builds[build]);
      if (round >= 2) micros[build].push(cost);
    }
  }
} finally {
  await host.close();
}
const sorted = (list) => [...list].sort((a, b) => a - b);
const describe = (list) => `best ${sorted(list)[0].toFixed(2)}, median ${sorted(list)[list.length >> 1].toFixed(2)}`;
console.log(`µs of CPU per notification (both threads), ${runs} runs each, options ${JSON.stringify(extra)}:`);
console.log(`  old ${oldRoot}: ${describe(micros.old)}`);
console.log(`  new ${newRoot}: ${describe(micros.new)}`);
