import { parseAddress } from '@apnskit/tls';
import type { Message, Notification } from '@apnskit/codec';
import { GATEWAY_PORT, type Address } from './address.js';
import { Connection as GatewayConnection } from './connection.js';
import type { Connection, ConnectionHandlers, ConnectionOptions } from './connection-types.js';
import { credentialsFrom, type TlsInput } from './socket.js';

/** `host:port` text or an address object; the port defaults to 2195. */
export type AddressInput = Address | string;

export function toAddress(address: AddressInput): Address {
  return typeof address === 'string' ? parseAddress(address, GATEWAY_PORT) : address;
}

/**
 * A connection proxy in the original library's model: nothing happens until the first send;
 * handlers hear about errors, resends and every socket event. Bad credentials throw
 * ApnsTlsError here, before any connection is made.
 */
export function createConnection(address: AddressInput, tls: TlsInput, handlers: ConnectionHandlers = {}, options: ConnectionOptions = {}): Connection {
  return new GatewayConnection(toAddress(address), credentialsFrom(tls), handlers, options);
}

/** Queues a message (a notification or a built Message) on a connection. */
export function send(connection: Connection, message: Notification | Message): void {
  connection.send(message);
}
