// Where things lie in the frames the codec writes: smallest lengths, identifier offsets, reading a frame back.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { throwsCode } from './helpers/errors.js';
import { TOKEN, TOKEN_HEX } from './helpers/hex.js';
import * as naive from './helpers/naive.js';
import { describeFrame, formatOf, identifierOffset, minFrameLength, tokenOffset } from '../src/wire.js';

const test = suite('frame layout');

test('minFrameLength: a 32-byte token and a 1-byte payload, per the naive builder', () => {
  const smallest = { token: TOKEN, payload: '{' };
  assert.is(minFrameLength('frame'), naive.frameOf(smallest).length);
  assert.is(minFrameLength('enhanced'), naive.enhanced(smallest).length);
  assert.is(minFrameLength('simple'), naive.simple(smallest).length);
  assert.equal([minFrameLength('simple'), minFrameLength('enhanced'), minFrameLength('frame')], [38, 46, 62]);
});

test('identifierOffset: the u32 there is the identifier, in any payload length; none in the simple format', () => {
  for (const payload of ['{}', '{"aps":{"alert":"' + 'x'.repeat(300) + '"}}']) {
    const notification = { token: TOKEN, payload, id: 0x01020304, expiry: 0x0a0b0c0d };
    for (const [format, bytes] of [['frame', naive.frameOf(notification)], ['enhanced', naive.enhanced(notification)]] as const) {
      const padded = Buffer.concat([Buffer.alloc(7, 0xee), bytes]);
      assert.is(padded.readUInt32BE(identifierOffset(format, 7, padded.length)), 0x01020304, format);
    }
  }
  assert.is(identifierOffset('simple', 0, 38), -1);
});

test('tokenOffset: the 32 bytes there are the token, in every format and payload length', () => {
  for (const payload of ['{}', '{"aps":{"alert":"' + 'x'.repeat(300) + '"}}']) {
    const notification = { token: TOKEN, payload, id: 7, expiry: 9 };
    for (const [format, bytes] of [['frame', naive.frameOf(notification)], ['enhanced', naive.enhanced(notification)], ['simple', naive.simple(notification)]] as const) {
      const at = tokenOffset(format);
      assert.ok(TOKEN.equals(bytes.subarray(at, at + TOKEN.length)), format);
    }
  }
  throwsCode(() => tokenOffset('binary' as never), 'APNS_ERR_INVALID_FORMAT');
});

test('formatOf reads the command byte', () => {
  const notification = { token: TOKEN, payload: '{}' };
  assert.equal([formatOf(naive.frameOf(notification)), formatOf(naive.enhanced(notification)), formatOf(naive.simple(notification))], ['frame', 'enhanced', 'simple']);
  assert.is(formatOf(Buffer.from([8, 0])), undefined);
  assert.is(formatOf(new Uint8Array(0)), undefined);
});

test('describeFrame reads back every format, items in any order', () => {
  const notification = { token: TOKEN, payload: '{"a":1}', id: 9, expiry: 77 };
  const frame = describeFrame(naive.frameOf({ ...notification, priority: 5 }));
  assert.equal([frame.format, frame.tokenHex(), frame.payloadText(), frame.id, frame.expiry, frame.priority], ['frame', TOKEN_HEX, '{"a":1}', 9, 77, 5]);
  const enhanced = describeFrame(naive.enhanced(notification));
  assert.equal([enhanced.format, enhanced.id, enhanced.expiry, enhanced.payloadText()], ['enhanced', 9, 77, '{"a":1}']);
  const simple = describeFrame(naive.simple(notification));
  assert.equal([simple.format, simple.id, simple.tokenHex()], ['simple', undefined, TOKEN_HEX]);
  const reordered = naive.frame(naive.item(3, naive.u32(5)), naive.item(2, '{}'), naive.item(1, TOKEN));
  assert.equal([describeFrame(reordered).id, describeFrame(reordered).payloadText()], [5, '{}']);
});

test('describeFrame refuses what is not exactly one notification, saying why', () => {
  const frame = naive.frameOf({ token: TOKEN, payload: '{}', id: 1 });
  throwsCode(() => describeFrame(frame.subarray(0, 20)), 'APNS_ERR_INVALID_FRAME', /incomplete/);
  throwsCode(() => describeFrame(Buffer.concat([frame, frame])), 'APNS_ERR_INVALID_FRAME', /more than one/);
  throwsCode(() => describeFrame(naive.frameOf({ token: Buffer.alloc(31), payload: '{}' })), 'APNS_ERR_INVALID_FRAME', /token is 31 bytes/);
  throwsCode(() => describeFrame(Buffer.from([9])), 'APNS_ERR_INVALID_FRAME', /unknown command/);
});

test.run();
