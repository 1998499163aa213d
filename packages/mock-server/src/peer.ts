import type { TLSSocket } from 'node:tls';
import { APPLE_PUSH_OID, type PushEnvironment } from './certs/generate.js';

/** What the server learns from a client certificate. */
export interface PeerIdentity {
  /** The subject's UID (the topic of an Apple push certificate), if any. */
  readonly topic: string | undefined;
  /** The push environments whose Apple OID the certificate carries. */
  readonly environments: readonly PushEnvironment[];
}

/** DER of an OBJECT IDENTIFIER, to find an extension in the raw certificate without parsing it. */
function oidDer(oid: string): Buffer {
  const [first, second, ...rest] = oid.split('.').map(Number);
  const body: number[] = [first! * 40 + second!];
  for (const arc of rest) {
    const bytes = [arc & 0x7f];
    for (let value = Math.floor(arc / 128); value > 0; value = Math.floor(value / 128)) bytes.unshift((value & 0x7f) | 0x80);
    body.push(...bytes);
  }
  return Buffer.from([0x06, body.length, ...body]);
}

const OID_MARKERS: ReadonlyArray<[PushEnvironment, Buffer]> = (Object.keys(APPLE_PUSH_OID) as PushEnvironment[]).map((name) => [
  name,
  oidDer(APPLE_PUSH_OID[name]),
]);

export function peerIdentity(socket: TLSSocket): PeerIdentity {
  const certificate = socket.getPeerCertificate(false);
  const uid = (certificate?.subject as unknown as Record<string, string | string[] | undefined> | undefined)?.UID;
  const topic = Array.isArray(uid) ? uid[0] : uid;
  const raw = certificate?.raw;
  const environments = raw ? OID_MARKERS.filter(([, marker]) => raw.includes(marker)).map(([name]) => name) : [];
  return { topic, environments };
}
