import { readFileSync } from 'node:fs';
import { connect as h2Connect, type ClientHttp2Session, type OutgoingHttpHeaders } from 'node:http2';
import { connect as tlsConnect } from 'node:tls';
import { SignJWT, importPKCS8 } from 'jose';
import type { MockServer, SigningKey } from '../src/index.js';

export const H2_TOKEN = 'ab'.repeat(32);

export interface H2ClientOptions {
  /** Present the mock's sandbox client certificate (or this one). */
  readonly certificate?: boolean | { cert: string; key: string };
  /** Offer ALPN h2 (default true); false offers none, like pushy and aioapns. */
  readonly alpn?: boolean;
}

/** An HTTP/2 client session to the mock's provider API, with an error listener. */
export function openH2(mock: MockServer, options: H2ClientOptions = {}): ClientHttp2Session {
  const credentials =
    options.certificate === true ? { cert: mock.certs.clientCert, key: mock.certs.clientKey } : options.certificate ? options.certificate : {};
  const alpn = options.alpn ?? true;
  const session = h2Connect(`https://localhost:${mock.http2.port}`, {
    createConnection: () =>
      tlsConnect({
        host: mock.host,
        port: mock.http2.port,
        ca: mock.certs.ca,
        servername: 'localhost',
        ...(alpn ? { ALPNProtocols: ['h2'] } : {}),
        ...credentials,
      }),
  });
  session.on('error', () => undefined);
  return session;
}

export interface H2Answer {
  readonly status: number;
  readonly apnsId: string | undefined;
  readonly body: string;
  readonly headers: Record<string, unknown>;
}

/** Sends one request and reads the whole answer (rejects on a stream error). */
export function send(session: ClientHttp2Session, headers: OutgoingHttpHeaders, body: string | Buffer = '{"aps":{"alert":"hi"}}'): Promise<H2Answer> {
  return new Promise((resolve, reject) => {
    const stream = session.request({ ':method': 'POST', ':path': `/3/device/${H2_TOKEN}`, ...headers });
    let answerHeaders: Record<string, unknown> | undefined;
    const chunks: Buffer[] = [];
    stream.on('response', (received) => {
      answerHeaders = received;
    });
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('error', reject);
    // A stream reset with CANCEL or NO_ERROR, or cut by the connection, closes with no error and no answer.
    stream.on('close', () => {
      if (!answerHeaders) return reject(Object.assign(new Error(`stream closed unanswered (rstCode ${stream.rstCode})`), { rstCode: stream.rstCode }));
      resolve({ status: Number(answerHeaders[':status']), apnsId: answerHeaders['apns-id'] as string | undefined, body: Buffer.concat(chunks).toString(), headers: answerHeaders });
    });
    stream.end(body);
  });
}

/** A provider token signed with a key the mock made (its .p8 file). */
export async function signToken(key: SigningKey, iatSeconds: number, overrides: { teamId?: string; kid?: string } = {}): Promise<string> {
  const privateKey = await importPKCS8(readFileSync(key.path!, 'utf8'), 'ES256');
  return new SignJWT({ iss: overrides.teamId ?? key.teamId, iat: Math.floor(iatSeconds) })
    .setProtectedHeader({ alg: 'ES256', kid: overrides.kid ?? key.keyId })
    .sign(privateKey);
}

export function tokenHeaders(mock: MockServer, jwt: string, extra: OutgoingHttpHeaders = {}): OutgoingHttpHeaders {
  return { authorization: `bearer ${jwt}`, 'apns-topic': mock.certs.topic, 'apns-push-type': 'alert', ...extra };
}

export function closeH2(session: ClientHttp2Session): Promise<void> {
  return new Promise((resolve) => {
    if (session.destroyed) return resolve();
    session.close(() => resolve());
    setTimeout(() => {
      session.destroy();
      resolve();
    }, 1000).unref();
  });
}
