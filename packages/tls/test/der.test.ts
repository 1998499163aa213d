import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import forge from 'node-forge';
import { childrenOf, decodeOid, readElement } from '../src/der.js';
import { extensionOids } from '../src/index.js';

/** DER of an OBJECT IDENTIFIER, as node-forge (an independent encoder) writes it. */
function oidDer(oid: string): Buffer {
  const contents = Buffer.from(forge.asn1.oidToDer(oid).getBytes(), 'binary');
  return Buffer.concat([Buffer.from([0x06, contents.length]), contents]);
}

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    return (error as { code?: string }).code;
  }
  return undefined;
}

test('Apple push OIDs and common ones decode to their dotted text', () => {
  for (const oid of ['1.2.840.113635.100.6.3.1', '1.2.840.113635.100.6.3.2', '2.5.29.19', '0.9.2342.19200300.100.1.1']) {
    const der = oidDer(oid);
    assert.is(decodeOid(der, readElement(der, 0)), oid);
  }
});

test('any OID forge encodes decodes back to the same text, arcs past 2^53 too', () => {
  const arc = fc.oneof(fc.integer({ min: 0, max: 1_000_000 }), fc.constant(2 ** 31 - 1));
  const oid = fc
    .tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 39 }), fc.array(arc, { maxLength: 8 }))
    .map(([first, second, rest]) => [first, second, ...rest].join('.'));
  fc.assert(fc.property(oid, (text) => decodeOid(oidDer(text), readElement(oidDer(text), 0)) === text));
  // 2.25 UUID OIDs carry a 128-bit arc, past what a double holds exactly.
  const uuidArc = '329800735698586629295641978511506172918';
  const encoded = encodeUuidOid(BigInt(uuidArc));
  assert.is(decodeOid(encoded, readElement(encoded, 0)), `2.25.${uuidArc}`);
});

/** `2.25.<arc>` encoded by hand: first subidentifier 2*40+25 = 105, then the arc in base 128. */
function encodeUuidOid(arc: bigint): Buffer {
  const groups: number[] = [];
  for (let rest = arc; ; rest >>= 7n) {
    groups.unshift(Number(rest & 0x7fn) | (groups.length ? 0x80 : 0));
    if (rest < 128n) break;
  }
  return Buffer.from([0x06, groups.length + 1, 105, ...groups]);
}

test('long-form lengths are read, and children stay inside their parent', () => {
  const inner = Buffer.alloc(200, 0x05);
  const octets = Buffer.concat([Buffer.from([0x04, 0x81, 200]), inner]);
  const sequence = Buffer.concat([Buffer.from([0x30, 0x81, octets.length]), octets]);
  const element = readElement(sequence, 0);
  assert.equal(element, { tag: 0x30, start: 3, end: sequence.length });
  assert.equal(childrenOf(sequence, element), [{ tag: 0x04, start: 6, end: sequence.length }]);
});

test('malformed DER is a typed error, never a read past the end', () => {
  const cases = {
    'cut short': '30',
    'length past the end': '3005020101',
    'indefinite length': '3080020101 0000',
    'too many length octets': '3085 0000000001 00',
    'multi-byte tag': '1f8101 00',
    'child past its parent': '3003 020201',
    'OID ending inside an arc': '0602 2a86',
    'empty OID': '0600',
  };
  for (const [name, hex] of Object.entries(cases)) {
    const der = Buffer.from(hex.replace(/ /g, ''), 'hex');
    const code = codeOf(() => {
      const element = readElement(der, 0);
      if (element.tag === 0x06) decodeOid(der, element);
      else childrenOf(der, element);
    });
    assert.is(code, 'APNS_ERR_TLS_INVALID_PEM', name);
  }
  assert.is(codeOf(() => decodeOid(Buffer.from('020101', 'hex'), readElement(Buffer.from('020101', 'hex'), 0))), 'APNS_ERR_TLS_INVALID_PEM', 'not an OID');
});

test('an extension without its OID is malformed; a certificate that is not a SEQUENCE has no OIDs', () => {
  // Certificate { tbs { [3] { SEQ OF { Extension {} } } } }
  const emptyExtension = Buffer.from('3008' + '3006' + 'a304' + '3002' + '3000', 'hex');
  assert.is(codeOf(() => extensionOids(emptyExtension)), 'APNS_ERR_TLS_INVALID_PEM');
  assert.equal(extensionOids(Buffer.from('020101', 'hex')), []);
  assert.equal(extensionOids(Buffer.from('3000', 'hex')), []);
  assert.equal(extensionOids(Buffer.from('3004' + 'a302' + '3000', 'hex')), []);
});

test.run();
