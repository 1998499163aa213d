import { X509Certificate } from 'node:crypto';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSecureContext } from 'node:tls';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { PUSH_OIDS } from '@apnskit/tls';
import { TestCertificateAuthority } from '@apnskit/tls/testing';
import { createMockServer, loadCertificates, MockServerError, type MockServer } from '../src/index.js';
import { deliver, frame, frames, openClient, secure, transcript, until, useMock, type ClientOptions } from './helpers.js';

let mock!: MockServer;
useMock(test, { closeGraceMs: 200 }, (started) => (mock = started));

/** DER bytes of an Apple push OID, to find the extension in a certificate. */
function oidBytes(oid: string): Buffer {
  const last = Number(oid.split('.').pop());
  return Buffer.from([0x06, 0x0a, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x63, 0x64, 0x06, 0x03, last]);
}

test('client certificates look like Apple push certificates, signed by the CA', () => {
  const ca = new X509Certificate(mock.certs.ca);
  const sandbox = new X509Certificate(mock.certs.clientCert);
  const production = new X509Certificate(mock.certs.productionClientCert);
  assert.ok(sandbox.subject.split('\n').includes('UID=com.example.app'));
  assert.ok(sandbox.subject.includes('CN=Apple Development IOS Push Services: com.example.app'));
  assert.ok(production.subject.includes('CN=Apple Production IOS Push Services: com.example.app'));
  assert.ok(sandbox.raw.includes(oidBytes(PUSH_OIDS.sandbox)));
  assert.not.ok(sandbox.raw.includes(oidBytes(PUSH_OIDS.production)));
  assert.ok(production.raw.includes(oidBytes(PUSH_OIDS.production)));
  assert.ok(sandbox.verify(ca.publicKey) && production.verify(ca.publicKey));
  assert.is(sandbox.publicKey.asymmetricKeyType, 'rsa');
  assert.is(sandbox.publicKey.asymmetricKeyDetails?.modulusLength, 2048);
  const server = new X509Certificate(mock.certs.serverCert);
  assert.match(server.subjectAltName ?? '', /DNS:localhost/);
  assert.match(server.subjectAltName ?? '', /IP Address:127\.0\.0\.1/);
  assert.match(server.subjectAltName ?? '', /IP Address:(::1|0:0:0:0:0:0:0:1)/);
  assert.match(readFileSync(mock.certs.paths.ca, 'utf8'), /BEGIN CERTIFICATE/);
});

test('the .p12 is AES-256 protected and loads in Node (OpenSSL 3); the wrong passphrase does not', async () => {
  createSecureContext({ pfx: mock.certs.clientP12, passphrase: mock.certs.p12Passphrase });
  createSecureContext({ pfx: readFileSync(mock.certs.paths.clientP12), passphrase: mock.certs.p12Passphrase });
  assert.throws(() => createSecureContext({ pfx: mock.certs.clientP12, passphrase: 'wrong' }));
  await deliver(mock, frame(1), 1);
  const socket = openClient(mock, { pfx: mock.certs.clientP12, passphrase: mock.certs.p12Passphrase });
  await secure(socket);
  socket.write(frame(2));
  await mock.waitForNotifications(2);
  socket.destroy();
});

async function refusedHandshake(options: ClientOptions): Promise<void> {
  const errorsBefore = mock.stats().tlsErrors;
  const socket = openClient(mock, options);
  const done = transcript(socket);
  socket.once('secureConnect', () => socket.write(frame(1)));
  const { data } = await done;
  assert.is(data.length, 0);
  await until(() => mock.stats().tlsErrors > errorsBefore);
  assert.is(mock.acceptedCount, 0);
}

test('mutual TLS: no client certificate, or one from another CA, is refused', async () => {
  await refusedHandshake({ noClientCert: true });
  const stranger = new TestCertificateAuthority('stranger CA').issueClient({ uid: 'com.example.app', environments: ['sandbox'] });
  await refusedHandshake(stranger);
});

test('refuse-connections fails the next handshakes; drop-connections closes right after it', async () => {
  mock.faults.add({ type: 'refuse-connections', count: 2 });
  for (let attempt = 0; attempt < 2; attempt++) {
    const socket = openClient(mock);
    let secured = false;
    socket.once('secureConnect', () => (secured = true));
    const { error } = await transcript(socket);
    assert.not.ok(secured);
    assert.ok(error, 'the handshake failed');
  }
  assert.is(mock.stats().refused, 2);
  mock.faults.add({ type: 'drop-connections' });
  const dropped = openClient(mock);
  const done = transcript(dropped);
  await secure(dropped);
  assert.is((await done).data.length, 0);
  assert.is(mock.stats().dropped, 1);
  await deliver(mock, frames(1, 2), 2);
});

test('enforceEnvironment: a production certificate on the sandbox is closed after the handshake, no packet', async () => {
  const strict = await createMockServer({ enforceEnvironment: true, closeGraceMs: 100 });
  try {
    const refused: string[] = [];
    strict.on('refused', (event) => refused.push(event.reason));
    const socket = openClient(strict, { cert: strict.certs.productionClientCert, key: strict.certs.productionClientKey });
    const done = transcript(socket);
    await secure(socket);
    socket.write(frame(1));
    assert.is((await done).data.length, 0);
    assert.equal(refused, ['wrong-environment']);
    assert.is(strict.acceptedCount, 0);
    await deliver(strict, frame(2), 1);
  } finally {
    await strict.close();
  }
  const production = await createMockServer({ environment: 'production', enforceEnvironment: true });
  try {
    await deliver(production, frame(3), 0);
    const sandboxOnProduction = openClient(production);
    const done = transcript(sandboxOnProduction);
    await secure(sandboxOnProduction);
    sandboxOnProduction.write(frame(4));
    assert.is((await done).data.length, 0);
    assert.is(production.acceptedCount, 0);
    const ok = openClient(production, { cert: production.certs.productionClientCert, key: production.certs.productionClientKey });
    await secure(ok);
    ok.write(frame(5));
    await production.waitForNotifications(1);
    ok.destroy();
  } finally {
    await production.close();
  }
});

test('certsDir: files are written, reused while valid, and repaired when broken', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'apnskit-certs-test-'));
  try {
    const first = await loadCertificates({ topic: 'com.example.reuse', certsDir: dir, p12Passphrase: 'pw' });
    assert.is(first.paths.dir, dir);
    const written = readFileSync(first.paths.clientCert, 'utf8');
    assert.ok(new X509Certificate(written).subject.includes('UID=com.example.reuse'));
    const second = await loadCertificates({ topic: 'com.example.reuse', certsDir: dir, p12Passphrase: 'pw' });
    assert.is(second.clientCert, written);
    writeFileSync(first.paths.serverCert, 'garbage');
    const third = await loadCertificates({ topic: 'com.example.reuse', certsDir: dir });
    assert.match(readFileSync(first.paths.serverCert, 'utf8'), /BEGIN CERTIFICATE/);
    assert.is(third.p12Passphrase, 'apnskit-mock');
    createSecureContext({ pfx: readFileSync(third.paths.clientP12), passphrase: 'apnskit-mock' });
    // Another topic's files in the same directory are not reused.
    const other = await loadCertificates({ topic: 'com.example.other', certsDir: dir });
    assert.ok(new X509Certificate(other.clientCert).subject.includes('UID=com.example.other'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('several processes starting at once with one certificates directory end up with the same files', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'apnskit-certs-race-'));
  try {
    // A lock left by a process that died is taken over.
    writeFileSync(join(dir, '.apns-mock.lock'), '');
    const old = new Date(Date.now() - 10 * 60_000);
    utimesSync(join(dir, '.apns-mock.lock'), old, old);
    const store = new URL('../src/index.js', import.meta.url).href;
    const script = `const { loadCertificates } = await import(${JSON.stringify(store)});
      const certs = await loadCertificates({ topic: 'com.example.race', certsDir: ${JSON.stringify(dir)} });
      process.stdout.write(certs.clientCert);`;
    const outputs = await Promise.all(
      [1, 2, 3].map(
        () =>
          new Promise<string>((resolve, reject) => {
            execFile(process.execPath, ['--input-type=module', '-e', script], (error, stdout) => (error ? reject(error) : resolve(stdout)));
          }),
      ),
    );
    const onDisk = readFileSync(join(dir, 'client-cert.pem'), 'utf8');
    for (const output of outputs) assert.is(output, onDisk);
    assert.not.ok(existsSync(join(dir, '.apns-mock.lock')));
    createSecureContext({ pfx: readFileSync(join(dir, 'client.p12')), passphrase: 'apnskit-mock' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('bad topics and options are refused with APNS_ERR_INVALID_OPTION', async () => {
  for (const options of [{ topic: '' }, { topic: 'a,b' }, { host: '10.0.0.1' }, { gatewayPort: 70000 }, { environment: 'staging' }, { seed: -1 }]) {
    try {
      await createMockServer(options as never);
      assert.unreachable(JSON.stringify(options));
    } catch (error) {
      assert.instance(error, MockServerError);
      assert.is((error as MockServerError).code, 'APNS_ERR_INVALID_OPTION');
    }
  }
});

test('a port in use is reported as APNS_ERR_INVALID_OPTION', async () => {
  try {
    await createMockServer({ gatewayPort: mock.gateway.port });
    assert.unreachable();
  } catch (error) {
    assert.is((error as MockServerError).code, 'APNS_ERR_INVALID_OPTION');
    assert.match((error as Error).message, /could not listen/);
  }
});

test.run();
