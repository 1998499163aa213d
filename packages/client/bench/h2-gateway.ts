// The HTTP/2 bench's gateway, in its own process and apart from any client: TLS with a test CA,
// HTTP/2 (1000 streams per connection), a provider token verified once per distinct token (ES256,
// jose) and required on every stream, 200 with an apns-id for each push to /3/device/<token>.
// Driven over IPC by h2.bench.ts: it counts what it accepted, distinct tokens included.
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createSecureServer, type ServerHttp2Stream, type IncomingHttpHeaders } from 'node:http2';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importSPKI, jwtVerify } from 'jose';
import { TestCertificateAuthority } from '@apnskit/tls/testing';

export interface GatewayReady {
  readonly type: 'ready';
  readonly host: string;
  readonly port: number;
  readonly caPath: string;
  readonly keyPath: string;
  readonly keyId: string;
  readonly teamId: string;
  readonly topic: string;
}
export type GatewayRequest = { readonly type: 'reset' } | { readonly type: 'count' } | { readonly type: 'stop' };
export interface GatewayCount {
  readonly type: 'count';
  readonly accepted: number;
  readonly distinct: number;
}

const KEY_ID = 'BENCHKEY01';
const TEAM_ID = 'BENCHTEAM1';
const TOPIC = 'com.example.bench';
const PATH_PREFIX = '/3/device/';
const dir = mkdtempSync(join(tmpdir(), 'apnskit-h2-gateway-'));
const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const keyPath = join(dir, `AuthKey_${KEY_ID}.p8`);
writeFileSync(keyPath, pair.privateKey.export({ type: 'pkcs8', format: 'pem' }));
const publicKey = await importSPKI(pair.publicKey.export({ type: 'spki', format: 'pem' }) as string, 'ES256');
const authority = new TestCertificateAuthority('apnskit h2 bench CA');
const serverIdentity = authority.issueServer();
const caPath = join(dir, 'ca.pem');
writeFileSync(caPath, authority.cert);

/** Tokens whose signature verified (a client reuses one token for many streams). */
const verified = new Map<string, Promise<boolean>>();
let accepted = 0;
let tokens = new Set<string>();

function verify(jwt: string): Promise<boolean> {
  let verdict = verified.get(jwt);
  if (!verdict) {
    verdict = jwtVerify(jwt, publicKey, { algorithms: ['ES256'], issuer: TEAM_ID }).then(
      (result) => result.protectedHeader.kid === KEY_ID,
      () => false,
    );
    verified.set(jwt, verdict);
  }
  return verdict;
}

function answer(stream: ServerHttp2Stream, status: number, reason?: string): void {
  if (stream.destroyed || stream.closed) return;
  if (reason === undefined) stream.respond({ ':status': status, 'apns-id': randomUUID() }, { endStream: true });
  else {
    stream.respond({ ':status': status, 'content-type': 'application/json' });
    stream.end(JSON.stringify({ reason }));
  }
}

const server = createSecureServer({ key: serverIdentity.key, cert: serverIdentity.cert, allowHTTP1: false, settings: { maxConcurrentStreams: 1000 } });
server.on('sessionError', () => undefined);
server.on('stream', (stream: ServerHttp2Stream, headers: IncomingHttpHeaders) => {
  stream.on('error', () => undefined);
  const path = headers[':path'] ?? '';
  const authorization = headers.authorization ?? '';
  let length = 0;
  stream.on('data', (chunk: Buffer) => (length += chunk.length));
  stream.on('end', () => {
    if (!path.startsWith(PATH_PREFIX) || headers['apns-topic'] !== TOPIC || length === 0) return answer(stream, 400, 'BadRequest');
    if (!authorization.startsWith('bearer ')) return answer(stream, 403, 'MissingProviderToken');
    void verify(authorization.slice('bearer '.length)).then((ok) => {
      if (!ok) return answer(stream, 403, 'InvalidProviderToken');
      accepted += 1;
      tokens.add(path);
      answer(stream, 200);
    });
  });
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  process.send?.({ type: 'ready', host: '127.0.0.1', port, caPath, keyPath, keyId: KEY_ID, teamId: TEAM_ID, topic: TOPIC } satisfies GatewayReady);
});
process.on('message', (request: GatewayRequest) => {
  if (request.type === 'reset') {
    accepted = 0;
    tokens = new Set();
    process.send?.({ type: 'done' });
  } else if (request.type === 'count') {
    process.send?.({ type: 'count', accepted, distinct: tokens.size } satisfies GatewayCount);
  } else {
    server.close();
    process.exit(0);
  }
});
