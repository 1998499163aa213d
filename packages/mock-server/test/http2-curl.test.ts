// Apple's documented curl --http2 commands (examples/curl-http2.sh) against the mock, and the DER signature they make.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { withJoseSignature } from '../src/http2/token-verifier.js';

const test = suite('http2 curl example');
const run = promisify(execFile);
const root = fileURLToPath(new URL('../../../../', import.meta.url));

test('examples/curl-http2.sh: a token push and a certificate push by curl', async () => {
  const { stdout } = await run('bash', ['examples/curl-http2.sh'], { cwd: root, timeout: 60_000 });
  assert.is(stdout, `token push: 200\n{"reason":"BadPriority"} 400\naccepted h2 token ${'a'.repeat(64)}\n`);
});

test('a DER signature becomes R||S; anything else is left for jose to refuse', () => {
  const r = Buffer.alloc(32, 0x81);
  const s = Buffer.alloc(32, 0x01);
  // r has its top bit set, so DER gives it a leading zero byte.
  const der = Buffer.concat([Buffer.from([0x30, 2 + 33 + 2 + 32, 0x02, 33, 0x00]), r, Buffer.from([0x02, 32]), s]);
  const rewritten = withJoseSignature(`h.c.${der.toString('base64url')}`);
  assert.is(rewritten, `h.c.${Buffer.concat([r, s]).toString('base64url')}`);
  for (const token of ['nodots', `h.c.${Buffer.alloc(64).toString('base64url')}`, 'h.c.AAAA', `h.c.${Buffer.from([0x30, 3, 2, 1, 1]).toString('base64url')}`,
    `h.c.${Buffer.from([0x30, 6, 2, 1, 1, 3, 1, 1]).toString('base64url')}`, `h.c.${Buffer.from([0x30, 6, 2, 9, 1, 2, 1, 1]).toString('base64url')}`,
    `h.c.${Buffer.concat([Buffer.from([0x30, 38, 2, 34]), Buffer.alloc(34, 1), Buffer.from([2, 0])]).toString('base64url')}`]) {
    assert.is(withJoseSignature(token), token, token);
  }
});

test.run();
