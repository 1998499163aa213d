import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
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

test('node-forge is found from @apnskit/tls by name, or from the code itself where that name resolves nowhere (a bundle)', () => {
  const files = scratch();
  try {
    // This package's compiled code on its own, beside a node_modules holding only node-forge.
    const forgeDirectory = dirname(createRequire(import.meta.url).resolve('node-forge/package.json'));
    cpSync(dirname(ENTRY), join(files.dir, 'app'), { recursive: true });
    files.write('package.json', '{"type":"module"}');
    mkdirSync(join(files.dir, 'node_modules'));
    symlinkSync(forgeDirectory, join(files.dir, 'node_modules', 'node-forge'));
    const script = `
      const { resolveCredentials } = await import(${JSON.stringify(join(files.dir, 'app', 'index.js'))});
      const credentials = resolveCredentials({ pfx: ${JSON.stringify(`${FIXTURES}legacy-3des-rc2.p12`)}, passphrase: ${JSON.stringify(LEGACY_PASSPHRASE)} });
      process.stdout.write(credentials.certificate.subject);`;
    assert.match(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' }), /.+/);
  } finally {
    files.remove();
  }
});

test.run();
