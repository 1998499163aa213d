// Connection floods and idle, half-open connections against every listener, with small limits.
import { get as httpGet } from 'node:http';
import { connect as connectTcp, type Socket } from 'node:net';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import forge from 'node-forge';
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createMockServer, type LimitClosedEvent, type MockServer, type MockServerOptions, type TlsErrorEvent } from '../src/index.js';
import { openClient, secure, transcript, until } from './helpers.js';

/** The first bytes of a TLS record carrying a ClientHello, cut short. */
const HALF_CLIENT_HELLO = Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03, 0x03]);

/** A client certificate valid from `notBefore` to `notAfter`, signed by `ca` (self-signed without one). */
function issue(name: string, notBefore: number, notAfter: number, ca?: { cert: string; key: string }): { cert: string; key: string } {
  const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(keys.publicKey.export({ type: 'spki', format: 'pem' }).toString());
  cert.serialNumber = '01';
  cert.validity.notBefore = new Date(notBefore);
  cert.validity.notAfter = new Date(notAfter);
  cert.setSubject([{ name: 'commonName', value: name }]);
  cert.setIssuer(ca ? forge.pki.certificateFromPem(ca.cert).subject.attributes : [{ name: 'commonName', value: name }]);
  const keyPem = keys.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
  cert.sign(forge.pki.privateKeyFromPem(ca ? ca.key : keyPem), forge.md.sha256.create());
  return { cert: forge.pki.certificateToPem(cert), key: keyPem };
}

async function withMock(options: MockServerOptions, body: (mock: MockServer, limits: LimitClosedEvent[]) => Promise<void>): Promise<void> {
  const mock = await createMockServer(options);
  const limits: LimitClosedEvent[] = [];
  mock.on('limit', (event) => limits.push(event));
  try {
    await body(mock, limits);
  } finally {
    await mock.close();
  }
}

function rawConnection(port: number, host: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connectTcp({ port, host }, () => resolve(socket));
    socket.on('error', reject);
    // Read (and drop) whatever comes: a paused socket never sees the server's FIN, so never closes.
    socket.resume();
  });
}

/** Hang guard only: a connection the server should close fails the test instead of stalling the run. */
const HANG_GUARD_MS = 20_000;

function closed(socket: Socket): Promise<void> {
  return new Promise((resolve, reject) => {
    if (socket.destroyed) return resolve();
    const timer = setTimeout(() => reject(new Error(`hang guard: the server did not close ${socket.localPort} within ${HANG_GUARD_MS} ms`)), HANG_GUARD_MS);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** GET on a fresh connection (no pooled keep-alive socket from an earlier test). */
function getStatus(port: number, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = httpGet({ host: '127.0.0.1', port, path, agent: false }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    request.setTimeout(HANG_GUARD_MS, () => request.destroy(new Error('hang guard: no answer')));
    request.on('error', reject);
  });
}

test('an idle TCP connection and half a ClientHello are closed after handshakeTimeoutMs, on both services', async () => {
  await withMock({ handshakeTimeoutMs: 150 }, async (mock, limits) => {
    const idle = await rawConnection(mock.gateway.port, mock.host);
    const half = await rawConnection(mock.gateway.port, mock.host);
    half.write(HALF_CLIENT_HELLO);
    const feedbackIdle = await rawConnection(mock.feedback.port, mock.host);
    for (const socket of [idle, half, feedbackIdle]) socket.on('error', () => undefined);
    await Promise.all([closed(idle), closed(half), closed(feedbackIdle)]);
    assert.equal(limits.map((event) => event.reason), ['handshake-timeout', 'handshake-timeout', 'handshake-timeout']);
    assert.equal(limits.map((event) => event.service).sort(), ['feedback', 'gateway', 'gateway']);
    assert.is(limits[0]!.limit, 'handshakeTimeoutMs 150');
    assert.is(mock.stats().limitClosed, 3);
  });
});

test('a connection idle after its handshake is closed after idleTimeoutMs, on both services', async () => {
  await withMock({ idleTimeoutMs: 200, feedback: { holdOpen: true } }, async (mock, limits) => {
    const idle = openClient(mock);
    const idleDone = transcript(idle);
    await secure(idle);
    const held = openClient(mock, { service: 'feedback' });
    const heldDone = transcript(held);
    await idleDone;
    await heldDone;
    assert.equal(limits.map((event) => `${event.service} ${event.reason}`).sort(), ['feedback idle-timeout', 'gateway idle-timeout']);
    assert.is(limits[0]!.limit, 'idleTimeoutMs 200');
  });
});

test('at the cap, a real client evicts the oldest half-open connection; past the cap of handshaken ones it is refused', async () => {
  await withMock({ maxConnections: 3, handshakeTimeoutMs: 60_000 }, async (mock, limits) => {
    const flood = await Promise.all([1, 2, 3].map(() => rawConnection(mock.gateway.port, mock.host)));
    for (const socket of flood) socket.on('error', () => undefined);
    await until(() => mock.stats().refused === 0 && flood.every((socket) => !socket.destroyed));
    const real = openClient(mock);
    await secure(real);
    await closed(flood[0]!);
    assert.equal(limits.map((event) => event.reason), ['evicted']);
    assert.is(limits[0]!.limit, 'maxConnections 3');
    // Replace the rest of the flood by real clients: then the cap refuses the next one.
    const others = [openClient(mock), openClient(mock)];
    await Promise.all(others.map((socket) => secure(socket)));
    const refused: string[] = [];
    mock.on('refused', (event) => refused.push(`${event.reason} ${event.limit}`));
    const extra = openClient(mock);
    const { error } = await transcript(extra);
    assert.ok(error, 'the fourth handshaken connection is refused');
    assert.equal(refused, ['too-many-connections maxConnections 3']);
    for (const socket of [real, ...others]) socket.destroy();
  });
});

test('1,030 idle connections cannot lock a real client out (default limits)', async () => {
  await withMock({}, async (mock) => {
    const flood: Socket[] = [];
    for (let index = 0; index < 1030; index++) {
      const socket = connectTcp({ port: mock.gateway.port, host: mock.host });
      socket.on('error', () => undefined);
      flood.push(socket);
    }
    await until(() => mock.stats().limitClosed + mock.stats().refused >= 1030 - 256, 20_000);
    const real = openClient(mock);
    await secure(real);
    real.destroy();
    for (const socket of flood) socket.destroy();
  });
});

test('the control API closes idle connections and caps them too', async () => {
  await withMock({ controlPort: 0, handshakeTimeoutMs: 150, maxConnections: 2 }, async (mock, limits) => {
    const idle = await rawConnection(mock.control!.port, mock.host);
    idle.on('error', () => undefined);
    await closed(idle);
    const first = await rawConnection(mock.control!.port, mock.host);
    const second = await rawConnection(mock.control!.port, mock.host);
    for (const socket of [first, second]) socket.on('error', () => undefined);
    // At the cap, a new connection evicts the oldest one that never sent a request.
    const third = await rawConnection(mock.control!.port, mock.host);
    await closed(first);
    assert.ok(limits.some((event) => event.service === 'control' && event.reason === 'evicted' && event.limit === 'maxConnections 2'));
    assert.is(await getStatus(mock.control!.port, '/stats'), 200);
    second.destroy();
    third.destroy();
  });
});

test('a refused handshake is logged with its reason: another CA, expired, not yet valid', async () => {
  await withMock({}, async (mock) => {
    const errors: TlsErrorEvent[] = [];
    mock.on('tls-error', (event) => errors.push(event));
    const caKey = readFileSync(mock.certs.paths.caKey, 'utf8');
    const day = 86_400_000;
    const stranger = issue('stranger', Date.now() - day, Date.now() + day);
    const expired = issue('expired', Date.now() - 10 * day, Date.now() - day, { cert: mock.certs.ca, key: caKey });
    const early = issue('early', Date.now() + day, Date.now() + 10 * day, { cert: mock.certs.ca, key: caKey });
    for (const pair of [stranger, expired, early]) {
      const { error } = await transcript(openClient(mock, pair));
      assert.ok(error, 'the handshake failed on the client');
    }
    await until(() => errors.length === 3);
    assert.equal(
      errors.map((event) => event.reason),
      ['client certificate refused: DEPTH_ZERO_SELF_SIGNED_CERT', 'client certificate refused: CERT_HAS_EXPIRED', 'client certificate refused: CERT_NOT_YET_VALID'],
    );
  });
});

test.run();
