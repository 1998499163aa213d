// HPACK against RFC 7541 Appendix C (C.2 to C.6, raw and Huffman), round trips through the encoder,
// header blocks made by node:http2, and hostile blocks, which must throw HpackError and nothing else.
import { connect, createServer, type ClientHttp2Session } from 'node:http2';
import { connect as netConnect, createServer as createNetServer, type AddressInfo } from 'node:net';
import fc from 'fast-check';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  HUFFMAN_CODES,
  HUFFMAN_CODE_LENGTHS,
  HpackDecoder,
  HpackError,
  encodeHeaderBlock,
  huffmanDecode,
  huffmanEncode,
  huffmanEncodedLength,
  integerLength,
  readInteger,
  writeInteger,
} from '../src/http2/index.js';
import { hex } from './helpers/hex.js';
import { throwsCode } from './helpers/errors.js';

const test = suite('http2 hpack');

type Fields = [string, string][];
interface Example {
  readonly section: string;
  readonly block: string;
  readonly fields: Fields;
  /** The dynamic table after the block, newest first: [name, value, size]. */
  readonly table: [string, string, number][];
}

function flat(fields: Fields): string[] {
  return fields.flat();
}

/** Runs consecutive blocks on one decoder, as RFC 7541 Appendix C does. */
function runExamples(examples: readonly Example[], tableSize: number): void {
  const decoder = new HpackDecoder(tableSize);
  for (const example of examples) {
    assert.equal(decoder.decode(hex(example.block)), flat(example.fields), example.section);
    assert.equal(decoder.entries(), example.table, `${example.section} table`);
    assert.is(decoder.dynamicTableSize, example.table.reduce((sum, [, , size]) => sum + size, 0), `${example.section} size`);
  }
}

test('C.2: one field of each representation', () => {
  runExamples([{ section: 'C.2.1 literal with indexing', block: '400a 6375 7374 6f6d 2d6b 6579 0d63 7573 746f 6d2d 6865 6164 6572', fields: [['custom-key', 'custom-header']], table: [['custom-key', 'custom-header', 55]] }], 4096);
  runExamples([{ section: 'C.2.2 literal without indexing', block: '040c 2f73 616d 706c 652f 7061 7468', fields: [[':path', '/sample/path']], table: [] }], 4096);
  runExamples([{ section: 'C.2.3 literal never indexed', block: '1008 7061 7373 776f 7264 0673 6563 7265 74', fields: [['password', 'secret']], table: [] }], 4096);
  runExamples([{ section: 'C.2.4 indexed', block: '82', fields: [[':method', 'GET']], table: [] }], 4096);
});

const REQUEST_1: Fields = [[':method', 'GET'], [':scheme', 'http'], [':path', '/'], [':authority', 'www.example.com']];
const REQUEST_2: Fields = [...REQUEST_1, ['cache-control', 'no-cache']];
const REQUEST_3: Fields = [[':method', 'GET'], [':scheme', 'https'], [':path', '/index.html'], [':authority', 'www.example.com'], ['custom-key', 'custom-value']];
const AUTHORITY: [string, string, number] = [':authority', 'www.example.com', 57];
const NO_CACHE: [string, string, number] = ['cache-control', 'no-cache', 53];
const CUSTOM: [string, string, number] = ['custom-key', 'custom-value', 54];

test('C.3: requests without Huffman coding share one table', () => {
  runExamples(
    [
      { section: 'C.3.1', block: '8286 8441 0f77 7777 2e65 7861 6d70 6c65 2e63 6f6d', fields: REQUEST_1, table: [AUTHORITY] },
      { section: 'C.3.2', block: '8286 84be 5808 6e6f 2d63 6163 6865', fields: REQUEST_2, table: [NO_CACHE, AUTHORITY] },
      { section: 'C.3.3', block: '8287 85bf 400a 6375 7374 6f6d 2d6b 6579 0c63 7573 746f 6d2d 7661 6c75 65', fields: REQUEST_3, table: [CUSTOM, NO_CACHE, AUTHORITY] },
    ],
    4096,
  );
});

test('C.4: the same requests with Huffman coding', () => {
  runExamples(
    [
      { section: 'C.4.1', block: '8286 8441 8cf1 e3c2 e5f2 3a6b a0ab 90f4 ff', fields: REQUEST_1, table: [AUTHORITY] },
      { section: 'C.4.2', block: '8286 84be 5886 a8eb 1064 9cbf', fields: REQUEST_2, table: [NO_CACHE, AUTHORITY] },
      { section: 'C.4.3', block: '8287 85bf 4088 25a8 49e9 5ba9 7d7f 8925 a849 e95b b8e8 b4bf', fields: REQUEST_3, table: [CUSTOM, NO_CACHE, AUTHORITY] },
    ],
    4096,
  );
});

const DATE_21 = 'Mon, 21 Oct 2013 20:13:21 GMT';
const DATE_22 = 'Mon, 21 Oct 2013 20:13:22 GMT';
const LOCATION = 'https://www.example.com';
const COOKIE = 'foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1';
const RESPONSE_1: Fields = [[':status', '302'], ['cache-control', 'private'], ['date', DATE_21], ['location', LOCATION]];
const RESPONSE_2: Fields = [[':status', '307'], ['cache-control', 'private'], ['date', DATE_21], ['location', LOCATION]];
const RESPONSE_3: Fields = [[':status', '200'], ['cache-control', 'private'], ['date', DATE_22], ['location', LOCATION], ['content-encoding', 'gzip'], ['set-cookie', COOKIE]];
const TABLE_1: [string, string, number][] = [['location', LOCATION, 63], ['date', DATE_21, 65], ['cache-control', 'private', 52], [':status', '302', 42]];
const TABLE_2: [string, string, number][] = [[':status', '307', 42], ['location', LOCATION, 63], ['date', DATE_21, 65], ['cache-control', 'private', 52]];
const TABLE_3: [string, string, number][] = [['set-cookie', COOKIE, 98], ['content-encoding', 'gzip', 52], ['date', DATE_22, 65]];

test('C.5: responses without Huffman coding evict from a 256-octet table', () => {
  runExamples(
    [
      {
        section: 'C.5.1',
        block: `4803 3330 3258 0770 7269 7661 7465 611d 4d6f 6e2c 2032 3120 4f63 7420 3230 3133
                2032 303a 3133 3a32 3120 474d 546e 1768 7474 7073 3a2f 2f77 7777 2e65 7861 6d70 6c65 2e63 6f6d`,
        fields: RESPONSE_1,
        table: TABLE_1,
      },
      { section: 'C.5.2', block: '4803 3330 37c1 c0bf', fields: RESPONSE_2, table: TABLE_2 },
      {
        section: 'C.5.3',
        block: `88c1 611d 4d6f 6e2c 2032 3120 4f63 7420 3230 3133 2032 303a 3133 3a32 3220 474d
                54c0 5a04 677a 6970 7738 666f 6f3d 4153 444a 4b48 514b 425a 584f 5157 454f 5049
                5541 5851 5745 4f49 553b 206d 6178 2d61 6765 3d33 3630 303b 2076 6572 7369 6f6e 3d31`,
        fields: RESPONSE_3,
        table: TABLE_3,
      },
    ],
    256,
  );
});

test('C.6: the same responses with Huffman coding', () => {
  runExamples(
    [
      {
        section: 'C.6.1',
        block: `4882 6402 5885 aec3 771a 4b61 96d0 7abe 9410 54d4 44a8 2005 9504 0b81 66e0 82a6
                2d1b ff6e 919d 29ad 1718 63c7 8f0b 97c8 e9ae 82ae 43d3`,
        fields: RESPONSE_1,
        table: TABLE_1,
      },
      { section: 'C.6.2', block: '4883 640e ffc1 c0bf', fields: RESPONSE_2, table: TABLE_2 },
      {
        section: 'C.6.3',
        block: `88c1 6196 d07a be94 1054 d444 a820 0595 040b 8166 e084 a62d 1bff c05a 839b d9ab
                77ad 94e7 821d d7f2 e6c7 b335 dfdf cd5b 3960 d5af 2708 7f36 72c1 ab27 0fb5 291f
                9587 3160 65c0 03ed 4ee5 b106 3d50 07`,
        fields: RESPONSE_3,
        table: TABLE_3,
      },
    ],
    256,
  );
});

test('Huffman codes: the canonical codes derived from the lengths match RFC 7541 Appendix B spot values', () => {
  // '0' (48) 00000, 'a' (97) 00011, 'A' (65) 100001, 0 1111111111000, EOS 30 ones.
  const spots: [number, number, number][] = [[48, 0x0, 5], [97, 0x3, 5], [65, 0x21, 6], [0, 0x1ff8, 13], [255, 0x3ffffee, 26], [10, 0x3ffffffc, 30], [256, 0x3fffffff, 30]];
  for (const [symbol, code, length] of spots) {
    assert.is(HUFFMAN_CODES[symbol], code, `code of ${symbol}`);
    assert.is(HUFFMAN_CODE_LENGTHS[symbol], length, `length of ${symbol}`);
  }
});

test('Huffman: every octet string round-trips (bounded property run)', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
      const target = new Uint8Array(huffmanEncodedLength(bytes));
      assert.is(huffmanEncode(bytes, target, 0), target.length);
      const expected = Buffer.from(bytes).toString('utf8');
      assert.is(huffmanDecode(target, 0, target.length), expected);
    }),
    { numRuns: 300 },
  );
});

test('integers: RFC 7541 C.1 examples and a round trip at every prefix', () => {
  const encode = (value: number, prefix: number) => {
    const bytes = new Uint8Array(integerLength(value, prefix));
    writeInteger(bytes, 0, value, prefix, 0);
    return Buffer.from(bytes).toString('hex');
  };
  assert.is(encode(10, 5), '0a', 'C.1.1');
  assert.is(encode(1337, 5), '1f9a0a', 'C.1.2');
  assert.is(encode(42, 8), '2a', 'C.1.3');
  for (let prefix = 1; prefix <= 8; prefix += 1) {
    for (const value of [0, 1, (1 << prefix) - 2, (1 << prefix) - 1, 1 << prefix, 127, 128, 16_383, 2 ** 20]) {
      const block = Buffer.from(encode(value, prefix), 'hex');
      assert.is(readInteger({ block, offset: 0 }, prefix), value, `${value} with a ${prefix}-bit prefix`);
    }
  }
});

test('the encoder: static fields indexed, the rest literal without indexing, decodable by any decoder', () => {
  const fields: [string, string][] = [[':method', 'POST'], [':scheme', 'https'], [':authority', 'api.push.apple.com'], [':path', '/3/device/abcd'], ['authorization', 'bearer x.y.z'], ['apns-topic', 'com.example.app'], ['apns-push-type', 'alert'], ['apns-collapse-id', 'é']];
  const block = encodeHeaderBlock(fields);
  assert.is(block.subarray(0, 2).toString('hex'), '8387', ':method POST and :scheme https are static indexes 3 and 7');
  assert.is(block[2], 0x01, ':authority is a literal with static name index 1');
  const decoder = new HpackDecoder();
  assert.equal(decoder.decode(block), fields.flat());
  assert.is(decoder.dynamicTableLength, 0, 'nothing indexed');
});

/** Header blocks node:http2 (nghttp2) really sends: captured from the wire of a server's responses. */
test('blocks made by node:http2: responses with a dynamic table, Huffman and indexing decode in order', async () => {
  const server = createServer();
  let answer = 0;
  server.on('stream', (stream) => {
    answer += 1;
    const failed = answer % 3 === 0;
    stream.respond({ ':status': failed ? 410 : 200, 'apns-id': `00000000-0000-4000-8000-${String(answer).padStart(12, '0')}`, ...(failed ? { 'content-type': 'application/json' } : {}) }, { endStream: !failed });
    if (failed) stream.end('{"reason":"Unregistered"}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  // A TCP relay between client and server records what the server writes (nghttp2 reads its socket natively).
  const blocks: Buffer[] = [];
  const relay = createNetServer((client) => {
    const upstream = netConnect((server.address() as AddressInfo).port, '127.0.0.1');
    client.pipe(upstream);
    upstream.on('data', (chunk: Buffer) => {
      collectHeaderBlocks(chunk, blocks);
      client.write(chunk);
    });
    upstream.on('close', () => client.destroy());
    client.on('close', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
  const session: ClientHttp2Session = connect(`http://127.0.0.1:${(relay.address() as AddressInfo).port}`);
  for (let index = 0; index < 6; index += 1) {
    await new Promise<void>((resolve) => {
      const request = session.request({ ':method': 'POST', ':path': '/3/device/ab' });
      request.on('response', () => undefined).on('data', () => undefined).on('end', resolve);
      request.end('{}');
    });
  }
  session.close();
  server.close();
  relay.close();
  assert.is(blocks.length, 6);
  const decoder = new HpackDecoder();
  blocks.forEach((block, index) => {
    const fields = decoder.decode(block);
    const failed = (index + 1) % 3 === 0;
    assert.is(fields[1], failed ? '410' : '200', `block ${index} status`);
    assert.is(fields[fields.indexOf('apns-id') + 1], `00000000-0000-4000-8000-${String(index + 1).padStart(12, '0')}`);
  });
  assert.ok(decoder.dynamicTableLength > 0, 'nghttp2 indexed some fields');
});

let pendingWire = Buffer.alloc(0);
/** Pulls HEADERS payloads (type 1, no padding or priority in nghttp2's responses) out of a server's bytes. */
function collectHeaderBlocks(chunk: Buffer, blocks: Buffer[]): void {
  pendingWire = Buffer.concat([pendingWire, chunk]);
  while (pendingWire.length >= 9) {
    const length = pendingWire.readUIntBE(0, 3);
    if (pendingWire.length < 9 + length) return;
    if (pendingWire[3] === 1) blocks.push(Buffer.from(pendingWire.subarray(9, 9 + length)));
    pendingWire = pendingWire.subarray(9 + length);
  }
}

test('hostile blocks: each a typed HpackError, never another throw', () => {
  const cases: [string, string, RegExp][] = [
    ['80', 'index 0', /index 0/],
    ['be', 'index 62 with an empty dynamic table', /beyond/],
    ['ffffffffffff7f', 'an integer beyond 2^28', /integer exceeds/],
    ['ff', 'an integer cut short', /ends inside an integer/],
    ['04', 'a literal cut short before its value', /ends before a string/],
    ['400a6375', 'a string longer than its block', /runs past the end/],
    ['3fe21f', 'a table size update above our limit', /above the 4096/],
    ['823f00', 'a table size update after a field', /only at the start/],
    ['0081ff', 'Huffman with a full octet of padding', /padding/],
    ['0084ffffffff', 'Huffman containing EOS', /EOS/],
    ['00831f0000', 'Huffman padding of 0 bits', /padding/],
  ];
  for (const [block, what, message] of cases) {
    throwsCode(() => new HpackDecoder().decode(hex(block)), 'APNS_ERR_HPACK', message);
    assert.ok(what.length > 0);
  }
  const small = new HpackDecoder(4096, 100);
  throwsCode(() => small.decode(hex(`007f 0a ${'61'.repeat(137)} 00`)), 'APNS_ERR_HPACK', /exceeds the 100 allowed/);
  throwsCode(() => small.decode(Buffer.from('82'.repeat(4), 'hex')), 'APNS_ERR_HPACK', /more than 100 octets/);
});

test('table size: an update shrinks and evicts; an entry larger than the table empties it', () => {
  const decoder = new HpackDecoder(256);
  decoder.decode(hex('400a 6375 7374 6f6d 2d6b 6579 0d63 7573 746f 6d2d 6865 6164 6572'));
  assert.is(decoder.dynamicTableSize, 55);
  decoder.decode(hex('20'));
  assert.is(decoder.dynamicTableLength, 0, 'size 0 evicts all');
  decoder.decode(hex('3f e1 01'));
  decoder.decode(hex(`40 01 61 7f 81 01 ${'62'.repeat(256)}`));
  assert.is(decoder.dynamicTableLength, 0, 'too large to add: the table is emptied');
});

test('fuzz: random blocks give fields or HpackError, never another throw (bounded run)', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 96 }), (bytes) => {
      try {
        new HpackDecoder(256, 1024).decode(bytes);
      } catch (error) {
        assert.instance(error, HpackError);
      }
    }),
    { numRuns: 2000 },
  );
});

test.run();
