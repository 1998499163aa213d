/** One push on one stream: checks as APNs makes them, faults, recording, and the answer. */
import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders, ServerHttp2Stream } from 'node:http2';
import { Http2Status, checkPushBody, checkPushHeaders, bundleIdOf, failureBody, payloadLimitOf, statusOfReason, type CheckedPushRequest, type Reason } from '@apnskit/codec/http2';
import type { AuthResult } from './connection-auth.js';
import type { Http2Connection } from './connection.js';
import { encodeH2Record } from './record.js';
import type { StreamFate } from './stream-faults.js';

const ANSWERED = { kind: 'answer', delayMs: 0 } as const satisfies StreamFate;

export function handlePushStream(connection: Http2Connection, stream: ServerHttp2Stream, headers: IncomingHttpHeaders, rawHeaders: string[]): void {
  const { service } = connection;
  stream.on('error', () => undefined);
  service.counters.streams++;
  connection.touch();
  const streamId = stream.id ?? 0;
  if (connection.beyondGoaway(streamId)) {
    // Above GOAWAY's lastStreamId: never processed, never answered (the session ends after the grace).
    stream.resume();
    return;
  }
  if (service.faults.any) {
    const arrival = service.faults.onArrival(connection.number, streamId);
    if (arrival.goaway) connection.goaway(arrival.goaway.errorCode, arrival.goaway.lastStreamId, arrival.goaway.reason);
    if (arrival.close) {
      service.counters.closedMidStream++;
      connection.destroySocket();
      return;
    }
    if (connection.beyondGoaway(streamId)) {
      stream.resume();
      return;
    }
  }
  const check = checkPushHeaders({ method: headers[':method'] as string | undefined, path: headers[':path'] as string | undefined, rawHeaders, auth: connection.auth.kind });
  const apnsId = (check.ok ? check.request.apnsId : undefined) ?? randomUUID();
  if (!check.ok) return void readBody(stream, 0, () => reject(connection, stream, apnsId, undefined, check.reason));
  const request = check.request;
  const cached = connection.auth.authorizeCached(request.authorization, service.clock.now());
  if (cached) return void afterAuth(connection, stream, request, apnsId, cached);
  connection.auth.authorizeAsync(request.authorization, () => service.clock.now()).then(
    (result) => afterAuth(connection, stream, request, apnsId, result),
    () => reject(connection, stream, apnsId, request.token, 'InternalServerError'),
  );
}

function afterAuth(connection: Http2Connection, stream: ServerHttp2Stream, request: CheckedPushRequest, apnsId: string, result: AuthResult): void {
  if (!result.ok) return void readBody(stream, 0, () => reject(connection, stream, apnsId, request.token, result.reason));
  if (result.firstToken) connection.tokenAccepted();
  const certificateTopic = connection.auth.certificate?.topic;
  if (result.auth === 'certificate' && request.topic !== undefined && bundleIdOf(request.topic, request.pushType ?? 'alert') !== certificateTopic) {
    return void readBody(stream, 0, () => reject(connection, stream, apnsId, request.token, 'TopicDisallowed'));
  }
  readBody(stream, payloadLimitOf(request.pushType), (payload, length) => {
    const bodyReason = checkPushBody(length, request.pushType);
    if (bodyReason) return reject(connection, stream, apnsId, request.token, bodyReason);
    accept(connection, stream, request, apnsId, result.auth === 'certificate' ? 'certificate' : 'token', payload);
  });
}

/**
 * Reads the body, keeping at most `limit` bytes: past it the rest is read and dropped, so a flood
 * costs no memory. The answer waits for the end of the body: answering first would leave the
 * client's remaining DATA frames on a closed stream, which node:http2 counts as invalid and ends
 * the whole connection for (ENHANCE_YOUR_CALM).
 */
function readBody(stream: ServerHttp2Stream, limit: number, done: (payload: Buffer, length: number) => void): void {
  const chunks: Buffer[] = [];
  let length = 0;
  let finished = false;
  const finish = (): void => {
    if (finished) return;
    finished = true;
    done(length > limit ? EMPTY : chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks), length);
  };
  stream.on('data', (chunk: Buffer) => {
    length += chunk.length;
    if (length <= limit) chunks.push(chunk);
    else chunks.length = 0;
  });
  stream.on('end', finish);
  // An empty body that ended before these listeners came (after an async token check) emits no 'end' again.
  if (stream.readableEnded) finish();
  // A stream the client reset or whose connection died is never answered.
  stream.on('close', () => {
    finished = true;
  });
}

const EMPTY = Buffer.alloc(0);

function accept(connection: Http2Connection, stream: ServerHttp2Stream, request: CheckedPushRequest, apnsId: string, auth: 'token' | 'certificate', payload: Buffer): void {
  const { service } = connection;
  const now = service.clock.now();
  const token = Buffer.from(request.token, 'hex');
  const decision = service.faultSet.hasRejectFaults ? service.faultSet.beforeAcceptToken(token, connection.number) : undefined;
  if (decision) return reject(connection, stream, apnsId, request.token, decision.h2Reason as Reason);
  if (service.faults.any && service.faults.tooManyRequests(connection.number, request.token, now)) return reject(connection, stream, apnsId, request.token, 'TooManyRequests');
  const fate = service.faults.any ? service.faults.fate(connection.number) : ANSWERED;
  if (fate.kind !== 'answer') return settle(connection, stream, fate);
  service.recorder.recordH2(encodeH2Record(request, apnsId, auth, stream.id ?? 0, payload), connection.number, now);
  service.counters.accepted++;
  connection.pushAccepted();
  service.notifyAccepted();
  answer(connection, stream, fate.delayMs, Http2Status.Ok, apnsId, undefined);
}

function reject(connection: Http2Connection, stream: ServerHttp2Stream, apnsId: string, token: string | undefined, reason: Reason): void {
  const { service } = connection;
  const fate = service.faults.any ? service.faults.fate(connection.number) : ANSWERED;
  const status = statusOfReason(reason) ?? Http2Status.InternalServerError;
  const now = service.clock.now();
  const answered = fate.kind === 'answer';
  service.notifyRejected({ token, id: undefined, status, answered, format: 'h2', connection: connection.number, reason, receivedAt: now });
  connection.pushRejected();
  if (!answered) return settle(connection, stream, fate);
  const body = failureBody(reason, status === Http2Status.Gone ? now : undefined);
  answer(connection, stream, fate.delayMs, status, apnsId, body, reason);
}

/** A fault instead of an answer: silence, RST_STREAM, or the TCP connection closed. */
function settle(connection: Http2Connection, stream: ServerHttp2Stream, fate: Exclude<StreamFate, { kind: 'answer' }>): void {
  const { counters } = connection.service;
  if (fate.kind === 'no-answer') {
    counters.unanswered++;
  } else if (fate.kind === 'rst') {
    counters.resets++;
    stream.close(fate.code);
  } else {
    counters.closedMidStream++;
    connection.destroySocket();
  }
}

function answer(connection: Http2Connection, stream: ServerHttp2Stream, delayMs: number, status: number, apnsId: string, body: string | undefined, reason?: string): void {
  if (delayMs > 0) {
    const timer = setTimeout(() => answer(connection, stream, 0, status, apnsId, body, reason), delayMs);
    stream.once('close', () => clearTimeout(timer));
    return;
  }
  if (stream.destroyed || stream.closed || stream.headersSent) return;
  connection.service.countAnswer(status, reason);
  if (body === undefined) {
    stream.respond({ ':status': status, 'apns-id': apnsId }, { endStream: true });
  } else {
    stream.respond({ ':status': status, 'apns-id': apnsId, 'content-type': 'application/json' });
    stream.end(body);
  }
  connection.touch();
}
