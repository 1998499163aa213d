import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { FIXTURES, LEGACY_PASSPHRASE, pki, scratch } from './helpers.js';

const ENTRY = fileURLToPath(new URL('../src/index.js', import.meta.url));

/** In a fresh process: resolves the given credentials, then says whether node-forge got loaded. */
function forgeLoadedAfter(options: object): boolean {
  const script = `
    import { createRequire } from 'node:module';
    const { resolveCredentials } = await import(${JSON.stringify(ENTRY)});
    resolveCredentials(${JSON.stringify(options)});
    const cache = createRequire(import.meta.url).cache;
    process.stdout.write(String(Object.keys(cache).some((path) => path.includes('node-forge'))));`;
  return execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' }) === 'true';
}

test('PEM credentials and their push OIDs are checked without loading node-forge; a .p12 loads it', () => {
  const { client } = pki();
  const files = scratch();
  try {
    const pem = { cert: files.write('client.pem', client.cert), key: files.write('client.key', client.key), environment: 'sandbox' };
    assert.is(forgeLoadedAfter(pem), false);
    assert.is(forgeLoadedAfter({ pfx: `${FIXTURES}legacy-3des-rc2.p12`, passphrase: LEGACY_PASSPHRASE }), true);
  } finally {
    files.remove();
  }
});

test.run();
