import { createSender } from '@apnskit/client';
import { Message } from '@apnskit/codec';

const tokens = (process.env.TOKENS ?? '').split(',').filter(Boolean);

const sender = createSender({
  address: process.env.APNS_GATEWAY ?? 'gateway.push.apple.com:2195',
  tls: { pfx: process.env.APNS_PFX ?? 'push.p12', passphrase: process.env.APNS_PASSPHRASE, ca: process.env.APNS_CA },
  connections: 2,
});
sender.on('failed', ({ notification, status, name }) => {
  // Status 8: the app is gone from that device; stop sending to it.
  if (status === 8) console.log(`drop token ${notification.token} (${name})`);
  else console.log(`failed ${notification.token}: status ${status} ${name}`);
});

for (const token of tokens) {
  await sender.send(new Message().to(token).withAlertBody('Your order has shipped').withBadge(1)); // waits when the queue is full
}
const report = await sender.close(); // drains, then proves delivery with a final probe
console.log(`${report.delivered} delivered, ${report.failed.length} failed, ${report.unconfirmedCount} unconfirmed`);
