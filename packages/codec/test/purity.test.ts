// The codec is bytes in, values out: no Node.js module (net, tls, stream, timers, fs...) in its sources.
import { readdirSync, readFileSync } from 'node:fs';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';

const test = suite('codec purity');
// This file runs from dist/test: the TypeScript sources are two levels up.
const SOURCES = new URL('../../src/', import.meta.url);
/** An import or export `from 'node:…'`, a bare `import 'node:…'`, a dynamic `import('node:…')` or a `require('node:…')`. */
const NODE_IMPORT = /(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*)['"]node:/;

test('no codec source imports node:*', () => {
  const files = readdirSync(SOURCES, { recursive: true, encoding: 'utf8' }).filter((name) => name.endsWith('.ts'));
  assert.ok(files.some((name) => name.startsWith('http2/hpack/')), 'the check reaches sub-folders (http2/hpack)');
  assert.ok(files.length > 10, `found the sources (${files.length} files in ${SOURCES.pathname})`);
  const offenders = files.filter((name) => NODE_IMPORT.test(readFileSync(new URL(name, SOURCES), 'utf8')));
  assert.equal(offenders, []);
});

test('the check recognises each form of a node import', () => {
  for (const line of ["import { Socket } from 'node:net';", "import 'node:net';", 'export * from "node:tls";', "await import('node:timers')", "require('node:fs')"]) {
    assert.ok(NODE_IMPORT.test(line), line);
  }
  assert.not.ok(NODE_IMPORT.test("import { Parser } from 'binary-parser';"));
});

test.run();
