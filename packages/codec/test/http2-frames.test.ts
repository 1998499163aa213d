// HTTP/2 framing: builders against annotated bytes (RFC 9113 section 6 layouts), readers' length
// checks, padding and priority stripping, and the streaming FrameReader fed at every split offset.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  FrameFlag,
  FrameReader,
  FrameType,
  Http2ErrorCode,
  Http2FrameError,
  SettingId,
  framePayloadContent,
  goawayFrame,
  pingFrame,
  readGoaway,
  readRstStream,
  readSettings,
  readWindowUpdate,
  rstStreamFrame,
  settingsAckFrame,
  settingsFrame,
  windowUpdateFrame,
} from '../src/http2/index.js';
import { hex } from './helpers/hex.js';
import { throwsCode } from './helpers/errors.js';

const test = suite('http2 frames');

test('builders: the bytes RFC 9113 lays out', () => {
  assert.is(
    settingsFrame([[SettingId.EnablePush, 0], [SettingId.InitialWindowSize, 1 << 20]]).toString('hex'),
    hex(`00000c 04 00 00000000   # length 12, SETTINGS, no flags, stream 0
         0002 00000000          # ENABLE_PUSH 0
         0004 00100000          # INITIAL_WINDOW_SIZE 1 MiB`).toString('hex'),
  );
  assert.is(settingsAckFrame().toString('hex'), '000000040100000000');
  assert.is(pingFrame(Buffer.from('apnskit!'), true).toString('hex'), '000008060100000000' + Buffer.from('apnskit!').toString('hex'));
  assert.is(windowUpdateFrame(3, 0xffff).toString('hex'), hex('000004 08 00 00000003 0000ffff').toString('hex'));
  assert.is(rstStreamFrame(5, Http2ErrorCode.Cancel).toString('hex'), hex('000004 03 00 00000005 00000008').toString('hex'));
  assert.is(goawayFrame(7, Http2ErrorCode.ProtocolError, Buffer.from('x')).toString('hex'), hex('000009 07 00 00000000 00000007 00000001 78').toString('hex'));
});

test('readers: values out, wrong lengths a FRAME_SIZE_ERROR', () => {
  assert.equal(readSettings(hex('0003 000003e8 0005 00004000')), [SettingId.MaxConcurrentStreams, 1000, SettingId.MaxFrameSize, 16_384]);
  const goaway = readGoaway(hex('80000005 00000000 7b7d'));
  assert.equal([goaway.lastStreamId, goaway.errorCode, Buffer.from(goaway.debugData).toString()], [5, 0, '{}'], 'the reserved bit is ignored');
  assert.is(readRstStream(hex('00000007')), Http2ErrorCode.RefusedStream);
  assert.is(readWindowUpdate(hex('80000010')), 16);
  for (const action of [() => readSettings(hex('0003 0000')), () => readGoaway(hex('00000001')), () => readRstStream(hex('00')), () => readWindowUpdate(hex('0000000001'))]) {
    const error = throwsCode(action, 'APNS_ERR_HTTP2_FRAME') as Http2FrameError;
    assert.is(error.errorCode, Http2ErrorCode.FrameSizeError);
  }
});

test('padding and priority fields are stripped; padding past the payload is a PROTOCOL_ERROR', () => {
  assert.is(Buffer.from(framePayloadContent(FrameType.Data, FrameFlag.Padded, hex('02 6869 0000'))).toString(), 'hi');
  assert.is(Buffer.from(framePayloadContent(FrameType.Headers, FrameFlag.Padded | FrameFlag.Priority, hex('01 80000003 10 88 00'))).toString('hex'), '88');
  assert.is(Buffer.from(framePayloadContent(FrameType.Headers, FrameFlag.Priority, hex('00000003 10 88'))).toString('hex'), '88');
  assert.is(Buffer.from(framePayloadContent(FrameType.Data, FrameFlag.Priority, hex('6869'))).toString(), 'hi', 'PRIORITY means nothing on DATA');
  const error = throwsCode(() => framePayloadContent(FrameType.Data, FrameFlag.Padded, hex('05 6869')), 'APNS_ERR_HTTP2_FRAME') as Http2FrameError;
  assert.is(error.errorCode, Http2ErrorCode.ProtocolError);
  throwsCode(() => framePayloadContent(FrameType.Data, FrameFlag.Padded, new Uint8Array(0)), 'APNS_ERR_HTTP2_FRAME');
});

const STREAM = hex(`
  000000 04 01 00000000                     # SETTINGS ACK
  000001 01 05 00000001 88                  # HEADERS END_STREAM|END_HEADERS stream 1, :status 200
  000002 fa 00 00000000 abcd                # an unknown type
  000008 06 00 00000000 0102030405060708    # PING
`);
const FRAMES = [
  [FrameType.Settings, FrameFlag.Ack, 0, ''],
  [FrameType.Headers, 5, 1, '88'],
  [0xfa, 0, 0, 'abcd'],
  [FrameType.Ping, 0, 0, '0102030405060708'],
];

test('FrameReader: the same frames whatever the split, one byte at a time included', () => {
  for (let split = 0; split <= STREAM.length; split += 1) {
    const reader = new FrameReader();
    const seen: unknown[] = [];
    const onFrame = (type: number, flags: number, streamId: number, payload: Uint8Array) => seen.push([type, flags, streamId, Buffer.from(payload).toString('hex')]);
    reader.push(STREAM.subarray(0, split), onFrame);
    reader.push(STREAM.subarray(split), onFrame);
    assert.equal(seen, FRAMES, `split at ${split}`);
    assert.is(reader.buffered, 0);
  }
  const reader = new FrameReader();
  const seen: unknown[] = [];
  for (const octet of STREAM) reader.push(Buffer.from([octet]), (type) => seen.push(type));
  assert.is(seen.length, 4);
});

test('FrameReader: a frame over maxFrameSize fails at its header, before any payload is buffered', () => {
  const reader = new FrameReader(16_384);
  const error = throwsCode(() => reader.push(hex('004001 00 00 00000001'), () => assert.unreachable('no frame')), 'APNS_ERR_HTTP2_FRAME') as Http2FrameError;
  assert.is(error.errorCode, Http2ErrorCode.FrameSizeError);
  const tail = new FrameReader();
  tail.push(hex('000004 00 00 000000 01 6869'), () => assert.unreachable('incomplete'));
  assert.is(tail.buffered, 11, 'an incomplete frame is kept (copied) until the rest comes');
});

test.run();
