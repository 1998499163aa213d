/**
 * How an accepted HTTP/2 push is kept in the recorder: one small buffer (header fields as a JSON
 * array, then the payload bytes) copied into the recorder's slabs, and made readable on demand.
 */
import type { AuthKind, CheckedPushRequest, Http2Priority } from '@apnskit/codec/http2';

/** An accepted HTTP/2 push, as tests read it. */
export interface RecordedH2Notification {
  readonly format: 'h2';
  /** Lowercase hex (any length). */
  readonly token: string;
  /** The payload parsed as JSON, or null when it is not valid JSON. */
  readonly payload: unknown;
  readonly payloadRaw: Buffer;
  readonly topic: string | undefined;
  /** apns-push-type as sent (undefined when absent: APNs treats it as alert). */
  readonly pushType: string | undefined;
  readonly priority: Http2Priority;
  /** apns-expiration (UNIX seconds), undefined when absent. */
  readonly expiration: number | undefined;
  readonly collapseId: string | undefined;
  /** The apns-id answered: the client's, or the one the mock made. */
  readonly apnsId: string;
  readonly auth: AuthKind;
  /** Number of the HTTP/2 connection it came on (from 1). */
  readonly connection: number;
  /** HTTP/2 stream id. */
  readonly streamId: number;
  /** Milliseconds since the epoch (the mock's clock). */
  readonly receivedAt: number;
  /** Binary-protocol fields, absent on HTTP/2. */
  readonly id: undefined;
  readonly expiry: undefined;
}

const META_LENGTH_BYTES = 4;

type Meta = [token: string, topic: string | null, pushType: string | null, priority: Http2Priority, expiration: number | null, collapseId: string | null, apnsId: string, auth: AuthKind, streamId: number];

export function encodeH2Record(request: CheckedPushRequest, apnsId: string, auth: AuthKind, streamId: number, payload: Buffer): Buffer {
  const meta: Meta = [request.token, request.topic ?? null, request.pushType ?? null, request.priority, request.expiration ?? null, request.collapseId ?? null, apnsId, auth, streamId];
  const metaText = JSON.stringify(meta);
  const metaLength = Buffer.byteLength(metaText);
  const record = Buffer.allocUnsafe(META_LENGTH_BYTES + metaLength + payload.length);
  record.writeUInt32BE(metaLength, 0);
  record.write(metaText, META_LENGTH_BYTES);
  payload.copy(record, META_LENGTH_BYTES + metaLength);
  return record;
}

export function decodeH2Record(record: Buffer, connection: number, receivedAt: number): RecordedH2Notification {
  const metaLength = record.readUInt32BE(0);
  const [token, topic, pushType, priority, expiration, collapseId, apnsId, auth, streamId] = JSON.parse(
    record.toString('utf8', META_LENGTH_BYTES, META_LENGTH_BYTES + metaLength),
  ) as Meta;
  const payloadRaw = Buffer.from(record.subarray(META_LENGTH_BYTES + metaLength));
  return Object.freeze({
    format: 'h2',
    token,
    payload: parseJson(payloadRaw.toString('utf8')),
    payloadRaw,
    topic: topic ?? undefined,
    pushType: pushType ?? undefined,
    priority,
    expiration: expiration ?? undefined,
    collapseId: collapseId ?? undefined,
    apnsId,
    auth,
    connection,
    streamId,
    receivedAt,
    id: undefined,
    expiry: undefined,
  });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}
