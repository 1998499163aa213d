import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createServer as createTcpServer, type AddressInfo, type Socket } from 'node:net';
import { createSecureContext, TLSSocket } from 'node:tls';
import { once } from 'node:events';
import { resolveCredentials } from '@apnskit/tls';
import { TestCertificateAuthority } from '@apnskit/tls/testing';
import { ApnsFeedbackError, feedback, feedbackAddress, isApnsFeedbackError, readFeedback, type FeedbackEntry } from '../src/index.js';
import { delay, drain, fakeServer, pki, seededBytes, tokenHex, tupleBytes, tuples } from './helpers.js';

function expectEntries(entries: FeedbackEntry[], count: number, from = 0): void {
  assert.is(entries.length, count);
  entries.forEach((entry, i) => {
    assert.is(entry.token, tokenHex(from + i));
    assert.is(entry.timestamp.getTime(), (1_700_000_000 + from + i) * 1000);
  });
}

test('zero tuples: the server closes at once, the read ends cleanly', async () => {
  const server = await fakeServer((socket) => socket.end());
  try {
    const reader = feedback(server.address, pki().credentials);
    const { entries, error } = await drain(reader);
    assert.is(error, undefined);
    assert.equal(entries, []);
    assert.equal(reader.state, { received: 0, endReason: 'closed' });
  } finally {
    await server.close();
  }
});

test('one tuple, with address given as text', async () => {
  const server = await fakeServer((socket) => socket.end(tupleBytes(7)));
  try {
    const entries = await readFeedback(`127.0.0.1:${server.address.port}`, pki().credentials);
    expectEntries(entries, 1, 7);
    assert.instance(entries[0].timestamp, Date);
  } finally {
    await server.close();
  }
});

test('tuples split at every byte boundary are reassembled', async () => {
  const stream = tuples(3);
  let split = 0;
  const server = await fakeServer((socket) => {
    const at = ++split;
    socket.write(stream.subarray(0, at));
    setTimeout(() => socket.end(stream.subarray(at)), 2);
  });
  try {
    for (let at = 1; at < stream.length; at++) {
      const { entries, error } = await drain(feedback(server.address, pki().credentials));
      assert.is(error, undefined, `split at ${at}`);
      expectEntries(entries, 3);
    }
    assert.is(split, stream.length - 1);
  } finally {
    await server.close();
  }
});

test('one byte per TLS record', async () => {
  const stream = tuples(2);
  const server = await fakeServer(async (socket) => {
    for (const byte of stream) {
      socket.write(Buffer.of(byte));
      await delay(1);
    }
    socket.end();
  });
  try {
    const { entries, error } = await drain(feedback(server.address, pki().credentials));
    assert.is(error, undefined);
    expectEntries(entries, 2);
  } finally {
    await server.close();
  }
});

test('100k tuples arrive complete and in order', async () => {
  const count = 100_000;
  const server = await fakeServer((socket) => socket.end(tuples(count)));
  try {
    let index = 0;
    for await (const entry of feedback(server.address, pki().credentials)) {
      if (entry.token !== tokenHex(index)) assert.unreachable(`tuple ${index}: ${entry.token}`);
      index++;
    }
    assert.is(index, count);
  } finally {
    await server.close();
  }
});

test('a server that never closes: the idle timeout ends the read cleanly', async () => {
  const server = await fakeServer((socket) => socket.write(tuples(2)));
  try {
    const reader = feedback(server.address, pki().credentials, { idleTimeoutMs: 150 });
    const { entries, error } = await drain(reader);
    assert.is(error, undefined);
    expectEntries(entries, 2);
    assert.is(reader.state.endReason, 'idle-timeout');
  } finally {
    await server.close();
  }
});

test('a server that closes mid-tuple: complete tuples first, then APNS_ERR_FEEDBACK_TRUNCATED', async () => {
  const server = await fakeServer((socket) => socket.end(Buffer.concat([tuples(2), tupleBytes(2).subarray(0, 10)])));
  try {
    const { entries, error } = await drain(feedback(server.address, pki().credentials));
    expectEntries(entries, 2);
    assert.ok(isApnsFeedbackError(error));
    assert.is(error?.code, 'APNS_ERR_FEEDBACK_TRUNCATED');
    assert.is(error?.received, 2);
    assert.match(error!.message, '10 bytes of it received');
  } finally {
    await server.close();
  }
});

test('a server that stops mid-tuple and holds the connection: truncated after the idle timeout', async () => {
  const server = await fakeServer((socket) => socket.write(Buffer.concat([tuples(1), tupleBytes(1).subarray(0, 3)])));
  try {
    const { entries, error } = await drain(feedback(server.address, pki().credentials, { idleTimeoutMs: 100 }));
    expectEntries(entries, 1);
    assert.is(error?.code, 'APNS_ERR_FEEDBACK_TRUNCATED');
    assert.match(error!.message, 'nothing more came for 100 ms');
  } finally {
    await server.close();
  }
});

test('an impossible token length: tuples before it, then APNS_ERR_FEEDBACK_TOKEN_LENGTH', async () => {
  // Header of a tuple claiming a zero-length token, and one claiming 65535 bytes.
  const zero = Buffer.from('650000000000', 'hex');
  const huge = Buffer.from('65000000ffff', 'hex');
  const server = await fakeServer((socket) => socket.write(Buffer.concat([tuples(2), zero, Buffer.alloc(40)])));
  const server2 = await fakeServer((socket) => socket.write(Buffer.concat([tuples(2), huge])));
  try {
    for (const address of [server.address, server2.address]) {
      const { entries, error } = await drain(feedback(address, pki().credentials, { idleTimeoutMs: 5000 }));
      expectEntries(entries, 2);
      assert.is(error?.code, 'APNS_ERR_FEEDBACK_TOKEN_LENGTH');
      assert.match(error!.message, 'is not sending feedback tuples');
      assert.is(error?.received, 2);
    }
  } finally {
    await Promise.all([server.close(), server2.close()]);
  }
});

test('random bytes end with a typed error or a clean end, never a hang or an untyped throw', async () => {
  let seed = 0;
  const server = await fakeServer((socket) => socket.end(seededBytes(++seed, 1 + ((seed * 7919) % 4000))));
  try {
    for (let run = 1; run <= 20; run++) {
      const { error } = await drain(feedback(server.address, pki().credentials, { idleTimeoutMs: 2000, maxTokenLength: 64 }));
      if (error) assert.ok(isApnsFeedbackError(error), String(error));
      if (error) assert.ok(['APNS_ERR_FEEDBACK_TOKEN_LENGTH', 'APNS_ERR_FEEDBACK_TRUNCATED'].includes(error.code!), error.code);
    }
  } finally {
    await server.close();
  }
});

test('a server that streams forever: readTimeoutMs ends the read with a clear error after the tuples read', async () => {
  let streaming = true;
  const server = await fakeServer(async (socket) => {
    socket.on('close', () => (streaming = false));
    for (let index = 0; streaming; index += 100) {
      if (!socket.write(tuples(100, index))) await once(socket, 'drain').catch(() => {});
      await delay(1);
    }
  });
  try {
    const { entries, error } = await drain(feedback(server.address, pki().credentials, { readTimeoutMs: 300 }));
    assert.is(error?.code, 'APNS_ERR_FEEDBACK_TIMEOUT');
    assert.match(error!.message, 'did not end within 300 ms');
    assert.ok(entries.length > 0);
    assert.is(error?.received, entries.length);
    assert.is(entries[entries.length - 1].token, tokenHex(entries.length - 1));
  } finally {
    streaming = false;
    await server.close();
  }
});

test('early break closes the connection', async () => {
  const server = await fakeServer((socket) => socket.write(tuples(10_000)));
  try {
    const seen: FeedbackEntry[] = [];
    for await (const entry of feedback(server.address, pki().credentials)) {
      seen.push(entry);
      if (seen.length === 3) break;
    }
    expectEntries(seen, 3);
    const [socket] = server.sockets;
    if (!socket.destroyed) await new Promise((resolve) => socket.on('close', resolve));
    assert.ok(socket.destroyed);
  } finally {
    await server.close();
  }
});

test('a slow consumer pauses the socket: the server cannot write ahead (bounded memory)', async () => {
  // More than the kernel's loopback socket buffers can hold (several MB), so the server must wait.
  const total = 400_000;
  const chunk = tuples(1000);
  let written = 0;
  let stalled = false;
  const server = await fakeServer(async (socket) => {
    while (written < total) {
      written += 1000;
      if (!socket.write(chunk)) {
        stalled = true;
        await once(socket, 'drain');
      }
    }
    socket.end();
  });
  try {
    let count = 0;
    for await (const entry of feedback(server.address, pki().credentials, { highWaterMark: 100 })) {
      if (count === 10) {
        await delay(300);
        const writtenWhilePaused = written;
        await delay(200);
        assert.ok(stalled, 'server writes stalled while the consumer waited');
        assert.is(written, writtenWhilePaused, 'nothing more was read while the consumer waited');
        assert.ok(written < total, `server wrote ${written} tuples ahead of a paused reader`);
      }
      if (entry.token !== tokenHex(count % 1000)) assert.unreachable(`tuple ${count}`);
      count++;
    }
    assert.is(count, total);
  } finally {
    await server.close();
  }
});

test('abort during the read throws APNS_ERR_FEEDBACK_ABORTED and closes the connection', async () => {
  const server = await fakeServer((socket) => socket.write(tuples(5)));
  try {
    const controller = new AbortController();
    const seen: FeedbackEntry[] = [];
    let error: unknown;
    try {
      for await (const entry of feedback(server.address, pki().credentials, { signal: controller.signal })) {
        seen.push(entry);
        if (seen.length === 5) setTimeout(() => controller.abort(new Error('shutting down')), 20);
      }
    } catch (caught) {
      error = caught;
    }
    assert.instance(error, ApnsFeedbackError);
    assert.is((error as ApnsFeedbackError).code, 'APNS_ERR_FEEDBACK_ABORTED');
    assert.is((error as ApnsFeedbackError).received, 5);
    assert.is(((error as ApnsFeedbackError).cause as Error).message, 'shutting down');
    const [socket] = server.sockets;
    if (!socket.destroyed) await new Promise((resolve) => socket.on('close', resolve));
  } finally {
    await server.close();
  }
});

test('an already aborted signal never connects', async () => {
  const server = await fakeServer((socket) => socket.end());
  try {
    const { error } = await drain(feedback(server.address, pki().credentials, { signal: AbortSignal.abort() }));
    assert.is(error?.code, 'APNS_ERR_FEEDBACK_ABORTED');
    await delay(50);
    assert.is(server.sockets.length, 0);
  } finally {
    await server.close();
  }
});

test('a refused connection is APNS_ERR_FEEDBACK_CONNECT', async () => {
  const probe = createTcpServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  const { error } = await drain(feedback({ host: '127.0.0.1', port }, pki().credentials));
  assert.is(error?.code, 'APNS_ERR_FEEDBACK_CONNECT');
  assert.match(error!.message, 'connection refused');
  assert.is((error as ApnsFeedbackError).failure?.cause, 'ECONNREFUSED');
});

test('no TLS handshake within the connect timeout is APNS_ERR_FEEDBACK_TIMEOUT', async () => {
  const silent = createTcpServer((socket) => socket.on('error', () => {}));
  const sockets: Socket[] = [];
  silent.on('connection', (socket) => sockets.push(socket));
  silent.listen(0, '127.0.0.1');
  await once(silent, 'listening');
  try {
    const { port } = silent.address() as AddressInfo;
    const { error } = await drain(feedback({ host: '127.0.0.1', port }, pki().credentials, { connectTimeoutMs: 100 }));
    assert.is(error?.code, 'APNS_ERR_FEEDBACK_TIMEOUT');
    assert.match(error!.message, 'within 100 ms');
  } finally {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => silent.close(resolve));
  }
});

test('a server certificate that does not verify is a TLS error; the insecure option accepts it', async () => {
  const other = new TestCertificateAuthority('other CA');
  const { ca } = pki();
  const server = await fakeServer((socket) => socket.end(tupleBytes(1)), { ...other.issueServer(), ca: ca.cert });
  try {
    const { error } = await drain(feedback(server.address, pki().credentials));
    assert.is(error?.code, 'APNS_ERR_FEEDBACK_TLS');
    assert.is((error as ApnsFeedbackError).failure?.kind, 'server-certificate');
    assert.match(error!.message, '--ca FILE');
    const insecure = resolveCredentials({ ...pki().client, insecureSkipServerVerification: true });
    const { entries, error: none } = await drain(feedback(server.address, insecure));
    assert.is(none, undefined);
    expectEntries(entries, 1, 1);
  } finally {
    await server.close();
  }
});

test('no client certificate: the server refuses, a TLS error', async () => {
  const server = await fakeServer((socket) => socket.end(tupleBytes(1)));
  try {
    const anonymous = { connectOptions: { ca: pki().ca.cert } };
    const { entries, error } = await drain(feedback(server.address, anonymous));
    assert.equal(entries, []);
    assert.is(error?.code, 'APNS_ERR_FEEDBACK_TLS');
    assert.is((error as ApnsFeedbackError).failure?.kind, 'client-certificate-rejected');
  } finally {
    await server.close();
  }
});

test('a client certificate from another CA: a TLS 1.2 server refuses it in the handshake', async () => {
  const server = await fakeServer((socket) => socket.end(tupleBytes(1)), { maxVersion: 'TLSv1.2' });
  try {
    const stranger = new TestCertificateAuthority('stranger').issueClient();
    const { entries, error } = await drain(feedback(server.address, { ...stranger, ca: pki().ca.cert }));
    assert.equal(entries, []);
    assert.is(error?.code, 'APNS_ERR_FEEDBACK_TLS');
  } finally {
    await server.close();
  }
});

test('a connection reset after data is APNS_ERR_FEEDBACK_CONNECTION_LOST, after the complete tuples', async () => {
  // A raw TCP server wrapping TLS itself, so the TCP socket can be reset (RST) under the TLS layer.
  const { ca, server: serverCert } = pki();
  const raws: Socket[] = [];
  const server = createTcpServer((raw) => {
    raws.push(raw);
    raw.on('error', () => {});
    const secure = new TLSSocket(raw, {
      isServer: true,
      secureContext: createSecureContext({ ...serverCert, ca: ca.cert }),
      requestCert: true,
      rejectUnauthorized: true,
    });
    secure.on('error', () => {});
    secure.on('secure', () => {
      secure.write(tuples(2));
      setTimeout(() => raw.resetAndDestroy(), 50);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  try {
    const { port } = server.address() as AddressInfo;
    const { entries, error } = await drain(feedback({ host: '127.0.0.1', port }, pki().credentials));
    expectEntries(entries, 2);
    assert.is(error?.code, 'APNS_ERR_FEEDBACK_CONNECTION_LOST', String(error));
    assert.is((error as ApnsFeedbackError).failure?.kind, 'reset');
    assert.match(error!.message, 'may be incomplete');
  } finally {
    for (const raw of raws) raw.destroy();
    await new Promise((resolve) => server.close(resolve));
  }
});

test('next() calls made without awaiting each get their own tuple, in order', async () => {
  const server = await fakeServer((socket) => setTimeout(() => socket.end(tuples(3)), 30));
  try {
    const iterator = feedback(server.address, pki().credentials)[Symbol.asyncIterator]();
    const results = await Promise.all([iterator.next(), iterator.next(), iterator.next(), iterator.next()]);
    assert.equal(results.map((result) => result.value?.token), [tokenHex(0), tokenHex(1), tokenHex(2), undefined]);
    assert.is(results[3].done, true);
    assert.is((await iterator.next()).done, true, 'stays done');
    assert.is((await iterator.return!()).done, true);
  } finally {
    await server.close();
  }
});

test('feedbackAddress is the feedback service, port 2196', () => {
  assert.equal(feedbackAddress('sandbox'), { host: 'feedback.sandbox.push.apple.com', port: 2196 });
  assert.equal(feedbackAddress('production'), { host: 'feedback.push.apple.com', port: 2196 });
  assert.is.not(feedbackAddress('sandbox'), feedbackAddress('sandbox'), 'a fresh object each call');
});

test('a reader is single-use and lazy; options are checked at once', async () => {
  const server = await fakeServer((socket) => socket.end());
  try {
    const reader = feedback(server.address, pki().credentials);
    await delay(30);
    assert.is(server.sockets.length, 0, 'no connection before iteration');
    await drain(reader);
    assert.throws(() => reader[Symbol.asyncIterator](), (error: ApnsFeedbackError) => error.code === 'APNS_ERR_FEEDBACK_ALREADY_READ');
  } finally {
    await server.close();
  }
  const credentials = pki().credentials;
  const bad: Array<() => unknown> = [
    () => feedback({ host: 'h', port: 1.5 }, credentials),
    () => feedback(null as unknown as string, credentials),
    () => feedback('h:1', credentials, { idleTimeoutMs: 0 }),
    () => feedback('h:1', credentials, { connectTimeoutMs: -1 }),
    () => feedback('h:1', credentials, { readTimeoutMs: 0 }),
    () => feedback('h:1', credentials, { highWaterMark: 1.5 }),
    () => feedback('h:1', credentials, { maxTokenLength: 70_000 }),
    () => feedback('h:1', credentials, { signal: {} as AbortSignal }),
    () => feedback('h:1', credentials, null as unknown as object),
  ];
  for (const run of bad) assert.throws(run, (error: ApnsFeedbackError) => error.code === 'APNS_ERR_FEEDBACK_INVALID_OPTION');
  assert.throws(() => feedback('h:1', { pfx: '/nonexistent.p12' }), (error: { code: string }) => error.code === 'APNS_ERR_TLS_FILE_NOT_FOUND');
  assert.throws(() => feedback('h:99999', credentials), (error: { code: string }) => error.code === 'APNS_ERR_TLS_INVALID_ADDRESS');
});

test.run();
