// A connection failure that retrying cannot fix: apns-send stops at the first one and exits 2.
import { describeConnectionFailure } from '@apnskit/tls';

/**
 * What to tell the user when a failed connection attempt means the credentials are wrong, or
 * undefined when it is worth retrying. A server certificate that does not verify and a TLS alert
 * refusing the client certificate always are. A reset in the middle of the TLS handshake is when no
 * connection of this run has opened yet: that is how a TLS 1.2 gateway refuses a client
 * certificate (another CA, expired, revoked, or the other environment's); later it may be a blip.
 */
export function credentialFailure(error: Error | undefined, anyConnectionOpened: boolean): string | undefined {
  // No error: the server ended the connection (a FIN) before the handshake completed.
  const failure = error ? describeConnectionFailure(error) : { kind: 'reset', cause: 'closed', hint: '' };
  if (failure.kind === 'server-certificate' || failure.kind === 'client-certificate-rejected') return failure.hint;
  if (failure.kind === 'reset' && !anyConnectionOpened) {
    return `the gateway closed the connection during the TLS handshake (${failure.cause}): it refused the client certificate; use a push certificate issued for this gateway and environment`;
  }
  return undefined;
}
