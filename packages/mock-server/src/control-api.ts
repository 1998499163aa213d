import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { FeedbackTupleInput } from '@apnskit/codec';
import { CERT_FILES, type CertFileName } from './certs/store.js';
import { controlGuard } from './control-guard.js';
import { isMockServerError } from './errors.js';
import { parseShallowJson } from './json-depth.js';
import { ConnectionLimiter } from './listener-limits.js';
import type { Fault } from './fault-types.js';
import type { FeedbackServiceOptions } from './feedback-service.js';
import type { RecordedNotification, RejectedNotification } from './recorder.js';
import type { MockServer } from './server.js';

/** How often Node checks the header and request timeouts of open HTTP connections, at most. */
const TIMEOUT_CHECK_MS = 1000;
/** ... and at least this long apart, however small the timeout. */
const MIN_TIMEOUT_CHECK_MS = 50;

/** `GET /certs/<name>`: each name (with or without its file extension) and its content type. */
const CERT_ROUTES: ReadonlyMap<string, CertFileName> = new Map(
  (Object.entries(CERT_FILES) as Array<[CertFileName, string]>)
    .filter(([name]) => name !== 'serverKey')
    .flatMap(([name, file]) => [
      [file, name],
      [file.replace(/\.(pem|p12)$/, ''), name],
    ]),
);

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** JSON form of an accepted notification: `id` null for command 0, raw payload in base64. */
function notificationJson(notification: RecordedNotification): object {
  const { payloadRaw, ...rest } = notification;
  return { ...rest, id: notification.id ?? null, payloadBase64: payloadRaw.toString('base64') };
}

function rejectionJson(rejection: RejectedNotification): object {
  return { ...rejection, token: rejection.token ?? null, id: rejection.id ?? null, format: rejection.format ?? null };
}

/** Bytes of request bodies held at once, over all connections: a few bodies at the limit. */
const BODIES_IN_FLIGHT = 4;

/** Bytes of request bodies held at once by one control API, so that many uploads together stay bounded. */
class BodyBudget {
  private held = 0;

  constructor(readonly limit: number) {}

  take(bytes: number): boolean {
    if (this.held + bytes > this.limit) return false;
    this.held += bytes;
    return true;
  }

  give(bytes: number): void {
    this.held -= bytes;
  }
}

/**
 * The JSON body, kept up to `limit` bytes (and while the budget of all bodies held at once
 * allows). A larger body, by its Content-Length or as it streams, is read to its end into nothing
 * and then answered 413 (503 when the budget ran out), so that the client reads the answer instead
 * of a reset mid-upload; the server's request timeout bounds how long that may take.
 */
function readBody(request: IncomingMessage, limit: number, budget: BodyBudget): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let refusal: HttpError | undefined =
      Number(request.headers['content-length'] ?? 0) > limit ? tooLarge(limit) : undefined;
    const release = (): void => {
      budget.give(size);
      size = 0;
      chunks.length = 0;
    };
    request.on('data', (chunk: Buffer) => {
      if (refusal) return;
      if (size + chunk.length > limit) refusal = tooLarge(limit);
      else if (!budget.take(chunk.length)) refusal = new HttpError(503, 'APNS_ERR_BUSY', `other request bodies hold ${budget.limit} bytes already; retry in a moment`);
      else {
        size += chunk.length;
        chunks.push(chunk);
        return;
      }
      release();
    });
    request.on('close', release);
    request.on('error', reject);
    request.on('end', () => {
      const text = refusal ? '' : Buffer.concat(chunks).toString('utf8');
      release();
      if (refusal) return reject(refusal);
      try {
        resolve(text.trim() === '' ? undefined : parseShallowJson(text, 'the request body'));
      } catch (error) {
        if (isMockServerError(error)) reject(new HttpError(400, error.code, error.message));
        else reject(new HttpError(400, 'APNS_ERR_INVALID_JSON', 'the request body is not valid JSON'));
      }
    });
  });
}

function tooLarge(limit: number): HttpError {
  return new HttpError(413, 'APNS_ERR_BODY_TOO_LARGE', `request body over the limit of ${limit} bytes (maxBodyBytes); send it in parts`);
}

function send(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}

function numberParam(url: URL, name: string): number | undefined {
  const text = url.searchParams.get(name);
  if (text === null) return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0) throw new HttpError(400, 'APNS_ERR_INVALID_QUERY', `?${name}= must be an integer >= 0`);
  return value;
}

async function route(mock: MockServer, budget: BodyBudget, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const url = new URL(request.url ?? '/', 'http://localhost');
  const path = url.pathname.replace(/\/+$/, '') || '/';
  const method = request.method ?? 'GET';
  const key = `${method} ${path}`;
  switch (key) {
    case 'GET /':
      return send(response, 200, {
        routes: ['GET /notifications', 'GET /rejected', 'GET /stats', 'GET /faults', 'POST /faults', 'DELETE /faults', 'DELETE /faults/<id>',
          'GET /feedback', 'POST /feedback', 'POST /feedback/options', 'POST /reset', 'GET /certs/<name>',
          'GET /clock', 'POST /clock', 'GET /http2/keys', 'POST /http2/keys', 'POST /http2/settings'],
      });
    case 'GET /notifications': {
      const from = numberParam(url, 'from') ?? 0;
      const limit = numberParam(url, 'limit');
      return send(response, 200, mock.notificationsFrom(from, limit).map(notificationJson));
    }
    case 'GET /rejected':
      return send(response, 200, mock.rejected.map(rejectionJson));
    case 'GET /stats':
      return send(response, 200, mock.stats());
    case 'GET /faults':
      return send(response, 200, mock.faults.list());
    case 'POST /faults': {
      const body = await readBody(request, mock.options.maxBodyBytes, budget);
      const faults = (Array.isArray(body) ? body : [body]) as Fault[];
      // Check them all before adding any, so a bad one leaves nothing half-added.
      const ids = mock.faults.addAll(faults);
      return send(response, 201, { ids });
    }
    case 'DELETE /faults':
      mock.faults.clear();
      return send(response, 200, { cleared: true });
    case 'GET /feedback':
      return send(response, 200, mock.pendingFeedback(url.searchParams.get('topic') ?? undefined));
    case 'POST /feedback': {
      const body = await readBody(request, mock.options.maxBodyBytes, budget);
      const topic = url.searchParams.get('topic') ?? undefined;
      mock.addFeedback(body as FeedbackTupleInput[], { topic });
      return send(response, 201, { queued: mock.pendingFeedback(topic).length });
    }
    case 'POST /feedback/options': {
      // An empty body changes nothing; a JSON null is refused like any other non-object.
      const body = await readBody(request, mock.options.maxBodyBytes, budget);
      mock.configureFeedback((body === undefined ? {} : body) as FeedbackServiceOptions);
      return send(response, 200, mock.feedbackOptions);
    }
    case 'POST /reset':
      mock.reset();
      return send(response, 200, { reset: true });
    case 'GET /clock':
    case 'POST /clock':
    case 'GET /http2/keys':
    case 'POST /http2/keys':
    case 'POST /http2/settings':
      return send(response, key.startsWith('POST /http2/keys') ? 201 : 200, http2Route(mock, key, method === 'POST' ? await readBody(request, mock.options.maxBodyBytes, budget) : undefined));
    default:
      break;
  }
  const faultMatch = /^\/faults\/(\d+)$/.exec(path);
  if (faultMatch && method === 'DELETE') {
    const removed = mock.faults.remove(Number(faultMatch[1]));
    if (!removed) throw new HttpError(404, 'APNS_ERR_NOT_FOUND', `no fault with id ${faultMatch[1]}`);
    return send(response, 200, { removed: true });
  }
  const certMatch = /^\/certs\/([A-Za-z0-9.-]+)$/.exec(path);
  if (certMatch && method === 'GET') {
    const name = CERT_ROUTES.get(certMatch[1]!);
    if (!name) throw new HttpError(404, 'APNS_ERR_NOT_FOUND', `no certificate named ${certMatch[1]}; try ${[...CERT_ROUTES.keys()].join(', ')}`);
    const bytes = await readFile(mock.certs.paths[name]);
    const binary = CERT_FILES[name].endsWith('.p12');
    response.writeHead(200, { 'content-type': binary ? 'application/x-pkcs12' : 'application/x-pem-file', 'content-length': bytes.length });
    response.end(bytes);
    return;
  }
  throw new HttpError(404, 'APNS_ERR_NOT_FOUND', `no route ${key}; GET / lists them`);
}

/** The HTTP/2 routes: the mock's clock, signing keys and stream limit. */
function http2Route(mock: MockServer, key: string, body: unknown): unknown {
  const fields = (body ?? {}) as Record<string, unknown>;
  if (typeof fields !== 'object' || Array.isArray(fields)) throw new HttpError(400, 'APNS_ERR_INVALID_JSON', 'the body must be a JSON object');
  const { clock } = mock.http2;
  switch (key) {
    case 'POST /clock':
      if (typeof fields.advanceMs === 'number' && Number.isFinite(fields.advanceMs)) clock.advance(fields.advanceMs);
      else if (typeof fields.now === 'number' && Number.isFinite(fields.now)) clock.set(fields.now);
      else throw new HttpError(400, 'APNS_ERR_INVALID_CLOCK', 'send {"advanceMs": <ms>} or {"now": <ms since the epoch>}');
      return { now: clock.now() };
    case 'GET /clock':
      return { now: clock.now() };
    case 'POST /http2/keys':
      return mock.http2.addKey(fields);
    case 'GET /http2/keys':
      return mock.http2.listKeys();
    default: {
      const limit = fields.maxConcurrentStreams;
      if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1) {
        throw new HttpError(400, 'APNS_ERR_INVALID_SETTINGS', 'send {"maxConcurrentStreams": <integer >= 1>}');
      }
      mock.http2.setMaxConcurrentStreams(limit);
      return { maxConcurrentStreams: limit };
    }
  }
}

function sendError(response: ServerResponse, status: number, code: string, message: string): void {
  send(response, status, { error: { code, message } });
}

/** The HTTP control API: lets tests in any language read and script the mock. */
export function startControlApi(mock: MockServer, port: number, host: string): Promise<Server> {
  const { handshakeTimeoutMs, idleTimeoutMs, maxConnections } = mock.options;
  const budget = new BodyBudget(BODIES_IN_FLIGHT * mock.options.maxBodyBytes);
  const server = createServer({ headersTimeout: handshakeTimeoutMs, requestTimeout: handshakeTimeoutMs, connectionsCheckingInterval: Math.max(MIN_TIMEOUT_CHECK_MS, Math.min(TIMEOUT_CHECK_MS, handshakeTimeoutMs)) });
  new ConnectionLimiter(server, { maxConnections, handshakeTimeoutMs, idleTimeoutMs }, 'request', (event) => mock.onLimit('control', event));
  let guard: ReturnType<typeof controlGuard> | undefined;
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    const refusal = guard?.(request);
    if (refusal) {
      request.resume();
      return sendError(response, refusal.status, refusal.code, refusal.message);
    }
    route(mock, budget, request, response).catch((error: unknown) => {
      if (error instanceof HttpError) return sendError(response, error.status, error.code, error.message);
      if (isMockServerError(error)) return sendError(response, 400, error.code, error.message);
      sendError(response, 500, 'APNS_ERR_INTERNAL', (error as Error).message);
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const address = server.address();
      guard = controlGuard({ host, port: typeof address === 'object' && address ? address.port : port, token: mock.options.controlToken });
      resolve(server);
    });
  });
}
