// Every example in the README is a file under examples/ that this suite checks is quoted verbatim
// and runs against a real mock server, so the README cannot drift from working code.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createMockServer, type MockServer } from '@apnskit/mock-server';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { repositoryRoot } from './helpers/paths.js';

const run = promisify(execFile);
const README = readFileSync(join(repositoryRoot, 'README.md'), 'utf8');
const EXAMPLE_MARKER = /<!-- example: (\S+) -->\n```\w+\n([\s\S]*?)```/g;
const RUN_TIMEOUT_MS = 60_000;

const quoted = [...README.matchAll(EXAMPLE_MARKER)].map(([, file, body]) => ({ file: file!, body: body! }));

test('the README quotes every example file verbatim', () => {
  assert.ok(quoted.length >= 5, `expected at least 5 examples, found ${quoted.length}`);
  for (const { file, body } of quoted) {
    assert.fixture(body, readFileSync(join(repositoryRoot, file), 'utf8'), `${file} differs from the README`);
  }
});

async function runExample(file: string, env: NodeJS.ProcessEnv = {}): Promise<string> {
  const script = file.endsWith('.sh') ? ['bash', [join(repositoryRoot, file)]] as const
    : [process.execPath, [join(repositoryRoot, 'dist', file.replace(/\.ts$/, '.js'))]] as const;
  const { stdout } = await run(script[0], [...script[1]], {
    cwd: repositoryRoot,
    env: { ...withoutColor(process.env), ...env },
    timeout: RUN_TIMEOUT_MS,
  });
  return stdout;
}

/** Plain output to compare, whatever the runner asked for. */
function withoutColor(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const plain: NodeJS.ProcessEnv = { ...env, NO_COLOR: '1' };
  delete plain.FORCE_COLOR;
  return plain;
}

function credentialsEnv(mock: MockServer): NodeJS.ProcessEnv {
  return { APNS_PFX: mock.certs.paths.clientP12, APNS_PASSPHRASE: mock.certs.p12Passphrase, APNS_CA: mock.certs.paths.ca };
}

test('encode-and-decode prints the decoded frame', async () => {
  const output = await runExample('examples/encode-and-decode.ts');
  assert.is(output, '0 results: the frame is not complete yet\n1 740f4707 {"aps":{"alert":{"loc-key":"GAME_PLAY_REQUEST_FORMAT","loc-args":["Jenna","Frank"]}}}\n');
});

test('mock-in-a-test passes its own assertions', async () => {
  assert.is(await runExample('examples/mock-in-a-test.ts'), 'mock test passed\n');
});

test('send-with-error-handling reports the dropped token and the counts', async () => {
  const mock = await createMockServer();
  try {
    const bad = 'b'.repeat(64);
    mock.faults.add({ type: 'reject-token', token: bad, status: 8 });
    const output = await runExample('examples/send-with-error-handling.ts', {
      ...credentialsEnv(mock),
      APNS_GATEWAY: `${mock.host}:${mock.gateway.port}`,
      TOKENS: ['a'.repeat(64), bad, 'c'.repeat(64)].join(','),
    });
    assert.is(output, `drop token ${bad} (invalid-token)\n2 delivered, 1 failed, 0 unconfirmed\n`);
    assert.equal(mock.notifications.map(({ token }) => token[0]), ['a', 'c']);
  } finally {
    await mock.close();
  }
});

test('read-feedback lists the queued tokens', async () => {
  const mock = await createMockServer();
  try {
    mock.addFeedback([{ token: 'd'.repeat(64), timestamp: 1_600_000_000 }]);
    const output = await runExample('examples/read-feedback.ts', {
      ...credentialsEnv(mock),
      APNS_FEEDBACK: `${mock.host}:${mock.feedback.port}`,
    });
    assert.is(output, `${'d'.repeat(64)} gone since 2020-09-13T12:26:40.000Z\n`);
  } finally {
    await mock.close();
  }
});

test('send-http2 sends with a provider token and drops the unregistered token', async () => {
  const mock = await createMockServer();
  try {
    const gone = 'e'.repeat(64);
    mock.faults.add({ type: 'reject-token', token: gone, reason: 'Unregistered' });
    const key = mock.http2.defaultKey;
    const output = await runExample('examples/send-http2.ts', {
      APNS_HOST: `${mock.host}:${mock.http2.port}`,
      APNS_AUTH_KEY: key.path as string,
      APNS_KEY_ID: key.keyId,
      APNS_TEAM_ID: key.teamId,
      APNS_TOPIC: mock.certs.topic,
      APNS_CA: mock.certs.paths.ca,
      TOKENS: ['a'.repeat(64), gone, 'c'.repeat(64)].join(','),
    });
    assert.match(output, new RegExp(`^drop token ${gone} \\(unregistered since \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z\\)$`, 'm'));
    assert.match(output, new RegExp(`^failed ${gone}: Unregistered$`, 'm'));
    assert.match(output, /^2 delivered, 1 failed, 0 unconfirmed$/m);
    assert.equal(mock.notifications.map(({ token }) => token[0]).sort(), ['a', 'c']);
  } finally {
    await mock.close();
  }
});

test('mock-from-shell scripts a fault over HTTP and reads back what was accepted', async () => {
  const output = await runExample('examples/mock-from-shell.sh');
  assert.match(output, /"status":8,"name":"invalid-token"/);
  assert.match(output, /apns-send exit code 1/);
  assert.match(output, new RegExp(`^accepted ${'a'.repeat(64)} id 1$`, 'm'));
  assert.not.match(output, new RegExp(`accepted ${'b'.repeat(64)}`));
});

test.run();
