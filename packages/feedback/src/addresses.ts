import type { Address, ApnsEnvironment } from '@apnskit/tls';

/** Port of Apple's feedback service (the gateway's is 2195). */
export const FEEDBACK_PORT = 2196;
export const SANDBOX_FEEDBACK_HOST = 'feedback.sandbox.push.apple.com';
export const PRODUCTION_FEEDBACK_HOST = 'feedback.push.apple.com';

const FEEDBACK_HOSTS: Readonly<Record<ApnsEnvironment, string>> = {
  sandbox: SANDBOX_FEEDBACK_HOST,
  production: PRODUCTION_FEEDBACK_HOST,
};

/** Apple's feedback service: feedback.sandbox.push.apple.com:2196 or feedback.push.apple.com:2196 (a fresh object each call). */
export function feedbackAddress(environment: ApnsEnvironment): Address {
  return { host: FEEDBACK_HOSTS[environment], port: FEEDBACK_PORT };
}
