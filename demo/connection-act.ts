// Act 1: the explicit connection and its error handler, one bad token among eight messages.
import { createConnection, type ChannelInactiveEvent, type SentMessage, type TlsInput } from '@apnskit/client';
import { Message } from '@apnskit/codec';
import type { MockServer } from '@apnskit/mock-server';
import { shortToken, step } from './display.js';
import { demoToken } from './tokens.js';

const MESSAGES = 8;
/** The fourth message goes to an uninstalled app. */
const BAD_INDEX = 3;
const PROBE_TIMEOUT_MS = 5000;

function ids(messages: readonly SentMessage[]): string {
  return messages.map((message) => message.id).join(', ');
}

/** Sends on one connection, lets the error handler report, resends on a second connection. */
export async function explicitConnectionAct(mock: MockServer, address: string, tls: TlsInput): Promise<void> {
  const badToken = demoToken(-1);
  const fault = mock.faults.add({ type: 'reject-token', token: badToken, status: 8, repeat: true });

  const first = await new Promise<ChannelInactiveEvent>((resolve, reject) => {
    const connection = createConnection(address, tls, {
      onConnect: () => step('connect', `connection 1 open (TLS with the client certificate from the .p12)`),
      onError: ({ status, name, id, faulty, resent }) => {
        const culprit = faulty[0];
        step('error', `status ${status} ${name}, id ${id}: faulty ${culprit ? shortToken(culprit.notification.token) : '-'}`);
        step('', `Apple discarded ${resent.length} sent after it (ids ${ids(resent)}): to resend`);
      },
      onChannelInactive: resolve,
      onException: reject,
    });
    for (let index = 0; index < MESSAGES; index += 1) {
      const token = index === BAD_INDEX ? badToken : demoToken(index);
      connection.send(new Message().to(token).withAlertBody(`Hello #${index + 1}`).withBadge(index + 1));
    }
    step('send', `${MESSAGES} messages queued on connection 1 (the fourth to an uninstalled app)`);
    connection.probe(PROBE_TIMEOUT_MS);
  });
  step('closed', `connection 1: ${first.cause}, ${first.delivered} delivered, ${first.failed} failed, ${first.resend.length} handed back`);

  const second = await new Promise<ChannelInactiveEvent>((resolve, reject) => {
    const connection = createConnection(address, tls, { onChannelInactive: resolve, onException: reject });
    for (const message of first.resend) connection.send(message.notification);
    connection.probe(PROBE_TIMEOUT_MS);
  });
  step('resent', `connection 2: ${second.delivered} delivered, confirmed by the closing probe (${second.cause})`);
  mock.faults.remove(fault);
}
