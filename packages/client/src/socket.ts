import type { TLSSocket } from 'node:tls';
import { resolveCredentials, type ApnsTlsOptions, type ResolvedCredentials } from '@apnskit/tls';
import type { Address } from './address.js';
import type { TlsSessions } from './tls-sessions.js';

/** Credentials as options, or already resolved (resolve once, share between connections). */
export type TlsInput = ApnsTlsOptions | ResolvedCredentials;

/** Resolves credentials now, so that bad ones throw ApnsTlsError before any connection. */
export function credentialsFrom(tls: TlsInput): ResolvedCredentials {
  return resolveCredentials(tls);
}

/**
 * Opens the TLS socket, resuming the last session in `sessions` when there is one. Node destroys
 * a socket on a write error (EPIPE, ECONNRESET), which would drop an error response still unread;
 * turning auto-destroy off keeps reading until the peer's end or a read error, and the connection
 * destroys the socket itself.
 */
export function openSocket(address: Address, credentials: ResolvedCredentials, sessions: TlsSessions): TLSSocket {
  const socket = sessions.connect({ ...credentials.connectOptions, host: address.host, port: address.port });
  keepReadingAfterWriteErrors(socket);
  socket.setNoDelay(true);
  return socket;
}

interface StreamStates {
  _readableState?: { autoDestroy: boolean };
  _writableState?: { autoDestroy: boolean };
}

function keepReadingAfterWriteErrors(socket: TLSSocket): void {
  const states = socket as unknown as StreamStates;
  if (states._readableState) states._readableState.autoDestroy = false;
  if (states._writableState) states._writableState.autoDestroy = false;
}
