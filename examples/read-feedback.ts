import { feedback } from '@apnskit/feedback';

const address = process.env.APNS_FEEDBACK ?? 'feedback.push.apple.com:2196';
const tls = { pfx: process.env.APNS_PFX ?? 'push.p12', passphrase: process.env.APNS_PASSPHRASE, ca: process.env.APNS_CA };

for await (const { token, timestamp } of feedback(address, tls, { idleTimeoutMs: 30_000 })) {
  // Drop the token only if the device did not register it again after `timestamp`.
  console.log(`${token} gone since ${timestamp.toISOString()}`);
}
