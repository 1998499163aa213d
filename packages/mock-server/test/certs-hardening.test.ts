// The certificates directory against a hostile local user: planted symlinks and files, a directory
// others can enter or that someone else owns, and special paths.
import { chmodSync, chownSync, copyFileSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadCertificates, MockServerError } from '../src/index.js';
import { CERT_FILES } from '../src/certs/store.js';
import { defaultCertsDir } from '../src/cli/args.js';

const TOPIC = 'com.example.hardening';
/** A user id that is not ours, for files "planted by another user" (chown needs root). */
const OTHER_UID = 65534;
const isRoot = process.getuid?.() === 0;

let scratch: string;
test.before(() => {
  scratch = mkdtempSync(join(tmpdir(), 'apnskit-certs-hardening-'));
});
test.after(() => rmSync(scratch, { recursive: true, force: true }));

function freshDir(name: string): string {
  return join(scratch, name);
}

async function refused(certsDir: string, pattern: RegExp): Promise<void> {
  try {
    await loadCertificates({ topic: TOPIC, certsDir });
    assert.unreachable(`${certsDir} was used`);
  } catch (error) {
    assert.instance(error, MockServerError);
    assert.is((error as MockServerError).code, 'APNS_ERR_CERTIFICATES');
    assert.match((error as Error).message, pattern);
  }
}

test('a new certificates directory is created 0700; keys are 0600 and no temporary file is left', async () => {
  const dir = join(freshDir('created'), 'nested');
  const certs = await loadCertificates({ topic: TOPIC, certsDir: dir });
  assert.is(statSync(dir).mode & 0o777, 0o700);
  for (const key of [certs.paths.clientKey, certs.paths.serverKey, certs.paths.caKey, certs.paths.productionKey, certs.paths.clientP12]) {
    assert.is(statSync(key).mode & 0o777, 0o600, key);
  }
  assert.equal(readdirSync(dir).filter((name) => name.endsWith('.tmp')), []);
});

test('a symlink planted at the old temporary name or at a file name is never written through', async () => {
  const dir = freshDir('symlinks');
  mkdirSync(dir, { mode: 0o700 });
  const victim = join(scratch, 'victim.txt');
  writeFileSync(victim, 'untouched', { mode: 0o644 });
  // The predictable name of earlier versions, and the key file itself.
  symlinkSync(victim, join(dir, `${CERT_FILES.clientKey}.${process.pid}.tmp`));
  symlinkSync(victim, join(dir, CERT_FILES.clientKey));
  const certs = await loadCertificates({ topic: TOPIC, certsDir: dir });
  assert.is(readFileSync(victim, 'utf8'), 'untouched');
  assert.ok(lstatSync(certs.paths.clientKey).isFile(), 'the key is a regular file, the symlink replaced');
  assert.is(statSync(victim).mode & 0o777, 0o644);
});

test('a directory open to others, a symlinked directory, a file path and /proc are refused at once', async () => {
  const open = freshDir('open');
  mkdirSync(open, { mode: 0o700 });
  chmodSync(open, 0o777);
  await refused(open, /open to other users \(mode 0777\).*chmod 700/);
  const real = freshDir('real');
  mkdirSync(real, { mode: 0o700 });
  symlinkSync(real, freshDir('link'));
  await refused(freshDir('link'), /symbolic link/);
  writeFileSync(freshDir('file'), '');
  await refused(freshDir('file'), /cannot create|not a directory/);
  await refused('/proc/certs', /cannot create the directory \/proc\/certs/);
});

test('a directory owned by another user is refused', async () => {
  if (!isRoot) return; // planting as another user needs root
  const foreign = freshDir('foreign');
  mkdirSync(foreign, { mode: 0o700 });
  chownSync(foreign, OTHER_UID, OTHER_UID);
  await refused(foreign, new RegExp(`belongs to user ${OTHER_UID}`));
});

test('planted certificates are not reused: a CA without its key, files others can write or own', async () => {
  const made = await loadCertificates({ topic: TOPIC, certsDir: freshDir('original') });
  const plant = (name: string, tamper: (path: string) => void): string => {
    const dir = freshDir(name);
    mkdirSync(dir, { mode: 0o700 });
    for (const file of Object.values(CERT_FILES)) copyFileSync(join(made.paths.dir, file), join(dir, file));
    tamper(dir);
    return dir;
  };
  const cases = [
    plant('no-ca-key', (dir) => rmSync(join(dir, CERT_FILES.caKey))),
    plant('world-writable', (dir) => chmodSync(join(dir, CERT_FILES.ca), 0o666)),
    plant('ca-symlink', (dir) => {
      rmSync(join(dir, CERT_FILES.ca));
      symlinkSync(join(made.paths.dir, CERT_FILES.ca), join(dir, CERT_FILES.ca));
    }),
  ];
  if (isRoot) cases.push(plant('foreign-owner', (dir) => chownSync(join(dir, CERT_FILES.clientCert), OTHER_UID, OTHER_UID)));
  for (const dir of cases) {
    const before = lstatSync(join(dir, CERT_FILES.ca)).ino;
    const certs = await loadCertificates({ topic: TOPIC, certsDir: dir });
    const after = lstatSync(certs.paths.ca);
    assert.is.not(after.ino, before, `${dir}: ca.pem was rewritten`);
    assert.ok(after.isFile());
    assert.is(statSync(certs.paths.clientCert).uid, process.getuid?.() ?? statSync(certs.paths.clientCert).uid);
  }
  // The untouched copy is reused as it is.
  const intact = plant('intact', () => undefined);
  const before = lstatSync(join(intact, CERT_FILES.ca)).ino;
  await loadCertificates({ topic: TOPIC, certsDir: intact });
  assert.is(lstatSync(join(intact, CERT_FILES.ca)).ino, before);
});

test('the CLI default directory is per user, not a fixed name in the shared temporary directory', () => {
  assert.is(defaultCertsDir({ XDG_CACHE_HOME: '/home/someone/.cache' }), '/home/someone/.cache/apnskit/mock-certs');
  assert.is(defaultCertsDir({}), join(homedir(), '.cache', 'apnskit', 'mock-certs'));
  assert.is(defaultCertsDir({ XDG_CACHE_HOME: 'relative' }), join(homedir(), '.cache', 'apnskit', 'mock-certs'));
  assert.not.ok(defaultCertsDir({}).startsWith(join(tmpdir(), 'apns')));
});

test.run();
