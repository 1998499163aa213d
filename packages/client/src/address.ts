/** Where a gateway listens. */
export interface Address {
  readonly host: string;
  readonly port: number;
}

/** The binary gateway's port. */
export const GATEWAY_PORT = 2195;

/** Apple's sandbox (development) gateway: gateway.sandbox.push.apple.com:2195. */
export function devAddress(): Address {
  return { host: 'gateway.sandbox.push.apple.com', port: GATEWAY_PORT };
}

/** Apple's production gateway: gateway.push.apple.com:2195. */
export function prodAddress(): Address {
  return { host: 'gateway.push.apple.com', port: GATEWAY_PORT };
}
