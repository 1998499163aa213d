// The codec demo runs as its own process and prints what the codec really does.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { TOKEN, TOKEN_HEX } from './helpers/hex.js';
import * as naive from './helpers/naive.js';

const test = suite('demo');
const DEMO = fileURLToPath(new URL('../src/demo.js', import.meta.url));
const CLASSIC = '{"aps":{"alert":{"loc-key":"GAME_PLAY_REQUEST_FORMAT","loc-args":["Jenna","Frank"]}}}';

test('prints the classic payload, its frame, the decoded frame and an error response', () => {
  const output = execFileSync(process.execPath, [DEMO], { encoding: 'utf8', timeout: 30_000 });
  const frame = naive.frameOf({ token: TOKEN, payload: CLASSIC, id: 1 });
  assert.equal(output.trimEnd().split('\n'), [
    `payload   ${CLASSIC}`,
    `frame     ${frame.length} bytes: ${frame.toString('hex')}`,
    `decoded   frame id=1 token=${TOKEN_HEX.slice(0, 16)}… payload=${CLASSIC}`,
    'error     status 8 (invalid-token) for id 1',
  ]);
});

test.run();
