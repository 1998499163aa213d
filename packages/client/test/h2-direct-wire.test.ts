// The direct transport's wire details against a bare HTTP/2 server: flow control with tiny windows,
// SETTINGS changed mid-run, CONTINUATION, padding, PRIORITY and unknown frames, PING, GOAWAY, and
// hostile servers (endless CONTINUATION, oversized frames, bad HPACK, DATA on unknown streams),
// each checked for nothing lost.
import { suite } from 'uvu';
import { describeConnectionFailure } from '@apnskit/tls';
import * as assert from 'uvu/assert';
import { connect as netConnect, createServer as createNetServer, type AddressInfo } from 'node:net';
import { FrameFlag, FrameType, Http2ErrorCode, encodeHeaderBlock, goawayFrame, pingFrame, settingsFrame } from '@apnskit/codec/http2';
import { DirectSession } from '../src/h2/direct/session.js';
import { createSender, type Http2SenderOptions, type Http2SenderReport } from '../src/index.js';
import { sendTokens } from './h2-helpers.js';
import { tokens, within } from './helpers.js';
import { frame, startRawServer, type RawScript, type RawServer } from './raw-h2-server.js';

const test = suite('http2 direct transport wire');

function options(server: RawServer, extra: Partial<Http2SenderOptions> = {}): Http2SenderOptions {
  const { certs } = server;
  return {
    protocol: 'h2',
    address: { host: '127.0.0.1', port: server.port },
    tls: { cert: certs.clientCert, key: certs.clientKey, ca: certs.ca, servername: 'localhost' },
    topic: certs.topic,
    requestTimeoutMs: 3000,
    retryBackoff: { initialMs: 5, maxMs: 20 },
    backoff: { initialMs: 5, maxMs: 20 },
    reconnectLimit: 10,
    ...extra,
  };
}

/** Sends `list` through a fresh sender and returns the report, with the server closed afterwards. */
async function run(script: RawScript, list: readonly string[], payload: object, extra: Partial<Http2SenderOptions> = {}): Promise<{ report: Http2SenderReport; server: RawServer; errors: string[] }> {
  const server = await startRawServer(script);
  const errors: string[] = [];
  try {
    const sender = createSender(options(server, extra));
    sender.on('disconnect', (event) => {
      const code = (event.error as { code?: string } | undefined)?.code;
      if (code) errors.push(code);
    });
    await within(sendTokens(sender, list, payload));
    const report = await within(sender.close());
    return { report, server, errors };
  } finally {
    await server.close();
  }
}

/** Every token reached the server (at least once) and was reported delivered. */
function allDelivered(report: Http2SenderReport, server: RawServer, list: readonly string[]): void {
  assert.is(report.sent, list.length);
  assert.is(report.delivered, list.length, 'all delivered');
  assert.is(report.failed.length + report.unconfirmedCount, 0);
  const seen = new Set(server.requests.map((request) => request.path.slice('/3/device/'.length)));
  for (const token of list) assert.ok(seen.has(token), `${token} reached the server`);
}

const BIG_PAYLOAD = { aps: { alert: 'x'.repeat(600) } };

test('window exhaustion: a 10-octet stream window and a short connection window; DATA never exceeds either, bodies arrive whole', async () => {
  const list = tokens(150, 0x500);
  const { report, server } = await run(
    {
      initialSettings: (connection) => connection.settings(100, 10),
      data: (connection, streamId, length) => {
        connection.grant(streamId, length);
        // The connection window is only topped up once nearly spent.
        if (connection.connectionWindow < 2000) connection.grant(0, 65_535 - connection.connectionWindow);
      },
    },
    list,
    BIG_PAYLOAD,
  );
  allDelivered(report, server, list);
  const expected = JSON.stringify(BIG_PAYLOAD);
  for (const request of server.requests) assert.is(request.body.toString(), expected, 'a body reassembled from window-sized DATA frames');
  for (const connection of server.connections) assert.is(connection.overWindow, 0, 'no DATA beyond a window');
  const dataFrames = server.connections[0]!.frames.filter((entry) => entry.type === FrameType.Data);
  assert.ok(dataFrames.every((entry) => entry.length <= 10), 'DATA frames no larger than the stream window');
  assert.ok(dataFrames.length > 150 * 60, 'each body split into many frames');
});

test('an answer before the whole body (an early 413): the rest of the body is not sent, the stream is cancelled, the failure reported', async () => {
  const list = tokens(4, 0x505);
  const answeredEarly = new Set<number>();
  const { report, server } = await run(
    {
      // A 10-octet stream window holds each body back; the server answers stream 3 at its headers.
      initialSettings: (connection) => connection.settings(100, 10),
      headers: (connection, streamId) => {
        if (streamId !== 3) return;
        answeredEarly.add(streamId);
        const block = encodeHeaderBlock([[':status', '413'], ['content-type', 'application/json']]);
        connection.send(frame(FrameType.Headers, FrameFlag.EndHeaders, streamId, block));
        connection.send(frame(FrameType.Data, FrameFlag.EndStream, streamId, Buffer.from('{"reason":"PayloadTooLarge"}')));
        connection.open.delete(streamId);
      },
      data: (connection, streamId, length) => {
        if (!answeredEarly.has(streamId)) connection.grant(streamId, length);
        // The early answer goes out with the first DATA in flight; a window update after it would be too late to matter.
      },
    },
    list,
    BIG_PAYLOAD,
  );
  assert.is(report.delivered, 3);
  assert.equal(report.failed.map((failure) => failure.reason), ['PayloadTooLarge']);
  const connection = server.connections[0]!;
  assert.equal(connection.resets, [[3, Http2ErrorCode.Cancel]], 'the answered stream was cancelled');
  const dataOnThree = connection.frames.filter((entry) => entry.type === FrameType.Data && entry.streamId === 3);
  assert.ok(dataOnThree.length <= 1, `at most the frame already in flight, got ${dataOnThree.length}`);
  assert.is(server.connections.length, 1);
});

test('our receive window: answers with 1 MiB bodies each are read through, the connection window granted back as it is used', async () => {
  const list = tokens(12, 0x508);
  const reason = Buffer.from(JSON.stringify({ reason: 'BadDeviceToken' }));
  const filler = Buffer.alloc(16_000, 0x20);
  const { report, server } = await run(
    {
      request: (connection, streamId) => {
        const block = encodeHeaderBlock([[':status', '400'], ['content-type', 'application/json']]);
        const frames = [frame(FrameType.Headers, FrameFlag.EndHeaders, streamId, block), frame(FrameType.Data, 0, streamId, reason)];
        for (let index = 0; index < 64; index += 1) frames.push(frame(FrameType.Data, index === 63 ? FrameFlag.EndStream : 0, streamId, filler));
        connection.send(Buffer.concat(frames));
        connection.open.delete(streamId);
      },
    },
    list,
    { aps: { alert: 'Hi' } },
  );
  assert.is(report.failed.length, 12);
  assert.ok(report.failed.every((failure) => failure.reason === 'BadDeviceToken'), 'the reason read from the first 4 KiB of each body');
  const updates = server.connections[0]!.frames.filter((entry) => entry.type === FrameType.WindowUpdate && entry.streamId === 0);
  assert.ok(updates.length >= 2, `the opening WINDOW_UPDATE and at least one more after 8 MiB read (${updates.length})`);
  assert.is(server.connections.length, 1);
});

test('SETTINGS mid-run: the stream limit falls and rises and INITIAL_WINDOW_SIZE moves open streams; nothing beyond what is in force', async () => {
  const list = tokens(120, 0x510);
  let answered = 0;
  let widened = false;
  const { report, server } = await run(
    {
      initialSettings: (connection) => connection.settings(1, 5),
      data: (connection) => {
        // The first stream is stuck on a 5-octet window: a larger INITIAL_WINDOW_SIZE must release it.
        if (!widened) {
          widened = true;
          connection.settings(10, 65_535);
        }
      },
      request: (connection, streamId) => {
        answered += 1;
        if (answered === 30) connection.settings(2);
        if (answered === 60) connection.settings(50);
        setImmediate(() => connection.answer(streamId));
      },
    },
    list,
    { aps: { alert: 'Hello there' } },
  );
  allDelivered(report, server, list);
  const connection = server.connections[0]!;
  assert.is(server.connections.length, 1, 'one connection throughout');
  assert.is(connection.overLimit, 0, 'never more streams than the limit in force');
  assert.is(connection.overWindow, 0);
  assert.is(report.resent, 0, 'nothing refused');
});

test('CONTINUATION, padding, PRIORITY and unknown frames: answers split and decorated still settle, a 410 with its reason and apns-id', async () => {
  const list = tokens(40, 0x520);
  let count = 0;
  const { report, server } = await run(
    {
      request: (connection, streamId) => {
        count += 1;
        const unknown = frame(0xfa, 0xff, 0, Buffer.from('ignore me'));
        const apnsId = `00000000-0000-4000-8000-${String(count).padStart(12, '0')}`;
        const gone = count % 10 === 0;
        const block = encodeHeaderBlock(gone ? [[':status', '410'], ['apns-id', apnsId], ['content-type', 'application/json']] : [[':status', '200'], ['apns-id', apnsId]]);
        // HEADERS: pad length 3, 5 octets of priority, the first 3 octets of the block, 3 octets of padding.
        const first = Buffer.concat([Buffer.from([3]), Buffer.from([0, 0, 0, 0, 16]), block.subarray(0, 3), Buffer.alloc(3)]);
        const endStream = gone ? 0 : FrameFlag.EndStream;
        connection.send(Buffer.concat([unknown, frame(FrameType.Headers, FrameFlag.Padded | FrameFlag.Priority | endStream, streamId, first)]));
        connection.send(frame(FrameType.Continuation, 0, streamId, block.subarray(3, 6)));
        connection.send(frame(FrameType.Continuation, FrameFlag.EndHeaders, streamId, block.subarray(6)));
        connection.send(frame(FrameType.Priority, 0, streamId, Buffer.from([0, 0, 0, 1, 16])));
        if (gone) {
          const body = Buffer.from(JSON.stringify({ reason: 'Unregistered', timestamp: 1_700_000_000_000 }));
          connection.send(frame(FrameType.Data, FrameFlag.Padded | FrameFlag.EndStream, streamId, Buffer.concat([Buffer.from([4]), body, Buffer.alloc(4)])));
        }
        connection.open.delete(streamId);
      },
    },
    list,
    { aps: { alert: 'Hi' } },
  );
  assert.is(report.delivered, 36);
  assert.is(report.failed.length, 4);
  for (const failure of report.failed) {
    assert.is(failure.status, 410);
    assert.is(failure.reason, 'Unregistered');
    assert.is(failure.timestamp?.getTime(), 1_700_000_000_000);
    assert.match(failure.apnsId ?? '', /^00000000-0000-4000-8000-0000000000[0-4]0$/);
  }
  assert.is(server.connections.length, 1, 'no protocol error along the way');
});

test('PING: the server\'s is answered with its payload; GOAWAY with lastStreamId and debug data: streams above it go out again', async () => {
  const list = tokens(60, 0x530);
  let count = 0;
  const { report, server } = await run(
    {
      initialSettings: (connection) => {
        connection.settings(100);
        connection.send(pingFrame(Buffer.from('apnskit!'), false));
      },
      request: (connection, streamId) => {
        count += 1;
        if (connection.number === 1 && count === 3) {
          connection.send(goawayFrame(streamId, Http2ErrorCode.NoError, Buffer.from('{"reason":"Shutdown"}')));
          connection.answer(streamId);
          setTimeout(() => connection.socket.destroy(), 50);
          return;
        }
        if (connection.number === 1 && count > 3) return;
        connection.answer(streamId);
      },
    },
    list,
    { aps: { alert: 'Hi' } },
  );
  allDelivered(report, server, list);
  assert.equal(server.connections[0]!.pingAcks.map(String), ['apnskit!']);
  assert.ok(server.connections.length >= 2, 'a new connection after GOAWAY');
  assert.ok(report.resent > 0, 'streams above lastStreamId resent');
});

/** A broken server: what it does (on the first request, or instead of its first SETTINGS) and the GOAWAY code it earns. */
interface Breakage {
  readonly what: string;
  readonly code: number;
  readonly onRequest?: (send: (bytes: Buffer) => void, streamId: number) => void;
  readonly instead?: (send: (bytes: Buffer) => void) => void;
}

function uint32(value: number): Buffer {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32BE(value);
  return bytes;
}

function setting(id: number, value: number): Buffer {
  return frame(FrameType.Settings, 0, 0, Buffer.concat([Buffer.from([0, id]), uint32(value)]));
}

const BREAKAGES: readonly Breakage[] = [
  {
    what: 'endless CONTINUATION (over 64 KiB of header block)',
    code: Http2ErrorCode.EnhanceYourCalm,
    onRequest: (send, streamId) => {
      send(frame(FrameType.Headers, 0, streamId, Buffer.from([0x88])));
      for (let index = 0; index < 6; index += 1) send(frame(FrameType.Continuation, 0, streamId, Buffer.alloc(16_000, 0x82)));
    },
  },
  { what: 'a frame over our SETTINGS_MAX_FRAME_SIZE', code: Http2ErrorCode.FrameSizeError, onRequest: (send) => send(Buffer.concat([Buffer.from([0x00, 0x50, 0x00, FrameType.Data, 0, 0, 0, 0, 1]), Buffer.alloc(100)])) },
  { what: 'HPACK index 0', code: Http2ErrorCode.CompressionError, onRequest: (send, streamId) => send(frame(FrameType.Headers, FrameFlag.EndHeaders, streamId, Buffer.from([0x80]))) },
  { what: 'DATA on a stream never opened', code: Http2ErrorCode.ProtocolError, onRequest: (send) => send(frame(FrameType.Data, 0, 999, Buffer.from('x'))) },
  { what: 'PUSH_PROMISE with push disabled', code: Http2ErrorCode.ProtocolError, onRequest: (send, streamId) => send(frame(FrameType.PushPromise, FrameFlag.EndHeaders, streamId, Buffer.from([0, 0, 0, 2, 0x82]))) },
  { what: 'RST_STREAM on stream 0', code: Http2ErrorCode.ProtocolError, onRequest: (send) => send(frame(FrameType.RstStream, 0, 0, uint32(0))) },
  { what: 'SETTINGS_ENABLE_PUSH 1 from a server', code: Http2ErrorCode.ProtocolError, onRequest: (send) => send(setting(2, 1)) },
  { what: 'SETTINGS_MAX_FRAME_SIZE below 16384', code: Http2ErrorCode.ProtocolError, onRequest: (send) => send(setting(5, 100)) },
  { what: 'SETTINGS_INITIAL_WINDOW_SIZE above 2^31-1', code: Http2ErrorCode.FlowControlError, onRequest: (send) => send(setting(4, 2 ** 31)) },
  { what: 'SETTINGS on a stream', code: Http2ErrorCode.ProtocolError, onRequest: (send, streamId) => send(frame(FrameType.Settings, 0, streamId)) },
  { what: 'SETTINGS ACK with a payload', code: Http2ErrorCode.FrameSizeError, onRequest: (send) => send(frame(FrameType.Settings, FrameFlag.Ack, 0, Buffer.alloc(6))) },
  { what: 'WINDOW_UPDATE of 0', code: Http2ErrorCode.ProtocolError, onRequest: (send) => send(frame(FrameType.WindowUpdate, 0, 0, uint32(0))) },
  { what: 'the connection window pushed past 2^31-1', code: Http2ErrorCode.FlowControlError, onRequest: (send) => send(frame(FrameType.WindowUpdate, 0, 0, uint32(2 ** 31 - 1))) },
  { what: 'a PING of 7 octets', code: Http2ErrorCode.FrameSizeError, onRequest: (send) => send(frame(FrameType.Ping, 0, 0, Buffer.alloc(7))) },
  { what: 'a PING on a stream', code: Http2ErrorCode.ProtocolError, onRequest: (send, streamId) => send(frame(FrameType.Ping, 0, streamId, Buffer.alloc(8))) },
  { what: 'GOAWAY on a stream', code: Http2ErrorCode.ProtocolError, onRequest: (send, streamId) => send(frame(FrameType.Goaway, 0, streamId, Buffer.alloc(8))) },
  { what: 'CONTINUATION without HEADERS', code: Http2ErrorCode.ProtocolError, onRequest: (send, streamId) => send(frame(FrameType.Continuation, FrameFlag.EndHeaders, streamId, Buffer.from([0x88]))) },
  { what: 'DATA inside a header block', code: Http2ErrorCode.ProtocolError, onRequest: (send, streamId) => send(Buffer.concat([frame(FrameType.Headers, 0, streamId, Buffer.from([0x88])), frame(FrameType.Data, 0, streamId, Buffer.from('x'))])) },
  { what: 'HEADERS on stream 0', code: Http2ErrorCode.ProtocolError, onRequest: (send) => send(frame(FrameType.Headers, FrameFlag.EndHeaders, 0, Buffer.from([0x88]))) },
  { what: 'DATA on stream 0', code: Http2ErrorCode.ProtocolError, onRequest: (send) => send(frame(FrameType.Data, 0, 0, Buffer.from('x'))) },
  { what: 'a PRIORITY of 4 octets', code: Http2ErrorCode.FrameSizeError, onRequest: (send, streamId) => send(frame(FrameType.Priority, 0, streamId, Buffer.alloc(4))) },
  { what: 'padding longer than the DATA frame', code: Http2ErrorCode.ProtocolError, onRequest: (send, streamId) => send(frame(FrameType.Data, FrameFlag.Padded, streamId, Buffer.from([9, 1]))) },
  { what: 'a PING before any SETTINGS', code: Http2ErrorCode.ProtocolError, instead: (send) => send(pingFrame(Buffer.alloc(8), false)) },
];

test('hostile servers, one per connection: each breakage closes that connection with GOAWAY and its error code, and nothing is lost', async () => {
  const list = tokens(20, 0x540);
  const { report, server, errors } = await run(
    {
      initialSettings: (connection) => {
        const breakage = BREAKAGES[connection.number - 1];
        if (breakage?.instead) breakage.instead((bytes) => connection.send(bytes));
        else connection.settings(100);
      },
      request: (connection, streamId) => {
        const breakage = BREAKAGES[connection.number - 1];
        if (breakage?.onRequest) breakage.onRequest((bytes) => connection.send(bytes), streamId);
        else connection.answer(streamId);
      },
    },
    list,
    { aps: { alert: 'Hi' } },
    { maxRetries: 50, reconnectLimit: 50 },
  );
  allDelivered(report, server, list);
  assert.is(server.connections.length, BREAKAGES.length + 1);
  const codes = new Map(server.goaways.filter(([, code]) => code !== Http2ErrorCode.NoError));
  BREAKAGES.forEach((breakage, index) => assert.is(codes.get(index + 1), breakage.code, breakage.what));
  assert.equal(errors, BREAKAGES.map(() => 'APNS_ERR_HTTP2_PROTOCOL'));
});

test('a header block larger than the server\'s MAX_FRAME_SIZE goes out as HEADERS and CONTINUATION', async () => {
  const list = tokens(3, 0x550);
  const bundle = `com.example.${'long'.repeat(5000)}`;
  const { report, server } = await run({}, list, { aps: { alert: 'Hi' } }, { topic: bundle });
  allDelivered(report, server, list);
  const frames = server.connections[0]!.frames;
  assert.ok(frames.some((entry) => entry.type === FrameType.Continuation), 'CONTINUATION sent');
  assert.ok(frames.every((entry) => entry.length <= 16_384), 'no frame above the default MAX_FRAME_SIZE');
});

test('a failed handler that throws: the error surfaces as from any listener, the connection it broke mid-frame is dropped, nothing is lost', async () => {
  const list = tokens(30, 0x570);
  const thrown: unknown[] = [];
  const onUncaught = (error: unknown): void => {
    thrown.push(error);
  };
  process.on('uncaughtException', onUncaught);
  let count = 0;
  try {
    const { report, server } = await run(
      {
        request: (connection, streamId) => {
          count += 1;
          // 0x8d: static index 13, :status 404 (a failure Apple says not to retry).
          connection.answer(streamId, count === 5 ? Buffer.from([0x8d]) : undefined);
        },
      },
      list,
      { aps: { alert: 'Hi' } },
      {
        onFailed: () => {
          throw new Error('handler bug');
        },
      },
    );
    assert.equal(thrown.map((error) => (error as Error).message), ['handler bug']);
    assert.is(report.failed.length, 1, 'the 404 answer recorded before the handler threw');
    assert.is(report.failed[0]!.status, 404);
    assert.is(report.delivered + report.failed.length + report.unconfirmedCount, list.length);
    assert.ok(server.connections.length >= 2 && report.resent > 0, 'the streams in flight on the dropped connection went out again');
  } finally {
    process.off('uncaughtException', onUncaught);
  }
});

test('a server that never closes its side: close() still resolves, the socket cut off after the grace', async () => {
  const list = tokens(5, 0x560);
  const started = Date.now();
  const { report, server } = await run({ halfOpen: true }, list, { aps: { alert: 'Hi' } });
  allDelivered(report, server, list);
  assert.ok(Date.now() - started < 5000);
  assert.ok(server.goaways.some(([, code]) => code === Http2ErrorCode.NoError), 'our GOAWAY (NO_ERROR) came first');
});

test('a server that floods PINGs and never reads the answers: the session ends once its unsent answers pass the bound', async () => {
  // More answers than loopback's kernel buffers hold (several MiB), so the rest waits in the socket.
  const ping = pingFrame(Buffer.alloc(8), false);
  const flood = Buffer.concat([settingsFrame([]), Buffer.alloc(ping.length * 1_000_000, ping)]);
  const server = createNetServer((socket) => {
    socket.pause();
    socket.on('error', () => undefined);
    socket.write(flood);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const socket = netConnect((server.address() as AddressInfo).port, '127.0.0.1');
  const closed = new Promise<Error | undefined>((resolve) => {
    new DirectSession(socket, { settings: () => undefined, headers: () => undefined, data: () => undefined, reset: () => undefined, goaway: () => undefined, pingAnswered: () => undefined, closed: resolve }, 256 * 1024);
  });
  const error = await within(closed);
  server.close();
  assert.is((error as { code?: string } | undefined)?.code, 'APNS_ERR_HTTP2_PROTOCOL');
  assert.match(error!.message, /stopped reading/);
});

test('a TLS server without HTTP/2 refuses ALPN h2: connect-failed with an error that names the fix, every notification unconfirmed', async () => {
  const { createServer: createTlsServer } = await import('node:tls');
  const { loadCertificates } = await import('@apnskit/mock-server');
  const certs = await loadCertificates({ topic: 'com.example.raw' });
  const server = createTlsServer({ key: certs.serverKey, cert: certs.serverCert, ALPNProtocols: ['http/1.1'] }, (socket) => socket.on('error', () => undefined));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const port = (server.address() as AddressInfo).port;
    const sender = createSender({ ...options({ port, certs } as RawServer), reconnectLimit: 1 });
    const failures: string[] = [];
    sender.on('disconnect', (event) => failures.push(`${event.cause}: ${event.error ? describeConnectionFailure(event.error).kind : 'no error'}`));
    sender.on('error', () => undefined);
    const list = tokens(5, 0x5f0);
    await within(sendTokens(sender, list).catch(() => undefined));
    const report = await within(sender.close());
    assert.is(report.delivered, 0);
    assert.is(report.unconfirmedCount, 5, 'nothing lost: every notification unconfirmed');
    assert.ok(failures.length > 0 && failures.every((failure) => failure === 'connect-failed: not-http2'), failures.join(' | '));
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
});

test.run();
