import { ApnsTlsError } from './errors.js';

/*
 * Just enough DER to walk a certificate's structure: elements with one-byte tags and definite
 * lengths (all DER has), and OBJECT IDENTIFIER values. Everything is bounds-checked: a short or
 * malformed input is a typed error, never a read past the end.
 */

/** One DER element: its identifier octet and where its contents lie in the buffer. */
export interface DerElement {
  readonly tag: number;
  readonly start: number;
  readonly end: number;
}

export const DER_TAG = Object.freeze({ objectIdentifier: 0x06, sequence: 0x30 });
/** Identifier octet of a constructed context-specific field `[number]`. */
export function contextTag(number: number): number {
  return 0xa0 | number;
}

const HIGH_TAG_NUMBER = 0x1f;
const LONG_LENGTH = 0x80;
/** Length octets beyond these would describe more than 4 GiB: no certificate is that long. */
const MAX_LENGTH_OCTETS = 4;

/** The element starting at `offset`, which must end by `limit`. */
export function readElement(der: Uint8Array, offset: number, limit = der.length): DerElement {
  if (offset + 2 > limit) throw malformedDer(`element at byte ${offset} is cut short`);
  const tag = der[offset];
  if ((tag & HIGH_TAG_NUMBER) === HIGH_TAG_NUMBER) throw malformedDer(`multi-byte tag at byte ${offset}`);
  const first = der[offset + 1];
  let start = offset + 2;
  let length = first;
  if (first & LONG_LENGTH) {
    const octets = first & ~LONG_LENGTH;
    if (octets === 0) throw malformedDer(`indefinite length at byte ${offset}`);
    if (octets > MAX_LENGTH_OCTETS || start + octets > limit) throw malformedDer(`bad length at byte ${offset}`);
    length = 0;
    for (let index = 0; index < octets; index += 1) length = length * 256 + der[start + index];
    start += octets;
  }
  const end = start + length;
  if (end > limit) throw malformedDer(`element at byte ${offset} runs past its container`);
  return { tag, start, end };
}

/** The elements inside a constructed element, in order. */
export function childrenOf(der: Uint8Array, parent: DerElement): DerElement[] {
  const children: DerElement[] = [];
  for (let offset = parent.start; offset < parent.end; ) {
    const child = readElement(der, offset, parent.end);
    children.push(child);
    offset = child.end;
  }
  return children;
}

/** Dotted text of an OBJECT IDENTIFIER's contents, e.g. `1.2.840.113635.100.6.3.1`. */
export function decodeOid(der: Uint8Array, element: DerElement): string {
  if (element.tag !== DER_TAG.objectIdentifier) throw malformedDer(`expected an OBJECT IDENTIFIER at byte ${element.start}`);
  const arcs: bigint[] = [];
  let value = 0n;
  for (let offset = element.start; offset < element.end; offset += 1) {
    value = (value << 7n) | BigInt(der[offset] & 0x7f);
    if ((der[offset] & 0x80) === 0) {
      arcs.push(value);
      value = 0n;
    } else if (offset === element.end - 1) {
      throw malformedDer(`OBJECT IDENTIFIER at byte ${element.start} ends inside an arc`);
    }
  }
  if (arcs.length === 0) throw malformedDer(`empty OBJECT IDENTIFIER at byte ${element.start}`);
  // The first subidentifier packs the first two arcs as 40 * first + second (first is 0, 1 or 2).
  const first = arcs[0] < 80n ? arcs[0] / 40n : 2n;
  return [first, arcs[0] - first * 40n, ...arcs.slice(1)].join('.');
}

export function malformedDer(what: string): ApnsTlsError {
  return new ApnsTlsError('APNS_ERR_TLS_INVALID_PEM', `certificate is not well-formed DER: ${what}`);
}
