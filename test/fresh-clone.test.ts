// Clones the repository and runs the README's two commands in the clone, as CI does on a fresh
// checkout, so that a missing install or build step fails here rather than on a user's machine.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { repositoryRoot } from './helpers/paths.js';

const run = promisify(execFile);
const COMMAND_TIMEOUT_MS = 8 * 60_000;

/** The clone runs its own tests; this marker stops it from cloning again. */
const INSIDE_CLONE = process.env.APNSKIT_INSIDE_CLONE === '1';

function cloneEnvironment(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, APNSKIT_INSIDE_CLONE: '1', CI: 'true' };
  delete env.NODE_V8_COVERAGE;
  return env;
}

if (!INSIDE_CLONE) {
  test('a fresh clone runs `npm start` and `npm test` with only Node.js and npm', async () => {
    const clone = mkdtempSync(join(tmpdir(), 'apnskit-clone-'));
    try {
      await run('git', ['clone', '--quiet', repositoryRoot, clone]);
      const options = { cwd: clone, env: cloneEnvironment(), timeout: COMMAND_TIMEOUT_MS, maxBuffer: 64 * 1024 * 1024 };

      // The codec suite stands for the test command: it proves install, build and the runner.
      const tested = await run('npm', ['test', '--', 'codec'], options);
      const lastLine = tested.stdout.trim().split('\n').at(-1) ?? '';
      assert.match(lastLine, /^\d+ passed, 0 failed$/);

      const started = await run('npm', ['start'], options);
      assert.match(started.stdout, /ledger\s+closed/i);
    } finally {
      rmSync(clone, { recursive: true, force: true });
    }
  });
}

test.run();
