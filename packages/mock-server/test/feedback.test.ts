import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FeedbackDecoder, formatToken } from '@apnskit/codec';
import { createMockServer, MockServerError, type MockServer } from '../src/index.js';
import { openClient, secure, tokenFor, transcript, until, type ClientOptions } from './helpers.js';

let mock: MockServer;

test.before(async () => {
  mock = await createMockServer({ closeGraceMs: 200 });
});
test.before.each(() => {
  mock.reset();
  mock.configureFeedback({ chunkSize: 0, holdOpen: false });
});
test.after(async () => {
  await mock.close();
});

async function readFeedback(options: ClientOptions = {}): Promise<{ tuples: Array<{ token: string; timestamp: number }>; reads: number }> {
  const socket = openClient(mock, { service: 'feedback', ...options });
  const done = transcript(socket);
  const { data, reads } = await done;
  const tuples = new FeedbackDecoder().push(data).map((result) => {
    if (result.kind !== 'tuple') throw new Error(`the mock wrote garbage: ${result.reason}`);
    return { token: formatToken(result.token), timestamp: result.timestamp };
  });
  return { tuples, reads };
}

test('writes every queued tuple, closes, and the list is empty afterwards', async () => {
  const reasons: string[] = [];
  mock.on('disconnect', (event) => reasons.push(`${event.service} ${event.reason}`));
  mock.addFeedback([
    { token: tokenFor(1), timestamp: 1_700_000_000 },
    { token: tokenFor(2), timestamp: new Date(1_700_000_100_000) },
  ]);
  assert.is(mock.stats().feedbackQueued, 2);
  const first = await readFeedback();
  assert.equal(first.tuples, [
    { token: tokenFor(1), timestamp: 1_700_000_000 },
    { token: tokenFor(2), timestamp: 1_700_000_100 },
  ]);
  assert.equal((await readFeedback()).tuples, []);
  assert.is(mock.stats().feedbackTuplesSent, 2);
  assert.is(mock.stats().feedbackConnections, 2);
  await until(() => reasons.length === 2);
  mock.removeAllListeners('disconnect');
  assert.equal(reasons, ['feedback served', 'feedback served']);
});

test('small chunks: the tuples come in many reads and decode the same', async () => {
  const tuples = Array.from({ length: 20 }, (_, index) => ({ token: tokenFor(index), timestamp: 1_600_000_000 + index }));
  mock.addFeedback(tuples);
  mock.configureFeedback({ chunkSize: 5, chunkDelayMs: 1 });
  const read = await readFeedback();
  assert.equal(read.tuples, tuples);
  assert.ok(read.reads > 10, `came in ${read.reads} reads`);
});

test('holdOpen: the tuples come and the connection stays open', async () => {
  mock.addFeedback([{ token: tokenFor(5), timestamp: 1 }]);
  mock.configureFeedback({ holdOpen: true });
  const socket = openClient(mock, { service: 'feedback' });
  const done = transcript(socket);
  await secure(socket);
  const first = await new Promise<Buffer>((resolve) => socket.once('data', resolve));
  assert.is(first.length, 38);
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.is(socket.destroyed, false, 'still open after the close grace');
  const reasons: string[] = [];
  mock.on('disconnect', (event) => reasons.push(event.reason));
  socket.end();
  await done;
  await until(() => reasons.length === 1);
  mock.removeAllListeners('disconnect');
  assert.equal(reasons, ['client']);
});

test('lists are per topic: the client certificate UID picks the list', async () => {
  mock.addFeedback([{ token: tokenFor(7), timestamp: 7 }], { topic: 'com.other.app' });
  assert.equal((await readFeedback()).tuples, []);
  assert.equal(mock.pendingFeedback('com.other.app').length, 1);
});

test('bad tuples throw APNS_ERR_INVALID_FEEDBACK naming the index', () => {
  for (const bad of [[{ token: 'xyz', timestamp: 1 }], [{ token: tokenFor(1), timestamp: -5 }], 'nope']) {
    try {
      mock.addFeedback(bad as never);
      assert.unreachable();
    } catch (error) {
      assert.instance(error, MockServerError);
      assert.is((error as MockServerError).code, 'APNS_ERR_INVALID_FEEDBACK');
    }
  }
  assert.throws(() => mock.configureFeedback({ chunkSize: -1 }), /chunkSize/);
});

test.run();
