import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { MockServer } from '@apnskit/mock-server';
import type { Fault } from '@apnskit/mock-server';
import { createSender, type Sender, type SenderOptions } from '../src/index.js';
import { addressOf, checkLedger, PAYLOAD, sendAll, startMock, tlsOf, tokens, watchDuplicates, within } from './helpers.js';

const test = suite<{ mock: MockServer }>('sender');
let tag = 0x100;

test.before(async (context) => {
  context.mock = await startMock();
});
test.before.each(({ mock }) => mock.reset());
test.after(async ({ mock }) => {
  await mock.close();
});

function senderFor(mock: MockServer, options: Partial<SenderOptions> = {}): Sender {
  return createSender({ address: addressOf(mock), tls: tlsOf(mock), probeTimeoutMs: 5000, closeGraceMs: 200, backoff: { initialMs: 10, maxMs: 50 }, ...options });
}

/** Resolves once `condition()` holds (polled). */
function until(condition: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    const poll = setInterval(() => {
      if (!condition()) return;
      clearInterval(poll);
      resolve();
    }, 5);
  });
}

/** Sends `count` tokens under the faults, closes, checks the ledger; returns the report and counts. */
async function run(mock: MockServer, count: number, faults: Fault[], options: Partial<SenderOptions> = {}) {
  for (const fault of faults) mock.faults.add(fault);
  const sender = senderFor(mock, options);
  const possible = watchDuplicates(sender);
  const failedEvents: number[] = [];
  sender.on('failed', (event) => failedEvents.push(event.status));
  const list = tokens(count, (tag += 1));
  await within(sendAll(sender, list), undefined, 'sending');
  const report = await within(sender.close(), undefined, 'close');
  const counts = checkLedger(report, mock, list, possible);
  assert.is(failedEvents.length, report.failed.length, 'one failed event per failed notification');
  return { report, counts, list, possible };
}

test('delivers everything and proves it with the probe', async ({ mock }) => {
  const { report, counts } = await run(mock, 3000, []);
  assert.is(report.delivered, 3000);
  assert.is(report.failed.length, 0);
  assert.is(report.unconfirmedCount, 0);
  assert.is(report.resent, 0);
  assert.is(counts.duplicates, 0);
  assert.is(mock.rejected.length, 1, 'only the probe was rejected');
});

test('an invalid token mid-stream fails alone; the discarded rest is resent, no duplicates', async ({ mock }) => {
  const list = tokens(5000, tag + 1);
  const { report, counts } = await run(mock, 5000, [{ type: 'reject-token', token: list[1234], status: 8 }]);
  assert.is(report.failed.length, 1);
  assert.is(report.failed[0].notification.token, list[1234]);
  assert.is(report.failed[0].status, 8);
  assert.is(report.failed[0].name, 'invalid-token');
  assert.is(report.delivered, 4999);
  assert.is(counts.duplicates, 0);
  assert.is(report.possiblyDuplicated, 0);
});

test('status 10 (shutdown): nothing failed, nothing lost, no duplicates', async ({ mock }) => {
  const { report, counts } = await run(mock, 4000, [{ type: 'shutdown-after', n: 1500 }]);
  assert.is(report.failed.length, 0);
  assert.is(report.delivered, 4000);
  assert.is(counts.duplicates, 0);
  assert.ok(report.resent > 0);
});

test('unknown status bytes fail the named notification', async ({ mock }) => {
  const list = tokens(1000, tag + 1);
  const { report } = await run(mock, 1000, [{ type: 'reject-token', token: list[10], status: 77 }]);
  assert.is(report.failed.length, 1);
  assert.is(report.failed[0].name, 'unknown-77');
});

for (const type of ['close-after', 'reset-after'] as const) {
  test(`${type}: the ambiguous tail is resent and only it may be duplicated`, async ({ mock }) => {
    const { report, possible } = await run(mock, 4000, [{ type, n: 1000 }]);
    assert.is(report.delivered, 4000);
    assert.ok(report.possiblyDuplicated > 0);
    assert.is(report.possiblyDuplicated, possible.size);
  });
}

test('after a silent close the doubtful tail goes out alone on fresh connections, each closed by the probe', async ({ mock }) => {
  const { report, possible } = await run(mock, 6000, [{ type: 'close-after', n: 1500 }], { checkpointEvery: 0 });
  assert.is(report.delivered, 6000);
  assert.is(report.unconfirmedCount, 0);
  const byConnection = new Map<number, string[]>();
  for (const { token, connection } of mock.notifications) byConnection.set(connection, [...(byConnection.get(connection) ?? []), token]);
  // Connection numbers go on from earlier tests: the first of this one is the smallest.
  const first = Math.min(...byConnection.keys());
  const later = [...byConnection].filter(([connection]) => connection > first);
  const settling = later.filter(([, list]) => list.every((token) => possible.has(token)));
  assert.ok(settling.length >= 2, `the tail is settled in batches (${settling.length} settling connections)`);
  for (const [connection, list] of settling) assert.ok(list.length <= 1200, `connection ${connection} settled ${list.length}, about a batch`);
  for (const [connection, list] of later) {
    const doubtful = list.filter((token) => possible.has(token)).length;
    assert.ok(doubtful === 0 || doubtful === list.length, `connection ${connection} mixes ${doubtful} doubtful with ${list.length - doubtful} new`);
  }
});

test('silent closes more often than the window, default options: everything is delivered, nothing runs out of retries', async ({ mock }) => {
  const { report, counts } = await run(mock, 30_000, [{ type: 'close-after', n: 3000, repeat: true }], {});
  assert.is(report.unconfirmedCount, 0);
  assert.is(report.delivered, 30_000);
  assert.ok(report.resent <= 2 * 30_000, `resent ${report.resent}`);
  assert.ok(counts.duplicates <= report.possiblyDuplicated);
});

test('silentClose "unconfirmed": the ambiguous tail is reported, not resent', async ({ mock }) => {
  const { report, counts } = await run(mock, 3000, [{ type: 'close-after', n: 500 }], { silentClose: 'unconfirmed' });
  assert.ok(report.unconfirmed.length > 0);
  assert.ok(report.unconfirmed.every((entry) => entry.reason === 'silent-close'));
  assert.is(report.possiblyDuplicated, 0);
  assert.is(counts.duplicates, 0);
});

test('delayed and split error packets are read whole', async ({ mock }) => {
  const list = tokens(3000, tag + 1);
  const { report, counts } = await run(mock, 3000, [
    { type: 'delay-error', ms: 150 },
    { type: 'split-error', gapMs: 30 },
    { type: 'reject-token', token: list[100] },
    { type: 'reject-token', token: list[2000] },
  ]);
  assert.equal(report.failed.map((entry) => entry.notification.token).sort(), [list[100], list[2000]].sort());
  assert.is(counts.duplicates, 0);
});

test('identifier 0 on a rejection: handled as an unknown identifier, nothing lost', async ({ mock }) => {
  const list = tokens(2000, tag + 1);
  const sender = senderFor(mock);
  const unknown: number[] = [];
  sender.on('unknownIdentifier', (event) => unknown.push(event.id));
  mock.faults.add({ type: 'zero-id' });
  mock.faults.add({ type: 'reject-token', token: list[500], repeat: true });
  const possible = watchDuplicates(sender);
  tag += 1;
  await within(sendAll(sender, list));
  const report = await within(sender.close());
  checkLedger(report, mock, list, possible);
  assert.equal(unknown, [0]);
  assert.is(report.failed.length, 1, 'the resent token is rejected again, this time by name');
  assert.is(report.failed[0].notification.token, list[500]);
});

test('identifier 0 answering the probe confirms delivery', async ({ mock }) => {
  const { report } = await run(mock, 500, [], {});
  assert.is(report.delivered, 500);
  mock.reset();
  const list = tokens(500, (tag += 1));
  const sender = senderFor(mock);
  await sendAll(sender, list);
  await within(mock.waitForNotifications(500));
  mock.faults.add({ type: 'zero-id' });
  const second = await within(sender.close());
  assert.is(second.delivered, 500);
  assert.is(second.unconfirmedCount, 0);
});

test('reading stalls: send() waits for room (backpressure) and everything arrives', async ({ mock }) => {
  mock.faults.add({ type: 'stall-reads', ms: 300, n: 100 });
  const sender = senderFor(mock, { highWaterMark: 1000, writeBufferBytes: 64 * 1024 });
  const list = tokens(20_000, (tag += 1));
  let waited = 0;
  for (const token of list) {
    const queued = sender.send({ token, payload: '{"aps":{"alert":"stall"}}' });
    if (sender.stats().queued >= 1000) waited += 1;
    await queued;
    assert.ok(sender.stats().queued <= 1000, 'the queue never grows past the high-water mark');
  }
  assert.ok(waited > 0, 'send() had to wait at least once');
  const report = await within(sender.close());
  checkLedger(report, mock, list, new Set());
  assert.is(report.delivered, 20_000);
});

test('write() queues without a promise and says when the queue is full; ready() waits for room', async ({ mock }) => {
  mock.faults.add({ type: 'stall-reads', ms: 300, n: 100 });
  const sender = senderFor(mock, { highWaterMark: 1000, writeBufferBytes: 64 * 1024 });
  const list = tokens(20_000, (tag += 1));
  let full = 0;
  for (const token of list) {
    const room = sender.write({ token, payload: '{"aps":{"alert":"bulk"}}' });
    assert.is(room, sender.stats().queued < 1000, 'false exactly when the queue reached the high-water mark');
    if (!room) {
      full += 1;
      await within(sender.ready(), 10_000, 'ready');
      assert.ok(sender.stats().queued < 1000, 'ready() resolves once there is room');
    }
  }
  assert.ok(full > 0, 'write() reported a full queue at least once');
  assert.is(await sender.ready(), undefined, 'ready() with room resolves at once');
  const report = await within(sender.close());
  checkLedger(report, mock, list, new Set());
  assert.is(report.delivered, 20_000);
  assert.throws(() => sender.write({ token: list[0]!, payload: '{}' }), (error: { code?: string }) => error.code === 'APNS_ERR_SENDER_CLOSED');
  await within(sender.ready(), 1000, 'ready after close');
});

test('writeMany: one notification to many packed tokens, a rejected one failed alone, the whole ledger closes', async ({ mock }) => {
  const list = tokens(6000, (tag += 1));
  mock.faults.add({ type: 'reject-token', token: list[2345]!, status: 8 });
  const sender = senderFor(mock, { highWaterMark: 1000 });
  const possible = watchDuplicates(sender);
  let full = 0;
  for (let start = 0; start < list.length; start += 500) {
    const packed = Buffer.from(list.slice(start, start + 500).join(''), 'hex');
    const room = sender.writeMany({ payload: PAYLOAD, expiry: 1600000000 }, packed);
    assert.is(room, sender.stats().queued < 1000, 'false exactly when the queue reached the high-water mark');
    packed.fill(0); // the sender copied the tokens at once
    if (!room) {
      full += 1;
      await within(sender.ready(), 10_000, 'ready');
    }
  }
  assert.ok(full > 0, 'writeMany reported a full queue');
  assert.is(sender.stats().sent, 6000);
  const report = await within(sender.close());
  checkLedger(report, mock, list, possible);
  assert.is(report.delivered, 5999);
  assert.is(report.failed[0]!.notification.token, list[2345]);
  assert.is(report.failed[0]!.notification.expiry, 1600000000);
  assert.ok(mock.notifications.every((notification) => notification.format === 'frame' && notification.payloadRaw.toString() === PAYLOAD && notification.expiry === 1600000000));
});

test('writeMany checks its input at once and queues nothing on bad input; after close() it throws', async ({ mock }) => {
  const sender = senderFor(mock);
  const two = Buffer.alloc(64, 0xab);
  assert.throws(() => sender.writeMany({ payload: PAYLOAD }, two.subarray(0, 40)), (error: { code?: string; message: string }) => error.code === 'APNS_ERR_INVALID_TOKEN' && /40 bytes/.test(error.message));
  assert.throws(() => sender.writeMany({ payload: '' }, two), (error: { code?: string }) => error.code === 'APNS_ERR_INVALID_PAYLOAD');
  assert.is(sender.stats().sent, 0);
  assert.is(sender.stats().queued, 0);
  const report = await within(sender.close());
  assert.is(report.sent, 0);
  assert.throws(() => sender.writeMany({ payload: PAYLOAD }, two), (error: { code?: string }) => error.code === 'APNS_ERR_SENDER_CLOSED');
});

test('refused handshakes and dropped connections: reconnects with backoff', async ({ mock }) => {
  const { report } = await run(mock, 2000, [
    { type: 'refuse-connections', count: 2 },
    { type: 'drop-connections', count: 1 },
  ]);
  assert.is(report.delivered + report.unconfirmedCount, 2000);
  assert.ok(report.connections >= 3);
});

test('a pool of connections shares the work', async ({ mock }) => {
  const list = tokens(6000, tag + 1);
  const { report, counts } = await run(mock, 6000, [
    { type: 'reject-token', token: list[4000] },
    { type: 'shutdown-after', n: 2500 },
  ], { connections: 3, highWaterMark: 500 });
  assert.is(report.failed.length, 1);
  assert.is(counts.duplicates, 0);
  assert.ok(new Set(mock.notifications.map((n) => n.connection)).size >= 2);
});

test('a tiny window: an answer naming a forgotten identifier is signalled and counted, never misattributed', async ({ mock }) => {
  const list = tokens(3000, tag + 1);
  mock.faults.add({ type: 'delay-error', ms: 200 });
  const sender = senderFor(mock, { window: { maxCount: 50 } });
  const unknown: number[] = [];
  sender.on('unknownIdentifier', (event) => unknown.push(event.forgotten));
  mock.faults.add({ type: 'reject-token', token: list[10] });
  tag += 1;
  await within(sendAll(sender, list));
  const report = await within(sender.close());
  assert.is(unknown.length, 1);
  assert.is(report.failed.length, 0, 'the rejected notification was forgotten: not reported as a wrong one');
  assert.ok(report.forgotten >= 1);
  assert.is(report.delivered + report.unconfirmedCount, 3000);
  checkLedger(report, mock, list, new Set());
});

test('retry limit: a notification resent too often ends unconfirmed', async ({ mock }) => {
  const { report } = await run(mock, 300, [{ type: 'close-after', n: 1, repeat: true }], { maxRetries: 1, reconnectLimit: 50 });
  assert.ok(report.unconfirmed.some((entry) => entry.reason === 'retry-limit'));
});

test('checkpoints bound what a silent close puts in doubt', async ({ mock }) => {
  const { report, counts } = await run(mock, 6000, [{ type: 'close-after', n: 4500 }], { checkpointEvery: 1000 });
  assert.is(report.delivered, 6000);
  assert.ok(report.connections >= 4, `a connection per checkpoint (${report.connections})`);
  assert.ok(report.possiblyDuplicated <= 1000 + 1500, `at most one checkpoint and a chunk in doubt (${report.possiblyDuplicated})`);
  assert.ok(counts.duplicates <= report.possiblyDuplicated);
});

test('a checkpoint waits for no handshake: the successor opens at half way, writes nothing before it, and resumes the TLS session', async ({ mock }) => {
  const opened: { connection: number; resumed: boolean }[] = [];
  const onConnection = ({ connection, resumed }: { connection: number; resumed: boolean }) => opened.push({ connection, resumed });
  mock.on('connection', onConnection);
  try {
    const sender = senderFor(mock, { checkpointEvery: 2000 });
    const possible = watchDuplicates(sender);
    const first = tokens(1200, (tag += 1));
    await sendAll(sender, first);
    await within(mock.waitForNotifications(1200), undefined, 'the first 1200');
    // Past half of its checkpoint, the writing connection has a successor standing by.
    await within(until(() => opened.length === 2), undefined, 'the successor');
    const [writer, successor] = opened;
    assert.ok(mock.notifications.every((notification) => notification.connection === writer!.connection), 'the successor writes nothing before the checkpoint');
    const rest = tokens(4800, (tag += 1));
    await sendAll(sender, rest);
    const report = await within(sender.close(), undefined, 'close');
    checkLedger(report, mock, [...first, ...rest], possible);
    assert.is(report.delivered, 6000);
    // In the order they were sent, each connection took the next run of notifications: none wrote beside another.
    const sentAt = new Map([...first, ...rest].map((token, index) => [token, index]));
    const byConnection = mock.notifications.map(({ token, connection }) => ({ at: sentAt.get(token)!, connection })).sort((a, b) => a.at - b.at);
    assert.ok(byConnection.every(({ connection }, index) => index === 0 || connection >= byConnection[index - 1]!.connection), 'runs in connection order');
    assert.ok(report.connections >= 3, `a connection per checkpoint (${report.connections})`);
    assert.is(writer!.resumed, false, 'the first handshake is a full one');
    assert.ok(successor!.resumed && opened.slice(1).every((event) => event.resumed), `later connections resume the session: ${JSON.stringify(opened)}`);
  } finally {
    mock.off('connection', onConnection);
  }
});

test('an idle connection is proven before its window would forget its frames', async ({ mock }) => {
  const sender = senderFor(mock, { window: { maxAgeMs: 400 } });
  const list = tokens(50, (tag += 1));
  await sendAll(sender, list);
  // No more sends: the connection is probed once its first frame is half the window's age old.
  const proven = new Promise<void>((resolve) => {
    const poll = setInterval(() => {
      if (sender.stats().delivered === 50) {
        clearInterval(poll);
        resolve();
      }
    }, 20);
  });
  await within(proven, undefined, 'the age checkpoint');
  mock.faults.add({ type: 'close-after', n: 1 });
  await sendAll(sender, tokens(10, (tag += 1)));
  const report = await within(sender.close(), undefined, 'close');
  assert.is(report.forgotten, 0);
  assert.is(report.delivered, 60);
  assert.is(report.unconfirmedCount, 0);
});

test('keepDelivered lists the delivered notifications', async ({ mock }) => {
  const { report, list } = await run(mock, 200, [], { keepDelivered: true });
  assert.equal((report.deliveredNotifications ?? []).map((n) => n.token), list);
});

test('send() checks input at once; send() after close() throws', async ({ mock }) => {
  const sender = senderFor(mock);
  assert.throws(() => sender.send({ token: 'nope', payload: '{}' }), /token/);
  const report = await within(sender.close());
  assert.is(report.sent, 0);
  assert.throws(() => sender.send({ token: 'ab'.repeat(32), payload: '{}' }), (error: { code?: string }) => error.code === 'APNS_ERR_SENDER_CLOSED');
  assert.is(sender.close(), sender.close());
});

test.run();
