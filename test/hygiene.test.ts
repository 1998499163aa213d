// Resource hygiene: after close(), nothing of the toolkit keeps the process alive.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { repositoryRoot } from './helpers/paths.js';

/** Far longer than the fixture needs; reaching it means something was left open. */
const EXIT_DEADLINE_MS = 30_000;

test('a process that used mock, sender, connection, feedback reader and poller exits by itself after closing them', async () => {
  const child = spawn(process.execPath, [join(repositoryRoot, 'dist', 'test', 'fixtures', 'lifecycle.js')], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk));
  const exit = await new Promise<number | string>((resolve) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      resolve('killed: still running after close()');
    }, EXIT_DEADLINE_MS);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve(code ?? String(signal));
    });
  });
  assert.is(exit, 0, output);
  assert.match(output, /^closed: delivered 999, failed 1, feedback 1$/m);
});

test.run();
