/** Apple's provider API hosts. */
import { parseAddress } from '@apnskit/tls';
import type { Address } from '../address.js';
import type { AddressInput } from '../connection-api.js';
import { invalidOption } from '../errors.js';

/** The provider API's port (2197 also works where a firewall blocks 443). */
export const HTTP2_PORT = 443;

/** api.sandbox.push.apple.com:443 (development builds). */
export function sandboxHttp2Address(): Address {
  return { host: 'api.sandbox.push.apple.com', port: HTTP2_PORT };
}

/** api.push.apple.com:443 (App Store, TestFlight and ad hoc builds). */
export function productionHttp2Address(): Address {
  return { host: 'api.push.apple.com', port: HTTP2_PORT };
}

/** An explicit address wins; otherwise the environment's host (default sandbox). */
export function resolveHttp2Address(environment: unknown, address: AddressInput | undefined): Address {
  if (environment !== undefined && environment !== 'sandbox' && environment !== 'production') throw invalidOption('environment', "'sandbox' or 'production'", environment);
  if (address !== undefined) return typeof address === 'string' ? parseAddress(address, HTTP2_PORT) : address;
  return environment === 'production' ? productionHttp2Address() : sandboxHttp2Address();
}
