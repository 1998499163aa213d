// HTTP/2 faults and connection behaviour: stream limits, delays, silence, RST_STREAM, GOAWAY, drops, idle time out, 429.
import type { ClientHttp2Session } from 'node:http2';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { MockServer } from '../src/index.js';
import { until, useMock } from './helpers.js';
import { closeH2, openH2, send, signToken, tokenHeaders } from './http2-helpers.js';

const test = suite('http2 faults');
let mock: MockServer;
useMock(test, { closeGraceMs: 100 }, (started) => (mock = started));

function settingsLimit(session: ClientHttp2Session, expected: number): Promise<void> {
  return until(() => session.remoteSettings?.maxConcurrentStreams === expected);
}

function goawayOf(session: ClientHttp2Session): Promise<{ code: number; lastStreamId: number; data: string }> {
  return new Promise((resolve) => session.once('goaway', (code: number, lastStreamId: number, data?: Buffer) => resolve({ code, lastStreamId, data: data?.toString() ?? '' })));
}

/** Settles every promise, giving the status or the stream's reset code. */
async function outcomes(answers: Array<Promise<{ status: number }>>): Promise<Array<number | string>> {
  return (await Promise.allSettled(answers)).map((result) =>
    result.status === 'fulfilled' ? result.value.status : `rst ${(result.reason as { rstCode?: number; code?: string }).rstCode ?? (result.reason as { code?: string }).code}`,
  );
}

test('a token connection allows one stream until its first valid token, then the limit', async () => {
  const session = openH2(mock);
  await settingsLimit(session, 1);
  assert.is((await send(session, tokenHeaders(mock, await signToken(mock.http2.defaultKey, mock.http2.clock.now() / 1000)))).status, 200);
  await settingsLimit(session, 1000);
  mock.http2.setMaxConcurrentStreams(50);
  await settingsLimit(session, 50);
  const certificate = openH2(mock, { certificate: true });
  await settingsLimit(certificate, 50);
  mock.http2.setMaxConcurrentStreams(1000);
  await settingsLimit(certificate, 1000);
  await Promise.all([closeH2(session), closeH2(certificate)]);
});

test('narrow-after-rejection: the limit drops to 1 after a rejection and returns after an acceptance', async () => {
  mock.faults.addAll([{ type: 'narrow-after-rejection' }, { type: 'reject-nth', n: 1, reason: 'InternalServerError' }]);
  const session = openH2(mock, { certificate: true });
  await settingsLimit(session, 1000);
  assert.is((await send(session, {})).status, 500);
  await settingsLimit(session, 1);
  assert.is((await send(session, {})).status, 200);
  await settingsLimit(session, 1000);
  await closeH2(session);
});

test('delay-answer holds one answer while later streams are answered', async () => {
  mock.faults.add({ type: 'delay-answer', ms: 300 });
  const session = openH2(mock, { certificate: true });
  const order: string[] = [];
  const slow = send(session, {}).then((answer) => order.push(`slow ${answer.status}`));
  await until(() => mock.stats().http2.streams === 1);
  await send(session, {}).then((answer) => order.push(`fast ${answer.status}`));
  await slow;
  assert.equal(order, ['fast 200', 'slow 200']);
  await closeH2(session);
});

test('delay-answer with maxMs draws each delay from the seeded generator', async () => {
  mock.faults.add({ type: 'delay-answer', ms: 1, maxMs: 20, repeat: true });
  const session = openH2(mock, { certificate: true });
  assert.equal(await outcomes([send(session, {}), send(session, {}), send(session, {})]), [200, 200, 200]);
  assert.is(mock.faults.list()[0]?.fired, 3);
  await closeH2(session);
});

test('no-answer leaves a stream open forever while others are answered', async () => {
  mock.faults.add({ type: 'no-answer' });
  const session = openH2(mock, { certificate: true });
  const silent = send(session, {});
  silent.catch(() => undefined);
  await until(() => mock.stats().http2.unanswered === 1);
  assert.is((await send(session, {})).status, 200);
  assert.is(mock.notifications.length, 1);
  session.destroy();
});

test('rst-stream resets a stream with the chosen code', async () => {
  mock.faults.add({ type: 'rst-stream', code: 8 });
  const session = openH2(mock, { certificate: true });
  assert.equal(await outcomes([send(session, {})]), ['rst 8']);
  assert.is((await send(session, {})).status, 200);
  assert.is(mock.stats().http2.resets, 1);
  await closeH2(session);
});

test('goaway-after: JSON reason and lastStreamId; streams above it are never processed', async () => {
  mock.faults.add({ type: 'goaway-after', n: 3, reason: 'Shutdown' });
  const session = openH2(mock, { certificate: true });
  await settingsLimit(session, 1000);
  const goaway = goawayOf(session);
  const answers = [1, 2, 3, 4, 5].map(() => send(session, {}));
  const { code, lastStreamId, data } = await goaway;
  assert.equal([code, lastStreamId, JSON.parse(data)], [0, 5, { reason: 'Shutdown' }]);
  const results = await outcomes(answers);
  assert.equal(results.slice(0, 3), [200, 200, 200]);
  assert.ok(results.slice(3).every((result) => typeof result === 'string'), String(results));
  assert.is(mock.notifications.length, 3);
  assert.is(mock.stats().http2.goaways, 1);
  await until(() => session.destroyed || session.closed);
});

test('goaway-after with an explicit lastStreamId and error code, and no debug data', async () => {
  mock.faults.add({ type: 'goaway-after', n: 2, lastStreamId: 1, errorCode: 2 });
  const session = openH2(mock, { certificate: true });
  const goaway = goawayOf(session);
  assert.is((await send(session, {})).status, 200);
  const answer = outcomes([send(session, {})]);
  assert.equal(await goaway, { code: 2, lastStreamId: 1, data: '' });
  assert.type((await answer)[0], 'string');
  assert.is(mock.notifications.length, 1);
});

test('GOAWAY with hundreds of streams in flight, many times over, never crashes the mock', async () => {
  for (let round = 0; round < 8; round++) {
    mock.faults.add({ type: 'goaway-after', n: 100, reason: 'Shutdown' });
    const session = openH2(mock, { certificate: true });
    await settingsLimit(session, 1000);
    const answers = Array.from({ length: 300 }, () => send(session, {}));
    const results = await outcomes(answers);
    assert.is(results.filter((result) => result === 200).length, 100);
    session.destroy();
  }
  const session = openH2(mock, { certificate: true });
  assert.is((await send(session, {})).status, 200);
  await closeH2(session);
});

test('close-mid-stream drops the TCP connection with the nth stream unanswered', async () => {
  mock.faults.add({ type: 'close-mid-stream', n: 2 });
  const session = openH2(mock, { certificate: true });
  assert.is((await send(session, {})).status, 200);
  const [result] = await outcomes([send(session, {})]);
  assert.type(result, 'string');
  await until(() => session.destroyed);
  assert.is(mock.stats().http2.closedMidStream, 1);
});

test('idle-timeout: GOAWAY {"reason":"IdleTimeout"} after a quiet time', async () => {
  mock.faults.add({ type: 'idle-timeout', ms: 50 });
  const session = openH2(mock, { certificate: true });
  const goaway = goawayOf(session);
  assert.is((await send(session, {})).status, 200);
  const { code, lastStreamId, data } = await goaway;
  assert.equal([code, lastStreamId, JSON.parse(data)], [0, 1, { reason: 'IdleTimeout' }]);
  assert.is(mock.faults.list()[0]?.fired, 1);
});

test('too-many-requests: 429 past K pushes to one token within the window, fine after it', async () => {
  mock.faults.add({ type: 'too-many-requests', k: 2, windowMs: 60_000 });
  const session = openH2(mock, { certificate: true });
  const statuses = [];
  for (let index = 0; index < 3; index++) statuses.push((await send(session, {})).status);
  assert.equal(statuses, [200, 200, 429]);
  assert.is((await send(session, { ':path': `/3/device/${'cd'.repeat(32)}` })).status, 200, 'another token is not limited');
  mock.http2.clock.advance(60_000);
  try {
    assert.is((await send(session, {})).status, 200);
  } finally {
    mock.http2.clock.reset();
  }
  await closeH2(session);
});

test('refuse-connections and drop-connections act on HTTP/2 connections too', async () => {
  mock.faults.addAll([{ type: 'refuse-connections' }, { type: 'drop-connections' }]);
  for (const stage of ['refused before TLS', 'dropped after TLS']) {
    const session = openH2(mock, { certificate: true });
    await until(() => session.destroyed || session.closed);
    assert.ok(session.destroyed || session.closed, stage);
  }
  const stats = mock.stats();
  assert.equal([stats.refused, stats.dropped], [1, 1]);
  const session = openH2(mock, { certificate: true });
  assert.is((await send(session, {})).status, 200);
  await closeH2(session);
});

test('ignore-ping: PINGs go unanswered while streams are answered', async () => {
  mock.faults.add({ type: 'ignore-ping' });
  const silent = openH2(mock, { certificate: true });
  assert.is((await send(silent, {})).status, 200);
  let acknowledged = false;
  silent.ping(() => (acknowledged = true));
  assert.is((await send(silent, {})).status, 200);
  assert.is((await send(silent, {})).status, 200);
  assert.not.ok(acknowledged, 'the PING sent before two answered pushes is still unanswered');
  silent.destroy();
  // The fault fired once: the next connection answers PING.
  const normal = openH2(mock, { certificate: true });
  assert.is((await send(normal, {})).status, 200);
  await new Promise<void>((resolve, reject) => normal.ping((error) => (error ? reject(error) : resolve())));
  await closeH2(normal);
});

test('reject-token with status 8 answers 410 Unregistered on HTTP/2 and status 8 on the binary gateway', async () => {
  mock.faults.add({ type: 'reject-token', token: 'ab'.repeat(32), status: 8, repeat: true });
  const session = openH2(mock, { certificate: true });
  const answer = await send(session, {});
  assert.equal([answer.status, JSON.parse(answer.body).reason], [410, 'Unregistered']);
  const [rejection] = mock.rejected;
  assert.equal([rejection?.format, rejection?.status, rejection?.reason, rejection?.token], ['h2', 410, 'Unregistered', 'ab'.repeat(32)]);
  await closeH2(session);
});

test.run();
