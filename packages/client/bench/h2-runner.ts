// One HTTP/2 bench run in its own process: sends `count` notifications with one contender and
// prints {"elapsedMs","cpuMs","delivered","failed"} (cpuMs: this process's CPU during the sending).
import { readFileSync } from 'node:fs';
import { connect as http2Connect, type ClientHttp2Session } from 'node:http2';
import { connect as tlsConnect } from 'node:tls';
import { SignJWT, importPKCS8 } from 'jose';
import apn from '@parse/node-apn';
import { createSender } from '@apnskit/client';
import { PAYLOAD_OBJECT, PAYLOAD_TEXT } from './fixtures.js';
import type { GatewayReady } from './h2-gateway.js';
import { h2BenchToken } from './h2-runner-tokens.js';

export type RunnerKind = 'library' | 'library-node-http2' | 'node-apn' | 'bare';
export interface RunnerResult {
  readonly elapsedMs: number;
  readonly cpuMs: number;
  readonly delivered: number;
  readonly failed: number;
}

const [kind, countText, tagText, gatewayJson] = process.argv.slice(2) as [RunnerKind, string, string, string];
const count = Number(countText);
const tag = Number(tagText);
const gateway = JSON.parse(gatewayJson) as GatewayReady;
/** Notifications per provider.send() call for node-apn (the gateway's stream limit). */
const NODE_APN_BATCH = 1000;
/** Streams the bare loop keeps in flight. */
const BARE_IN_FLIGHT = 500;


async function library(transport: 'direct' | 'node-http2'): Promise<{ delivered: number; failed: number }> {
  const sender = createSender({
    protocol: 'h2',
    transport,
    address: { host: gateway.host, port: gateway.port },
    token: { key: gateway.keyPath, keyId: gateway.keyId, teamId: gateway.teamId },
    tls: { ca: gateway.caPath },
    topic: gateway.topic,
  });
  for (let index = 0; index < count; index += 1) {
    if (!sender.write({ token: h2BenchToken(tag, index), payload: PAYLOAD_TEXT, pushType: 'alert' })) await sender.ready();
  }
  const report = await sender.close();
  return { delivered: report.delivered, failed: report.failed.length + report.unconfirmedCount };
}

async function nodeApn(): Promise<{ delivered: number; failed: number }> {
  const provider = new apn.Provider({
    token: { key: gateway.keyPath, keyId: gateway.keyId, teamId: gateway.teamId },
    production: false,
    address: gateway.host,
    port: gateway.port,
    ca: [readFileSync(gateway.caPath, 'utf8')],
  } as apn.ProviderOptions);
  const note = new apn.Notification();
  note.rawPayload = PAYLOAD_OBJECT;
  note.topic = gateway.topic;
  note.pushType = 'alert';
  // Its first stream alone (a token connection allows one until a valid token), then the rest in
  // batches of the gateway's stream limit: handed all 50,000 at once, it fails nearly all of them.
  const first = await provider.send(note, [h2BenchToken(tag, 0)]);
  let delivered = first.sent.length;
  let failed = first.failed.length;
  for (let from = 1; from < count; from += NODE_APN_BATCH) {
    const batch = Array.from({ length: Math.min(NODE_APN_BATCH, count - from) }, (_, index) => h2BenchToken(tag, from + index));
    const result = await provider.send(note, batch);
    delivered += result.sent.length;
    failed += result.failed.length;
  }
  await provider.shutdown();
  return { delivered, failed };
}

async function bare(): Promise<{ delivered: number; failed: number }> {
  const key = await importPKCS8(readFileSync(gateway.keyPath, 'utf8'), 'ES256');
  const jwt = await new SignJWT({ iss: gateway.teamId, iat: Math.floor(Date.now() / 1000) }).setProtectedHeader({ alg: 'ES256', kid: gateway.keyId }).sign(key);
  const session: ClientHttp2Session = http2Connect(`https://${gateway.host}:${gateway.port}`, {
    createConnection: () => tlsConnect({ host: gateway.host, port: gateway.port, ca: readFileSync(gateway.caPath), ALPNProtocols: ['h2'] }),
  });
  const headers = (index: number) => ({
    ':method': 'POST',
    ':path': `/3/device/${h2BenchToken(tag, index)}`,
    authorization: `bearer ${jwt}`,
    'apns-topic': gateway.topic,
    'apns-push-type': 'alert',
  });
  const body = Buffer.from(PAYLOAD_TEXT);
  let delivered = 0;
  let failed = 0;
  let next = 0;
  const one = (index: number): Promise<void> =>
    new Promise((resolve) => {
      const stream = session.request(headers(index));
      stream.on('response', (answer) => {
        if (answer[':status'] === 200) delivered += 1;
        else failed += 1;
      });
      stream.on('error', () => undefined);
      stream.on('close', () => resolve());
      stream.resume();
      stream.end(body);
    });
  await one(next++);
  await new Promise<void>((resolve) => {
    let inFlight = 0;
    const pump = (): void => {
      while (inFlight < BARE_IN_FLIGHT && next < count) {
        inFlight += 1;
        void one(next++).then(() => {
          inFlight -= 1;
          if (next >= count && inFlight === 0) resolve();
          else pump();
        });
      }
    };
    pump();
  });
  session.close();
  return { delivered, failed };
}

const contenders: Record<RunnerKind, () => Promise<{ delivered: number; failed: number }>> = {
  library: () => library('direct'),
  'library-node-http2': () => library('node-http2'),
  'node-apn': nodeApn,
  bare,
};
const cpuBefore = process.cpuUsage();
const started = performance.now();
const outcome = await contenders[kind]();
const elapsedMs = performance.now() - started;
const cpu = process.cpuUsage(cpuBefore);
const result: RunnerResult = { elapsedMs, cpuMs: (cpu.user + cpu.system) / 1000, ...outcome };
process.stdout.write(JSON.stringify(result) + '\n');
process.exit(0);
