// Annotated vectors for commands 0, 1 and 2, including protocol.md's worked example, checked in
// both directions, round trip, split at every offset and as truncated prefixes.
import { suite } from 'uvu';
import { encodeNotification, type DecodeResult, type Notification } from '../src/index.js';
import { encodeProbeFrame } from '../src/wire.js';
import { notificationCodec, reencodeNotification, type PlainResult } from './helpers/codecs.js';
import { HI_PAYLOAD, HI_PAYLOAD_HEX, hex, TOKEN_HEX } from './helpers/hex.js';
import * as naive from './helpers/naive.js';
import { registerVectors, type Vector } from './helpers/vector.js';

const TOKEN = Buffer.from(TOKEN_HEX, 'hex');

function accepted(format: string, fields: Partial<PlainResult & { kind: 'notification' }>, byteLength: number): PlainResult {
  return {
    kind: 'notification',
    format,
    id: fields.id,
    expiry: fields.expiry ?? 0,
    priority: fields.priority ?? 10,
    token: fields.token ?? TOKEN_HEX,
    payload: fields.payload ?? HI_PAYLOAD,
    byteLength,
  };
}

function rejected(status: number, id: number | undefined, format: string | undefined, fatal = false): PlainResult {
  return { kind: 'error', status, id, format, fatal };
}

const WORKED_EXAMPLE: Notification = { token: TOKEN_HEX, payload: HI_PAYLOAD, id: 1, expiry: 1600000000, priority: 10 };

const wellFormed: Vector<DecodeResult>[] = [
  {
    name: 'protocol.md worked example, command 2',
    bytes: hex(`
      02 0000004e                         # command 2, frame length 78
      01 0020 ${TOKEN_HEX}                # item 1: token, 32 bytes
      02 0016 ${HI_PAYLOAD_HEX}           # item 2: payload {"aps":{"alert":"Hi"}}, 22 bytes
      03 0004 00000001                    # item 3: identifier 1
      04 0004 5f5e1000                    # item 4: expiry 1600000000
      05 0001 0a                          # item 5: priority 10
    `),
    decoded: [accepted('frame', { id: 1, expiry: 1600000000 }, 83)],
    encode: () => encodeNotification(WORKED_EXAMPLE),
    reencode: reencodeNotification,
  },
  {
    name: 'worked example with a Date expiry and a Buffer payload',
    bytes: naive.frameOf({ token: TOKEN, payload: HI_PAYLOAD, id: 1, expiry: 1600000000, priority: 10 }),
    decoded: [accepted('frame', { id: 1, expiry: 1600000000 }, 83)],
    encode: () =>
      encodeNotification({ token: TOKEN, payload: Buffer.from(HI_PAYLOAD), id: 1, expiry: new Date(1600000000_999), priority: 10 }),
  },
  {
    name: 'protocol.md example as command 1',
    bytes: hex(`
      01                                  # command 1
      00000001                            # identifier 1
      00000000                            # expiry 0
      0020 ${TOKEN_HEX}                   # token length 32, token
      0016 ${HI_PAYLOAD_HEX}              # payload length 22, payload
    `),
    decoded: [accepted('enhanced', { id: 1 }, 67)],
    encode: () => encodeNotification({ ...WORKED_EXAMPLE, expiry: 0 }, 'enhanced'),
    reencode: reencodeNotification,
  },
  {
    name: 'protocol.md example as command 0',
    bytes: hex(`
      00                                  # command 0: no identifier, no expiry
      0020 ${TOKEN_HEX}                   # token length 32, token
      0016 ${HI_PAYLOAD_HEX}              # payload length 22, payload
    `),
    decoded: [accepted('simple', { id: undefined }, 59)],
    encode: () => encodeNotification(WORKED_EXAMPLE, 'simple'),
    reencode: reencodeNotification,
  },
  {
    name: "pushy's item order 3, 1, 2, 4, 5",
    bytes: hex(`
      02 0000004e
      03 0004 00000001                    # identifier first
      01 0020 ${TOKEN_HEX}
      02 0016 ${HI_PAYLOAD_HEX}
      04 0004 5f5e1000
      05 0001 0a
    `),
    decoded: [accepted('frame', { id: 1, expiry: 1600000000 }, 83)],
  },
  {
    name: 'items 4 and 5 missing mean expiry 0 and priority 10',
    bytes: hex(`
      02 00000043                         # frame length 67
      01 0020 ${TOKEN_HEX}
      02 0016 ${HI_PAYLOAD_HEX}
      03 0004 00000009                    # identifier 9; no expiry, no priority
    `),
    decoded: [accepted('frame', { id: 9 }, 72)],
  },
  {
    name: 'only token and payload, reversed',
    bytes: hex(`
      02 0000003c                         # frame length 60
      02 0016 ${HI_PAYLOAD_HEX}
      01 0020 ${TOKEN_HEX}
    `),
    decoded: [accepted('frame', { id: undefined }, 65)],
  },
  {
    name: 'largest identifier and expiry, priority 5',
    bytes: hex(`
      02 0000004e
      01 0020 ${TOKEN_HEX}
      02 0016 ${HI_PAYLOAD_HEX}
      03 0004 ffffffff                    # identifier 2^32 - 1
      04 0004 ffffffff                    # expiry 2^32 - 1
      05 0001 05                          # priority 5
    `),
    decoded: [accepted('frame', { id: 0xffffffff, expiry: 0xffffffff, priority: 5 }, 83)],
    encode: () => encodeNotification({ token: TOKEN_HEX, payload: HI_PAYLOAD, id: 0xffffffff, expiry: 0xffffffff, priority: 5 }),
    reencode: reencodeNotification,
  },
  {
    name: 'payload of exactly 2048 bytes',
    bytes: naive.frameOf({ token: TOKEN, payload: `"${'x'.repeat(2046)}"`, id: 3 }),
    decoded: [accepted('frame', { id: 3, payload: `"${'x'.repeat(2046)}"` }, 5 + 24 + 32 + 2048)],
    encode: () => encodeNotification({ token: TOKEN, payload: `"${'x'.repeat(2046)}"`, id: 3 }),
    reencode: reencodeNotification,
  },
  {
    name: 'probe frame: zero-length token, answered with status 2 and its id',
    bytes: hex(`
      02 0000001a                         # frame length 26
      01 0000                             # item 1: token of 0 bytes
      02 0002 7b7d                        # item 2: payload {}
      03 0004 0000002a                    # identifier 42
      04 0004 00000000
      05 0001 0a
    `),
    decoded: [rejected(2, 42, 'frame')],
    encode: () => encodeProbeFrame(42),
  },
];

const malformed: Vector<DecodeResult>[] = [
  {
    name: 'status 2: no token item',
    bytes: naive.frame(naive.payloadItem(HI_PAYLOAD), naive.idItem(5)),
    decoded: [rejected(2, 5, 'frame')],
  },
  {
    name: 'status 2: command 0 with a zero-length token',
    bytes: hex(`00 0000 0016 ${HI_PAYLOAD_HEX}`),
    decoded: [rejected(2, undefined, 'simple')],
  },
  {
    name: 'status 4: no payload item',
    bytes: naive.frame(naive.tokenItem(TOKEN), naive.idItem(6), naive.priorityItem(10)),
    decoded: [rejected(4, 6, 'frame')],
  },
  {
    name: 'status 4: zero-length payload item',
    bytes: naive.frameOf({ token: TOKEN, payload: '', id: 7 }),
    decoded: [rejected(4, 7, 'frame')],
  },
  {
    name: 'status 4: command 1 with a zero-length payload',
    bytes: hex(`01 00000008 00000000 0020 ${TOKEN_HEX} 0000`),
    decoded: [rejected(4, 8, 'enhanced')],
  },
  {
    name: 'status 5: 31-byte token',
    bytes: naive.frameOf({ token: TOKEN.subarray(1), payload: HI_PAYLOAD, id: 9 }),
    decoded: [rejected(5, 9, 'frame')],
  },
  {
    name: 'status 5: 33-byte token in command 1',
    bytes: naive.enhanced({ token: Buffer.concat([TOKEN, Buffer.from([0])]), payload: HI_PAYLOAD, id: 10 }),
    decoded: [rejected(5, 10, 'enhanced')],
  },
  {
    name: 'status 5: 300-byte token in command 0',
    bytes: naive.simple({ token: Buffer.alloc(300, 1), payload: HI_PAYLOAD }),
    decoded: [rejected(5, undefined, 'simple')],
  },
  {
    name: 'status 7: 2049-byte payload',
    bytes: naive.frameOf({ token: TOKEN, payload: 'y'.repeat(2049), id: 11 }),
    decoded: [rejected(7, 11, 'frame')],
  },
  {
    name: 'status 7: 2049-byte payload in command 1',
    bytes: naive.enhanced({ token: TOKEN, payload: 'y'.repeat(2049), id: 12 }),
    decoded: [rejected(7, 12, 'enhanced')],
  },
  {
    name: 'status 128: unknown item id 6',
    bytes: naive.frame(naive.tokenItem(TOKEN), naive.payloadItem(HI_PAYLOAD), naive.idItem(13), naive.item(6, 'topic')),
    decoded: [rejected(128, 13, 'frame')],
  },
  {
    name: 'status 128: item id 0 before the identifier',
    bytes: naive.frame(naive.item(0, ''), naive.tokenItem(TOKEN), naive.payloadItem(HI_PAYLOAD), naive.idItem(14)),
    decoded: [rejected(128, 14, 'frame')],
  },
  {
    name: 'status 128: 2-byte identifier item (identifier unreadable)',
    bytes: naive.frame(naive.tokenItem(TOKEN), naive.payloadItem(HI_PAYLOAD), naive.item(3, naive.u16(15))),
    decoded: [rejected(128, undefined, 'frame')],
  },
  {
    name: 'status 128: 2-byte priority item',
    bytes: naive.frame(naive.tokenItem(TOKEN), naive.payloadItem(HI_PAYLOAD), naive.idItem(16), naive.item(5, naive.u16(10))),
    decoded: [rejected(128, 16, 'frame')],
  },
  {
    name: 'status 128: 5-byte expiry item',
    bytes: naive.frame(naive.idItem(17), naive.tokenItem(TOKEN), naive.payloadItem(HI_PAYLOAD), naive.item(4, Buffer.alloc(5))),
    decoded: [rejected(128, 17, 'frame')],
  },
  {
    name: 'status 128: last item runs past the frame',
    bytes: hex(`
      02 00000011                         # frame length 17
      03 0004 00000012                    # identifier 18
      02 0016 7b22617073223a              # payload item claims 22 bytes, 7 are in the frame
    `),
    decoded: [rejected(128, 18, 'frame')],
  },
  {
    name: 'status 128: frame too short for an item header',
    bytes: hex('02 00000002 0100'),
    decoded: [rejected(128, undefined, 'frame')],
  },
  {
    name: 'status 128: token item twice',
    bytes: naive.frame(naive.tokenItem(TOKEN), naive.payloadItem(HI_PAYLOAD), naive.idItem(19), naive.tokenItem(TOKEN)),
    decoded: [rejected(128, 19, 'frame')],
  },
  {
    name: 'status 128: priority 7 in canonical order',
    bytes: naive.frameOf({ token: TOKEN, payload: HI_PAYLOAD, id: 20, priority: 7 }),
    decoded: [rejected(128, 20, 'frame')],
  },
  {
    name: 'status 128: priority 0 in pushy order',
    bytes: naive.frame(naive.idItem(21), naive.tokenItem(TOKEN), naive.payloadItem(HI_PAYLOAD), naive.priorityItem(0)),
    decoded: [rejected(128, 21, 'frame')],
  },
  {
    name: 'fatal: unknown command 9, decided by its first byte',
    bytes: hex(`09 00000001 0020 ${TOKEN_HEX}`),
    decoded: [rejected(128, undefined, undefined, true)],
    readyAt: [1],
  },
  {
    name: 'fatal: frame length 4 GB, decided by the header alone',
    bytes: hex('02 ffffffff 01 0020 00'),
    decoded: [rejected(128, undefined, 'frame', true)],
    readyAt: [5],
  },
  {
    name: 'fatal: frame length one past five items of 65535 bytes (0x5000a)',
    bytes: hex('02 0005000b 01'),
    decoded: [rejected(128, undefined, 'frame', true)],
    readyAt: [5],
  },
];

const vectors = suite('notification vectors');
registerVectors(vectors, notificationCodec(), [...wellFormed, ...malformed]);
vectors.run();

const voip = suite('notification vectors, 4096-byte limit');
const VOIP_PAYLOAD = `{"v":"${'z'.repeat(4096 - 8)}"}`;
registerVectors(voip, notificationCodec({ payloadLimit: 4096 }), [
  {
    name: 'payload of exactly 4096 bytes',
    bytes: naive.frameOf({ token: TOKEN, payload: VOIP_PAYLOAD, id: 22, expiry: 1, priority: 5 }),
    decoded: [accepted('frame', { id: 22, expiry: 1, priority: 5, payload: VOIP_PAYLOAD }, 5 + 24 + 32 + 4096)],
    encode: () =>
      encodeNotification({ token: TOKEN, payload: VOIP_PAYLOAD, id: 22, expiry: 1, priority: 5 }, 'frame', { payloadLimit: 4096 }),
    reencode: reencodeNotification,
  },
  {
    name: 'status 7: 4097 bytes',
    bytes: naive.enhanced({ token: TOKEN, payload: `${VOIP_PAYLOAD} `, id: 23 }),
    decoded: [rejected(7, 23, 'enhanced')],
  },
]);
voip.run();
