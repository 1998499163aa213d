import type { ApnsEnvironment } from '@apnskit/tls';

/** Where a gateway listens. */
export interface Address {
  readonly host: string;
  readonly port: number;
}

/** The binary gateway's port. */
export const GATEWAY_PORT = 2195;

const GATEWAY_HOSTS: Readonly<Record<ApnsEnvironment, string>> = {
  sandbox: 'gateway.sandbox.push.apple.com',
  production: 'gateway.push.apple.com',
};

/** Apple's gateway: gateway.sandbox.push.apple.com:2195 or gateway.push.apple.com:2195 (a fresh object each call). */
export function gatewayAddress(environment: ApnsEnvironment): Address {
  return { host: GATEWAY_HOSTS[environment], port: GATEWAY_PORT };
}
