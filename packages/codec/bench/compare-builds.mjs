// Two builds of the codec in one process, their encoders interleaved: M frames per CPU-second,
// median of the rounds, and the ratio. For comparing a change with the code before it without the
// host's drift (both are timed alike, minute by minute). Both outputs are checked equal first.
//
//   git clone . /tmp/old && (cd /tmp/old && git checkout <commit> && node scripts/setup.mjs)
//   node packages/codec/bench/compare-builds.mjs /tmp/old . [rounds]
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [oldRoot = '', newRoot = '.', roundsText = '9'] = process.argv.slice(2);
if (oldRoot === '') throw new Error('usage: compare-builds.mjs OLD_ROOT [NEW_ROOT] [ROUNDS]');
const TOKEN = Buffer.from('740f4707bebcf74f9b7c25d48e3358945f6aa01da5ddb387462c7eaf61bb78ad', 'hex');
const PAYLOAD = Buffer.from('{"aps":{"alert":"Your order #12345 has shipped and arrives Tuesday","badge":3,"sound":"default"}}');
const FRAMES = 300_000;
const load = (root, file) => import(pathToFileURL(resolve(root, 'packages/codec/dist/src', file)).href);
const builds = {};
for (const [name, root] of [['old', oldRoot], ['new', newRoot]]) {
  const codec = await load(root, 'index.js');
  // Older builds exported the wire helpers from the package root.
  const wire = codec.writeWire ? codec : await load(root, 'wire.js');
  builds[name] = loops(codec, wire, name);
}


/** Each build gets its own loop functions (distinct source, so no shared feedback). */
function loops(codec, wire, tag) {
  const notification = { token: TOKEN, payload: PAYLOAD, id: 0x01020304, expiry: 1_600_000_000, priority: 10 };
  const checked = wire.toWireNotification(notification);
  const batch = Buffer.alloc(1024 * 200);
  const make = (parameters, body, ...values) => new Function(...parameters, `/* ${tag} */ ${body}`).bind(null, ...values);
  return {
    batch,
    NotificationEncoder: make(['E', 'n', 'batch', 'N'], 'const e = new E(); let o = 0; for (let i = 0; i < N; i++) { if (o + e.prepare(n) > batch.length) o = 0; o = e.writePrepared(batch, o, i + 1); } return o;', codec.NotificationEncoder, notification, batch, FRAMES),
    encodeNotificationInto: make(['f', 'n', 'batch', 'N'], 'let o = 0; for (let i = 0; i < N; i++) { if (o + 200 > batch.length) o = 0; o += f(n, batch, o); } return o;', codec.encodeNotificationInto, notification, batch, FRAMES),
    writeWire: make(['f', 'w', 'batch', 'N'], "let o = 0; for (let i = 0; i < N; i++) { if (o + 200 > batch.length) o = 0; o = f(w, batch, o, 'frame'); } return o;", wire.writeWire, checked, batch, FRAMES),
    encodeNotification: make(['f', 'n', 'N'], 'let c = 0; for (let i = 0; i < N; i++) c ^= f(n)[10]; return c;', codec.encodeNotification, notification, FRAMES),
  };
}

const names = ['NotificationEncoder', 'encodeNotificationInto', 'writeWire', 'encodeNotification'];
for (const name of names.slice(1, 3)) {
  builds.old[name]();
  builds.new[name]();
  if (!builds.old.batch.subarray(0, 4096).equals(builds.new.batch.subarray(0, 4096))) throw new Error(`${name}: the builds wrote different bytes`);
}
const rates = Object.fromEntries(names.map((name) => [name, { old: [], new: [] }]));
const rounds = Number(roundsText);
for (let round = 0; round < rounds + 2; round++) {
  for (const name of names) {
    for (const build of round % 2 ? ['old', 'new'] : ['new', 'old']) {
      const start = process.cpuUsage();
      builds[build][name]();
      const used = process.cpuUsage(start);
      // The first two rounds warm up.
      if (round >= 2) rates[name][build].push(FRAMES / (used.user + used.system));
    }
  }
}
const median = (values) => [...values].sort((a, b) => a - b)[values.length >> 1];
console.log(`M frames per CPU-second, median of ${rounds} interleaved rounds (old: ${oldRoot}, new: ${newRoot})`);
for (const name of names) {
  const { old, new: current } = rates[name];
  console.log(`${name.padEnd(24)} old ${median(old).toFixed(2).padStart(6)}  new ${median(current).toFixed(2).padStart(6)}  new/old ${(median(current) / median(old)).toFixed(2)}`);
}
