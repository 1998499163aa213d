import type { TLSSocket } from 'node:tls';
import { extensionOids, PUSH_OIDS, type ApnsEnvironment } from '@apnskit/tls';

/** What the server learns from a client certificate. */
export interface PeerIdentity {
  /** The subject's UID (the topic of an Apple push certificate), if any. */
  readonly topic: string | undefined;
  /** The push environments whose Apple OID the certificate carries. */
  readonly environments: readonly ApnsEnvironment[];
}

export function peerIdentity(socket: TLSSocket): PeerIdentity {
  const certificate = socket.getPeerCertificate(false);
  const uid = (certificate?.subject as unknown as Record<string, string | string[] | undefined> | undefined)?.UID;
  const topic = Array.isArray(uid) ? uid[0] : uid;
  const raw = certificate?.raw;
  const oids = raw ? oidsOf(raw) : [];
  const environments = (Object.keys(PUSH_OIDS) as ApnsEnvironment[]).filter((name) => oids.includes(PUSH_OIDS[name]));
  return { topic, environments };
}

/** The certificate's extension OIDs; none when its DER is beyond what the reader knows (TLS accepted it, so it is no reason to fail). */
function oidsOf(raw: Buffer): string[] {
  try {
    return extensionOids(raw);
  } catch {
    return [];
  }
}
