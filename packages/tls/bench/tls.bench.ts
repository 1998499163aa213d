// Cost of resolveCredentials per credential form: done once per sender or feedback read, so this
// shows what a legacy .p12 (decoded in JavaScript by node-forge) costs against PEM and against
// Node's own native .p12 loading (the baseline, measured in the same run).
// Run: pnpm --filter @apnskit/tls-bench bench
import { readFileSync } from 'node:fs';
import { createSecureContext } from 'node:tls';
import { fileURLToPath } from 'node:url';
import { resolveCredentials } from '@apnskit/tls';
import { TestCertificateAuthority, toPkcs12 } from '@apnskit/tls/testing';

const ROUNDS = Number(process.env.ROUNDS ?? 20);
const legacyPath = fileURLToPath(new URL('../../test/fixtures/legacy-3des-rc2.p12', import.meta.url));
const legacy = readFileSync(legacyPath);
const ca = new TestCertificateAuthority();
const client = ca.issueClient({ uid: 'com.example.bench', environments: ['sandbox'] });
const modern = toPkcs12(client, 'bench', [ca.cert]);

function time(name: string, run: () => unknown): number {
  run(); // validates the input before timing: a throw ends the bench
  const started = process.hrtime.bigint();
  for (let i = 0; i < ROUNDS; i++) run();
  const ms = Number(process.hrtime.bigint() - started) / 1e6 / ROUNDS;
  console.log(`${name.padEnd(44)} ${ms.toFixed(2)} ms`);
  return ms;
}

const native = time('baseline: Node createSecureContext(modern p12)', () => createSecureContext({ pfx: modern, passphrase: 'bench' }));
const pem = time('resolveCredentials(PEM cert + key)', () => resolveCredentials({ cert: client.cert, key: client.key }));
const p12 = time('resolveCredentials(modern AES p12)', () => resolveCredentials({ pfx: modern, passphrase: 'bench' }));
const old = time('resolveCredentials(legacy RC2/3DES p12)', () => resolveCredentials({ pfx: legacy, passphrase: 'apnskit-legacy' }));
console.log(`ratios to the native baseline: PEM ${(pem / native).toFixed(1)}x, modern p12 ${(p12 / native).toFixed(1)}x, legacy p12 ${(old / native).toFixed(1)}x`);
