import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createMockServer, MockServerError } from '../src/index.js';
import { loadScript, parseScript } from '../src/script.js';
import { errorPacket, exchange, frames, tokenFor } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'apnskit-script-test-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

function codeOf(action: () => unknown): string | undefined {
  try {
    action();
  } catch (error) {
    assert.instance(error, MockServerError);
    return (error as MockServerError).code;
  }
  return undefined;
}

test('a script file arms faults, queues feedback per topic and sets feedback options', async () => {
  const path = join(dir, 'script.json');
  writeFileSync(
    path,
    JSON.stringify({
      faults: [{ type: 'reject-nth', n: 2, status: 7 }],
      feedback: [
        { token: tokenFor(1), timestamp: 100 },
        { token: tokenFor(2), timestamp: 200, topic: 'com.other.app' },
      ],
      feedbackOptions: { chunkSize: 10 },
    }),
  );
  const mock = await createMockServer({ script: path, closeGraceMs: 100 });
  try {
    assert.equal((await exchange(mock, frames(1, 3))).data, errorPacket(7, 2));
    assert.equal(mock.pendingFeedback().map((tuple) => tuple.token), [tokenFor(1)]);
    assert.equal(mock.pendingFeedback('com.other.app').map((tuple) => tuple.token), [tokenFor(2)]);
    assert.is(mock.feedbackOptions.chunkSize, 10);
  } finally {
    await mock.close();
  }
});

test('bad scripts are refused with APNS_ERR_INVALID_SCRIPT before the server starts', async () => {
  const missing = join(dir, 'missing.json');
  assert.is(codeOf(() => loadScript(missing)), 'APNS_ERR_INVALID_SCRIPT');
  const notJson = join(dir, 'bad.json');
  writeFileSync(notJson, '{');
  assert.is(codeOf(() => loadScript(notJson)), 'APNS_ERR_INVALID_SCRIPT');
  assert.is(codeOf(() => parseScript([])), 'APNS_ERR_INVALID_SCRIPT');
  assert.is(codeOf(() => parseScript({ fault: [] })), 'APNS_ERR_INVALID_SCRIPT');
  assert.is(codeOf(() => parseScript({ faults: {} })), 'APNS_ERR_INVALID_SCRIPT');
  assert.is(codeOf(() => parseScript({ feedback: 3 })), 'APNS_ERR_INVALID_SCRIPT');
  assert.is(codeOf(() => parseScript({ feedbackOptions: [] })), 'APNS_ERR_INVALID_SCRIPT');
  assert.throws(() => parseScript({ faults: [{ type: 'reject-nth' }] }), /faults\[0\]: reject-nth: "n" is required/);
  try {
    await createMockServer({ script: { feedback: [{ token: 'bad', timestamp: 1 }] } });
    assert.unreachable();
  } catch (error) {
    assert.is((error as MockServerError).code, 'APNS_ERR_INVALID_FEEDBACK');
  }
});

test.run();
