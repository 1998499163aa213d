// `npm start`: the whole toolkit on the embedded mock server, no Apple account needed.
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import type { TlsInput } from '@apnskit/client';
import { createMockServer } from '@apnskit/mock-server';
import { explicitConnectionAct } from './connection-act.js';
import { count, heading, rate, step, table } from './display.js';
import { feedbackAct } from './feedback-act.js';
import { http2Act } from './http2-act.js';
import { checkLedger } from './ledger.js';
import { senderAct } from './sender-act.js';
import { demoTokens } from './tokens.js';

const HELP = `apnskit demo: sends a batch through the managed sender to the embedded mock server,
with invalid tokens and an Apple shutdown scripted in, then reads the feedback service, then sends
over Apple's HTTP/2 provider API with a provider token, a 410 and a GOAWAY scripted in.

Options:
  --count N          notifications in the batch (default 100000; the HTTP/2 act sends a tenth)
  --connections N    connections in the sender's pool (default 2)
  --certs-dir DIR    where the generated certificates go (default .certs)
  --help             this text

Example: npm start -- --count 1000000 --connections 4`;

function positive(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) {
    console.error(`--${name} must be a whole number >= 1, got ${JSON.stringify(text)}`);
    process.exit(2);
  }
  return value;
}

const { values } = parseArgs({
  options: {
    count: { type: 'string' },
    connections: { type: 'string' },
    'certs-dir': { type: 'string' },
    help: { type: 'boolean' },
  },
});
if (values.help) {
  console.log(HELP);
  process.exit(0);
}
const total = positive('count', values.count, 100_000);
const connections = positive('connections', values.connections, 2);

heading("apnskit demo: Apple's binary push protocol against the embedded mock server");
const mock = await createMockServer({ certsDir: resolve(values['certs-dir'] ?? '.certs') });
try {
  const gateway = `${mock.host}:${mock.gateway.port}`;
  const feedbackAddress = `${mock.host}:${mock.feedback.port}`;
  const tls: TlsInput = { pfx: mock.certs.paths.clientP12, passphrase: mock.certs.p12Passphrase, ca: mock.certs.paths.ca, environment: 'sandbox' };
  step('mock', `gateway ${gateway}, feedback ${feedbackAddress}, mutual TLS`);
  step('certs', `${mock.certs.paths.dir} (CA, Apple-like client certificate, .p12)`);

  heading('1. The explicit connection: the error handler names the faulty message and what to resend');
  await explicitConnectionAct(mock, gateway, tls);
  mock.reset();

  heading(`2. The managed sender: ${count(total)} notifications, nothing lost`);
  const tokens = demoTokens(total);
  const { report, possiblyDuplicated } = await senderAct(mock, gateway, tls, { tokens, connections });

  heading('3. The feedback service: tokens whose app is gone');
  const gone = await feedbackAct(feedbackAddress, tls);

  const ledger = checkLedger(mock, tokens, report, possiblyDuplicated);
  const failedByStatus = new Map<string, number>();
  for (const { name } of report.failed) failedByStatus.set(name, (failedByStatus.get(name) ?? 0) + 1);
  const failedText = [...failedByStatus].map(([name, failed]) => `${name} ${failed}`).join(', ');

  heading('Summary');
  table([
    ['sent', count(report.sent)],
    ['delivered (proven)', count(report.delivered)],
    ['failed', `${count(report.failed.length)}${failedText ? ` (${failedText})` : ''}`],
    ['unconfirmed', count(report.unconfirmedCount)],
    ['resent', count(report.resent)],
    ['duplicates at gateway', count(ledger.duplicates)],
    ['tokens to drop (feedback)', count(gone.length)],
    ['connections opened', count(report.connections)],
    ['throughput (client + mock, one process)', rate(report.sent / (report.elapsedMs / 1000))],
    ['elapsed', `${(report.elapsedMs / 1000).toFixed(2)} s`],
  ]);
  if (ledger.closed) {
    step('ledger', `closed: every notification delivered, failed with a status, or reported unconfirmed; ${ledger.lost} lost`);
  } else {
    step('ledger', `NOT closed: ${ledger.lost} lost, ${ledger.duplicates} duplicates (${report.possiblyDuplicated} reported possible)`);
    for (const problem of ledger.problems) step('ledger', problem);
    process.exitCode = 1;
  }

  mock.reset();
  const http2Count = Math.max(1, Math.floor(total / 10));
  heading(`4. HTTP/2 provider API: ${count(http2Count)} notifications with a provider token, a 410 and a GOAWAY`);
  const http2 = await http2Act(mock, demoTokens(http2Count));
  table([
    ['sent', count(http2.report.sent)],
    ['delivered', count(http2.report.delivered)],
    ['failed', `${count(http2.report.failed.length)}${http2.report.failed.map(({ status, reason }) => ` (${status} ${reason})`).join('')}`],
    ['unconfirmed', count(http2.report.unconfirmedCount)],
    ['resent', count(http2.report.resent)],
    ['connections opened', count(http2.report.connections)],
    ['elapsed', `${(http2.report.elapsedMs / 1000).toFixed(2)} s`],
  ]);
  if (http2.ledgerClosed) {
    step('ledger', 'closed: every HTTP/2 notification delivered once, failed with a reason, or reported unconfirmed');
  } else {
    step('ledger', 'NOT closed for the HTTP/2 act');
    process.exitCode = 1;
  }
} finally {
  await mock.close();
}
