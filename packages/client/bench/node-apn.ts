// node-apn 1.7.8, the most used Node.js client of the binary protocol, configured against the mock.
import { createRequire } from 'node:module';
import type { TLSSocket } from 'node:tls';
import { collectGarbage } from './collect.js';
import { benchToken, benchTokens, PAYLOAD_OBJECT } from './fixtures.js';
import { clock } from './mock-protocol.js';
import type { MockHost } from './mock-host.js';

/** The parts of node-apn 1.7.8 the bench touches (it ships no types). */
interface ApnNotification {
  alert: string;
  badge: number;
  sound: string;
}
interface ApnConnection {
  readonly sockets: TLSSocket[];
  pushNotification(notification: ApnNotification, device: Buffer): void;
  shutdown(): void;
  on(event: 'error' | 'transmissionError' | 'socketError', listener: (...args: unknown[]) => void): void;
}
interface Apn {
  Connection: new (options: Record<string, unknown>) => ApnConnection;
  Notification: new () => ApnNotification;
}

/** Token tag of the one notification that opens node-apn's connection before timing. */
const WARM_UP_TAG = 0xa9;

function loadApn(): Apn {
  // node-apn 1.x calls `new Buffer()`, which prints a deprecation warning on every run.
  (process as { noDeprecation?: boolean }).noDeprecation = true;
  return createRequire(import.meta.url)('apn') as Apn;
}

function alertNote(apn: Apn): ApnNotification {
  const note = new apn.Notification();
  note.alert = PAYLOAD_OBJECT.aps.alert;
  note.badge = PAYLOAD_OBJECT.aps.badge;
  note.sound = PAYLOAD_OBJECT.aps.sound;
  return note;
}

/**
 * Milliseconds from the first push until the mock recorded the last of `count` notifications.
 * One notification first opens the connection (node-apn waits 100 ms after each handshake), so the
 * figure is its steady sending rate, like the other contenders'.
 */
export async function runNodeApn(host: MockHost, tag: number, count: number, timeoutMs: number): Promise<number> {
  const apn = loadApn();
  const { gateway } = host;
  const connection = new apn.Connection({
    gateway: gateway.host,
    port: gateway.port,
    cert: gateway.clientCert,
    key: gateway.clientKey,
    ca: [gateway.ca],
    production: false,
    maxConnections: 1,
    connectionRetryLimit: 1,
  });
  let failure: unknown;
  const remember = (...args: unknown[]) => (failure ??= args);
  connection.on('error', remember);
  connection.on('transmissionError', remember);
  connection.on('socketError', remember);
  const note = alertNote(apn);
  connection.pushNotification(note, benchToken(WARM_UP_TAG, 0));
  await host.waitFor(1, timeoutMs);
  const tokens = benchTokens(tag, count);
  const reached = host.waitFor(1 + count, timeoutMs);
  collectGarbage();
  const start = clock();
  for (const token of tokens) connection.pushNotification(note, token);
  const elapsedMs = (await reached) - start;
  connection.shutdown();
  for (const socket of [...connection.sockets]) socket.destroy();
  if (failure !== undefined) throw new Error(`node-apn reported an error: ${String(failure)}`);
  await host.validate('node-apn', [{ tag: WARM_UP_TAG, count: 1 }, { tag, count }]);
  await host.reset();
  return elapsedMs;
}
