/** Apple's provider API hosts. */
import { parseAddress, type ApnsEnvironment } from '@apnskit/tls';
import type { Address } from '../address.js';
import type { AddressInput } from '../connection-api.js';
import { invalidOption } from '../errors.js';

/** The provider API's port (2197 also works where a firewall blocks 443). */
export const HTTP2_PORT = 443;

const PROVIDER_API_HOSTS: Readonly<Record<ApnsEnvironment, string>> = {
  sandbox: 'api.sandbox.push.apple.com', // development builds
  production: 'api.push.apple.com', // App Store, TestFlight and ad hoc builds
};

/** Apple's provider API: api.sandbox.push.apple.com:443 or api.push.apple.com:443 (a fresh object each call). */
export function providerApiAddress(environment: ApnsEnvironment): Address {
  return { host: PROVIDER_API_HOSTS[environment], port: HTTP2_PORT };
}

/** An explicit address wins; otherwise the environment's host (default sandbox). */
export function resolveHttp2Address(environment: unknown, address: AddressInput | undefined): Address {
  if (environment !== undefined && environment !== 'sandbox' && environment !== 'production') throw invalidOption('environment', "'sandbox' or 'production'", environment);
  if (address !== undefined) return typeof address === 'string' ? parseAddress(address, HTTP2_PORT) : address;
  return providerApiAddress(environment ?? 'sandbox');
}
