/** Picks the transport a connection runs on; both speak the same PushConnection contract. */
import { DirectConnection } from './direct/connection.js';
import { NodeHttp2Connection } from './node-connection.js';
import type { ConnectionParts, Http2Transport, PushConnection } from './push-connection.js';

export function createPushConnection(transport: Http2Transport, parts: ConnectionParts): PushConnection {
  return transport === 'node-http2' ? new NodeHttp2Connection(parts) : new DirectConnection(parts);
}
