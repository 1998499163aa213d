import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { pollFeedback, type FeedbackEntry, type PollErrorInfo, type PollInfo } from '../src/index.js';
import { delay, fakeServer, pki, tokenHex, tupleBytes, tuples } from './helpers.js';

/** Resolves when `check` holds, polling every few ms; a hang guard fails the test after 10 s. */
async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!check()) {
    if (Date.now() > deadline) assert.unreachable(`timed out waiting for ${what}`);
    await delay(5);
  }
}

test('reads at once, then every interval; stop() ends it with nothing left running', async () => {
  const server = await fakeServer((socket, index) => socket.end(tuples(index + 1, index * 10)));
  const batches: Array<{ entries: FeedbackEntry[]; info: PollInfo }> = [];
  try {
    const poller = pollFeedback({
      address: server.address,
      tls: pki().credentials,
      intervalMs: 20,
      onBatch: (entries, info) => {
        batches.push({ entries, info });
      },
    });
    await until(() => batches.length >= 3, 'three batches');
    await poller.stop();
    assert.equal(batches[0].entries.map((entry) => entry.token), [tokenHex(0)]);
    assert.equal(batches[1].entries.map((entry) => entry.token), [tokenHex(10), tokenHex(11)]);
    assert.equal(batches.slice(0, 3).map((batch) => batch.info.read), [1, 2, 3]);
    assert.ok(poller.reads >= 3);
    const reads = poller.reads;
    await delay(60);
    assert.is(poller.reads, reads, 'no read after stop');
  } finally {
    await server.close();
  }
});

test('survives failures with backoff and delivers tuples read before a failure', async () => {
  // Connection 0: one tuple then a cut one; 1: only a cut one; 2: a clean list.
  const server = await fakeServer((socket, index) => {
    if (index === 0) socket.end(Buffer.concat([tupleBytes(100), tupleBytes(101).subarray(0, 5)]));
    else if (index === 1) socket.end(tupleBytes(200).subarray(0, 1));
    else socket.end(tuples(2, 300));
  });
  const batches: FeedbackEntry[][] = [];
  const errors: Array<{ code: string; info: PollErrorInfo }> = [];
  try {
    const poller = pollFeedback({
      address: server.address,
      tls: pki().credentials,
      intervalMs: 60_000,
      backoff: { initialMs: 10, maxMs: 1000 },
      onBatch: (entries) => {
        batches.push(entries);
      },
      onError: (error, info) => errors.push({ code: (error as { code: string }).code, info }),
    });
    await until(() => batches.length >= 2, 'the batch after the failures');
    await poller.stop();
    assert.equal(batches[0].map((entry) => entry.token), [tokenHex(100)]);
    assert.equal(batches[1].map((entry) => entry.token), [tokenHex(300), tokenHex(301)]);
    assert.equal(errors, [
      { code: 'APNS_ERR_FEEDBACK_TRUNCATED', info: { consecutiveFailures: 1, nextReadInMs: 10 } },
      { code: 'APNS_ERR_FEEDBACK_TRUNCATED', info: { consecutiveFailures: 2, nextReadInMs: 20 } },
    ]);
  } finally {
    await server.close();
  }
});

test('an AbortSignal stops it during the wait; a throwing onBatch is reported, not fatal', async () => {
  const server = await fakeServer((socket) => socket.end(tupleBytes(1)));
  const controller = new AbortController();
  const errors: unknown[] = [];
  let batches = 0;
  try {
    const poller = pollFeedback({
      address: server.address,
      tls: pki().credentials,
      intervalMs: 15,
      signal: controller.signal,
      onBatch: () => {
        batches++;
        throw new Error('database down');
      },
      onError: (error) => {
        errors.push(error);
        throw new Error('the error callback throws too');
      },
    });
    await until(() => batches >= 2, 'two batches');
    controller.abort();
    await poller.done;
    assert.ok(errors.length >= 2);
    assert.is((errors[0] as Error).message, 'database down');
  } finally {
    await server.close();
  }
});

test('stopping during a read ends the read and still delivers what it got', async () => {
  const server = await fakeServer((socket) => socket.write(tuples(3)));
  const batches: FeedbackEntry[][] = [];
  const errors: unknown[] = [];
  try {
    const poller = pollFeedback({
      address: server.address,
      tls: pki().credentials,
      idleTimeoutMs: 60_000,
      onBatch: (entries) => {
        batches.push(entries);
      },
      onError: (error) => errors.push(error),
    });
    await until(() => server.sockets.length === 1, 'the connection');
    await delay(50);
    await poller.stop();
    assert.is(batches.length, 1);
    assert.is(batches[0].length, 3);
    assert.equal(errors, [], 'a stop is not an error');
  } finally {
    await server.close();
  }
});

test('an already aborted signal: no read; immediate: false waits first', async () => {
  const server = await fakeServer((socket) => socket.end());
  try {
    const stopped = pollFeedback({ address: server.address, tls: pki().credentials, signal: AbortSignal.abort(), onBatch: () => {} });
    await stopped.done;
    assert.is(stopped.reads, 0);
    const waiting = pollFeedback({ address: server.address, tls: pki().credentials, immediate: false, intervalMs: 60_000, onBatch: () => {} });
    await delay(30);
    assert.is(server.sockets.length, 0);
    await waiting.stop();
  } finally {
    await server.close();
  }
});

test('bad options and credentials throw at once', () => {
  const tls = pki().credentials;
  const cases: Array<[() => unknown, string]> = [
    [() => pollFeedback({ address: 'h:1', tls, onBatch: undefined as unknown as () => void }), 'APNS_ERR_FEEDBACK_INVALID_OPTION'],
    [() => pollFeedback({ address: 'h:1', tls, onBatch: () => {}, intervalMs: 0 }), 'APNS_ERR_FEEDBACK_INVALID_OPTION'],
    [() => pollFeedback({ address: 'h:1', tls, onBatch: () => {}, backoff: { initialMs: 1.5 } }), 'APNS_ERR_FEEDBACK_INVALID_OPTION'],
    [() => pollFeedback({ address: 'h:1', tls, onBatch: () => {}, backoff: { maxMs: -1 } }), 'APNS_ERR_FEEDBACK_INVALID_OPTION'],
    [() => pollFeedback({ address: 'h:1', tls: { cert: '/nonexistent.pem', key: '/nonexistent.pem' }, onBatch: () => {} }), 'APNS_ERR_TLS_FILE_NOT_FOUND'],
  ];
  for (const [run, code] of cases) assert.throws(run, (error: { code: string }) => error.code === code);
});

test.run();
