import type { Address } from '@apnskit/tls';

/** Port of Apple's feedback service (the gateway's is 2195). */
export const FEEDBACK_PORT = 2196;
export const SANDBOX_FEEDBACK_HOST = 'feedback.sandbox.push.apple.com';
export const PRODUCTION_FEEDBACK_HOST = 'feedback.push.apple.com';

/** feedback.sandbox.push.apple.com:2196 */
export function devAddress(): Address {
  return { host: SANDBOX_FEEDBACK_HOST, port: FEEDBACK_PORT };
}

/** feedback.push.apple.com:2196 */
export function prodAddress(): Address {
  return { host: PRODUCTION_FEEDBACK_HOST, port: FEEDBACK_PORT };
}
