import { connect, type TLSSocket } from 'node:tls';
import { encodeNotification, type Notification, type NotificationFormat } from '@apnskit/codec';
import type { Test } from 'uvu';
import * as assert from 'uvu/assert';
import { MockServerError, createMockServer, type MockServer, type MockServerOptions } from '../src/index.js';

export const TOKEN_A = '740f4707bebcf74f9b7c25d48e3358945f6aa01da5ddb387462c7eaf61bb78ad';
export const TOKEN_B = 'aa'.repeat(32);
export const PAYLOAD = { aps: { alert: 'Hi' } };

/** One mock for a test file: started before its tests, reset before each one, closed after them all. */
export function useMock(suite: Test, options: MockServerOptions, started: (mock: MockServer) => void): void {
  let mock: MockServer | undefined;
  suite.before(async () => {
    mock = await createMockServer(options);
    started(mock);
  });
  suite.before.each(() => mock!.reset());
  suite.after(async () => {
    await mock?.close();
  });
}

/** A distinct token per index. */
export function tokenFor(index: number): string {
  return index.toString(16).padStart(8, '0').repeat(8);
}

export function frame(id: number, token = tokenFor(id), format: NotificationFormat = 'frame', extra: Partial<Notification> = {}): Buffer {
  return encodeNotification({ token, payload: PAYLOAD, id, ...extra }, format);
}

export function frames(from: number, to: number, format: NotificationFormat = 'frame'): Buffer {
  const parts: Buffer[] = [];
  for (let id = from; id <= to; id++) parts.push(frame(id, tokenFor(id), format));
  return Buffer.concat(parts);
}

export interface ClientOptions {
  readonly service?: 'gateway' | 'feedback';
  readonly cert?: string;
  readonly key?: string;
  readonly pfx?: Buffer;
  readonly passphrase?: string;
  readonly noClientCert?: boolean;
}

/** A raw TLS client with the mock's sandbox certificate unless told otherwise. */
export function openClient(mock: MockServer, options: ClientOptions = {}): TLSSocket {
  const port = options.service === 'feedback' ? mock.feedback.port : mock.gateway.port;
  const credentials = options.noClientCert
    ? {}
    : options.pfx
      ? { pfx: options.pfx, passphrase: options.passphrase }
      : { cert: options.cert ?? mock.certs.clientCert, key: options.key ?? mock.certs.clientKey };
  const socket = connect({ host: mock.host, port, ca: mock.certs.ca, servername: 'localhost', ...credentials });
  socket.on('error', () => undefined);
  return socket;
}

/** Hang guard for waits on sockets: a stuck test fails instead of stalling the run. */
const HANG_GUARD_MS = 30_000;

function guarded<T>(what: string, socket: TLSSocket, executor: (resolve: (value: T) => void, reject: (error: Error) => void) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`hang guard: ${what} took over ${HANG_GUARD_MS} ms`));
    }, HANG_GUARD_MS);
    executor(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

export function secure(socket: TLSSocket): Promise<void> {
  return guarded('the TLS handshake', socket, (resolve, reject) => {
    socket.once('secureConnect', () => resolve());
    socket.once('error', reject);
  });
}

export interface Transcript {
  /** Everything the server wrote. */
  readonly data: Buffer;
  /** The first socket error, if any. */
  readonly error: NodeJS.ErrnoException | undefined;
  /** How many 'data' events the bytes came in. */
  readonly reads: number;
}

/** Collects what the server writes until the connection closes. */
export function transcript(socket: TLSSocket): Promise<Transcript> {
  return guarded('waiting for the server to close', socket, (resolve) => {
    const chunks: Buffer[] = [];
    let error: NodeJS.ErrnoException | undefined;
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', (cause: NodeJS.ErrnoException) => {
      error ??= cause;
    });
    socket.on('close', () => resolve({ data: Buffer.concat(chunks), error, reads: chunks.length }));
  });
}

/**
 * Sends bytes on a new connection and returns what came back by the time it closed. With `end`,
 * the client ends its side after writing (the server never closes a healthy connection itself).
 */
export async function exchange(mock: MockServer, bytes: Buffer, options: ClientOptions & { end?: boolean } = {}): Promise<Transcript> {
  const socket = openClient(mock, options);
  const done = transcript(socket);
  await secure(socket);
  if (options.end) socket.end(bytes);
  else socket.write(bytes);
  return done;
}

export function errorPacket(status: number, id: number): Buffer {
  return Buffer.from([8, status, (id >>> 24) & 0xff, (id >>> 16) & 0xff, (id >>> 8) & 0xff, id & 0xff]);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Sends bytes on a new connection, waits until the mock holds `total` notifications, then hangs up. */
export async function deliver(mock: MockServer, bytes: Buffer, total: number): Promise<void> {
  const socket = openClient(mock);
  await secure(socket);
  socket.write(bytes);
  await mock.waitForNotifications(total, { timeoutMs: 5000 });
  socket.destroy();
}

/** Polls until `condition` holds (a hang guard, not a timing assertion). */
export async function until(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await sleep(5);
  }
}

/** Each fault is refused with APNS_ERR_INVALID_FAULT and a message matching its pattern. */
export function expectInvalidFaults(mock: MockServer, cases: ReadonlyArray<readonly [unknown, RegExp]>): void {
  for (const [fault, message] of cases) {
    try {
      mock.faults.add(fault as never);
      assert.unreachable(`accepted ${JSON.stringify(fault)}`);
    } catch (error) {
      assert.instance(error, MockServerError);
      assert.is((error as MockServerError).code, 'APNS_ERR_INVALID_FAULT');
      assert.match((error as Error).message, message);
    }
  }
}
