import { createSender } from '@apnskit/client';

const tokens = (process.env.TOKENS ?? '').split(',').filter(Boolean);

const sender = createSender({
  protocol: 'h2',
  address: process.env.APNS_HOST ?? 'api.sandbox.push.apple.com:443',
  token: { key: process.env.APNS_AUTH_KEY ?? 'AuthKey.p8', keyId: process.env.APNS_KEY_ID ?? '', teamId: process.env.APNS_TEAM_ID ?? '' },
  topic: process.env.APNS_TOPIC ?? 'com.example.app',
  tls: { ca: process.env.APNS_CA }, // only for a mock: Apple's servers chain to a public root
});
sender.on('unregistered', ({ token, timestamp }) => {
  // 410: the app is gone from that device since `timestamp`; stop sending to it.
  console.log(`drop token ${token} (unregistered since ${timestamp.toISOString()})`);
});

for (const token of tokens) {
  await sender.send({ token, payload: { aps: { alert: 'Your order has shipped' } } });
}
const report = await sender.close(); // waits for every answer
for (const { notification, reason } of report.failed) console.log(`failed ${notification.token}: ${reason}`);
console.log(`${report.delivered} delivered, ${report.failed.length} failed, ${report.unconfirmedCount} unconfirmed`);
