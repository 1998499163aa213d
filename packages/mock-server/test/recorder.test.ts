// The recorder keeps runs of accepted packets as bytes and decodes them only when read.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { encodeNotification } from '@apnskit/codec';
import { ReceivedBytes, SLAB_BYTES } from '../src/received-bytes.js';
import { NotificationRecorder } from '../src/recorder.js';

const tokenOf = (id: number): string => id.toString(16).padStart(64, '0');
const frameOf = (id: number, payload = `{"n":${id}}`): Buffer => encodeNotification({ token: tokenOf(id), payload, id }, 'frame');

/** Records frames `ids` as one run, in a buffer with other bytes around it. */
function recordRun(recorder: NotificationRecorder, ids: number[], connection: number, receivedAt: number): void {
  const packets = Buffer.concat(ids.map((id) => frameOf(id)));
  const source = Buffer.concat([Buffer.from('before'), packets, Buffer.from('after')]);
  recorder.recordRun(source, 6, 6 + packets.length, ids.length, connection, receivedAt);
  source.fill(0); // the recorder copied what it keeps
}

test('runs read back in order, whole or in any range, with their connection and time', () => {
  const recorder = new NotificationRecorder(2048);
  recordRun(recorder, [1, 2, 3], 1, 1000);
  recordRun(recorder, [4], 2, 2000);
  recordRun(recorder, [5, 6], 1, 3000);
  assert.is(recorder.count, 6);
  const all = recorder.all();
  assert.equal(all.map((n) => n.id), [1, 2, 3, 4, 5, 6]);
  assert.equal(all.map((n) => n.connection), [1, 1, 1, 2, 1, 1]);
  assert.equal(all.map((n) => n.receivedAt), [1000, 1000, 1000, 2000, 3000, 3000]);
  assert.equal(all[3]!.payload, { n: 4 });
  assert.is(all[3]!.token, tokenOf(4));
  for (let from = 0; from <= 6; from++) {
    for (let to = from; to <= 7; to++) assert.equal(recorder.range(from, to).map((n) => n.id), all.slice(from, to).map((n) => n.id), `[${from}, ${to})`);
  }
  assert.is(recorder.all()[2], all[2], 'views are made once');
});

test('ranges before anything is materialised decode only the runs they touch', () => {
  const recorder = new NotificationRecorder(2048);
  for (let run = 0; run < 50; run++) recordRun(recorder, [run * 2 + 1, run * 2 + 2], 1, run);
  assert.equal(recorder.range(57, 61).map((n) => n.id), [58, 59, 60, 61]);
  assert.equal(recorder.range(-5, 2).map((n) => n.id), [1, 2]);
  assert.equal(recorder.range(99, 500).map((n) => n.id), [100]);
  assert.equal(recorder.all().length, 100);
});

test('clear forgets everything; the bytes store reuses its slabs', () => {
  const recorder = new NotificationRecorder(2048);
  recordRun(recorder, [1, 2], 1, 0);
  recorder.clear();
  assert.is(recorder.count, 0);
  assert.equal(recorder.all(), []);
  assert.equal(recorder.range(0, 10), []);
  recordRun(recorder, [7], 3, 0);
  assert.equal(recorder.all().map((n) => [n.id, n.connection]), [[7, 3]]);

  const bytes = new ReceivedBytes();
  bytes.keep(Buffer.from('abc'), 0, 3);
  const firstSlab = bytes.bytes(0, 0, 3).buffer;
  bytes.clear();
  bytes.keep(Buffer.from('xyz'), 1, 3);
  assert.is(bytes.bytes(bytes.lastSlab, bytes.lastOffset, 2).buffer, firstSlab);
  assert.is(bytes.bytes(bytes.lastSlab, bytes.lastOffset, 2).toString(), 'yz');
});

test('a run longer than a slab gets a slab of its own, and the next run a fresh one', () => {
  const bytes = new ReceivedBytes();
  bytes.keep(Buffer.alloc(10, 1), 0, 10);
  const big = Buffer.alloc(SLAB_BYTES + 100, 2);
  bytes.keep(big, 0, big.length);
  assert.equal([bytes.lastSlab, bytes.lastOffset], [1, 0]);
  assert.is(bytes.bytes(1, 0, big.length).length, big.length);
  bytes.keep(Buffer.alloc(5, 3), 0, 5);
  assert.equal([bytes.lastSlab, bytes.lastOffset], [2, 0]);
  assert.equal([...bytes.bytes(0, 0, 10)], Array(10).fill(1));
});

test.run();
