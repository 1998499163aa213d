// No passphrase or private key ever reaches a CLI's output, whether the run succeeds or fails.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { createMockServer, type MockServer } from '@apnskit/mock-server';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { repositoryRoot } from './helpers/paths.js';

const PASSPHRASE = 'Corr3ct-Horse-Battery-Staple';
const WRONG_PASSPHRASE = 'Wr0ng-Horse-Battery-Staple';
const TOKEN = 'a'.repeat(64);
const RUN_TIMEOUT_MS = 30_000;

const cli = (relative: string): string => join(repositoryRoot, 'packages', relative);
const APNS_SEND = cli('client/dist/src/cli/apns-send.js');
const APNS_FEEDBACK = cli('feedback/dist/src/cli/apns-feedback.js');

interface Run {
  readonly code: number;
  readonly output: string;
}

function runCli(script: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [script, ...args], { env: { ...process.env, ...env }, timeout: RUN_TIMEOUT_MS }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      resolve({ code, output: `${stdout}\n${stderr}` });
    });
  });
}

/** Lines of base64 from the private keys: none may appear in any output. */
function keyMaterial(mock: MockServer): string[] {
  return [mock.certs.clientKey, mock.certs.productionClientKey]
    .flatMap((pem) => pem.split('\n'))
    .filter((line) => line.length >= 40 && !line.startsWith('-----'));
}

function assertClean(run: Run, mock: MockServer, label: string): void {
  assert.not.ok(run.output.includes(PASSPHRASE), `${label}: the passphrase appears in the output`);
  assert.not.ok(run.output.includes(WRONG_PASSPHRASE), `${label}: the wrong passphrase appears in the output`);
  for (const line of keyMaterial(mock)) assert.not.ok(run.output.includes(line), `${label}: private key material appears in the output`);
}

test('apns-send and apns-feedback never print a passphrase or a key, on success or failure', async () => {
  const mock = await createMockServer({ p12Passphrase: PASSPHRASE });
  try {
    mock.addFeedback([{ token: TOKEN, timestamp: 1_600_000_000 }]);
    const { paths } = mock.certs;
    const gateway = ['--gateway', `${mock.host}:${mock.gateway.port}`, '--ca', paths.ca, '--token', TOKEN, '--alert', 'Hi'];
    const feedbackArgs = ['--address', `${mock.host}:${mock.feedback.port}`, '--ca', paths.ca, '--json'];
    const runs: [string, Promise<Run>, number][] = [
      ['send, right passphrase flag', runCli(APNS_SEND, [...gateway, '--pfx', paths.clientP12, '--passphrase', PASSPHRASE]), 0],
      ['send, passphrase from the environment', runCli(APNS_SEND, [...gateway, '--pfx', paths.clientP12], { APNS_PASSPHRASE: PASSPHRASE }), 0],
      ['send, wrong passphrase', runCli(APNS_SEND, [...gateway, '--pfx', paths.clientP12, '--passphrase', WRONG_PASSPHRASE]), 2],
      ['send, PEM key, --json', runCli(APNS_SEND, [...gateway, '--cert', paths.clientCert, '--key', paths.clientKey, '--json']), 0],
      ['send, missing key file', runCli(APNS_SEND, [...gateway, '--cert', paths.clientCert, '--key', `${paths.clientKey}.missing`]), 2],
      ['feedback, wrong passphrase', runCli(APNS_FEEDBACK, [...feedbackArgs, '--pfx', paths.clientP12, '--passphrase', WRONG_PASSPHRASE]), 2],
      ['feedback, right passphrase', runCli(APNS_FEEDBACK, [...feedbackArgs, '--pfx', paths.clientP12], { APNS_PASSPHRASE: PASSPHRASE }), 0],
    ];
    for (const [label, pending, expectedCode] of runs) {
      const run = await pending;
      assert.is(run.code, expectedCode, `${label}: exit code\n${run.output}`);
      assertClean(run, mock, label);
    }
  } finally {
    await mock.close();
  }
});

test.run();
