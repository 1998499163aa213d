/** Turns what send() was given into a checked HTTP/2 push, by the codec's header rules. */
import {
  COLLAPSE_ID_MAX_BYTES,
  checkPushBody,
  inferPushType,
  isApnsId,
  isDeviceTokenHex,
  pushTypeRule,
  topicFor,
  topicMatchesPushType,
  type Http2Priority,
  type PushRequestFields,
} from '@apnskit/codec/http2';
import { ApnsClientError } from '../errors.js';
import type { Http2Notification, Http2SentNotification } from './types.js';

/** Sender-wide defaults a notification falls back on. */
export interface PushDefaults {
  /** Bundle id the topic is made from. */
  readonly bundleId: string | undefined;
  readonly pushType: string | undefined;
  /** Token connections need a topic on every push. */
  readonly topicRequired: boolean;
}

/** One notification in the sender's books: what it is, and how often it has been tried. */
export interface Push {
  /** Also the header fields to send (without the provider token). */
  readonly notification: Http2SentNotification & PushRequestFields;
  /** Resends charged against maxRetries. */
  retries: number;
  /** Streams refused unprocessed (REFUSED_STREAM, above a GOAWAY's lastStreamId). */
  refusals: number;
  /** Already resent once after ExpiredProviderToken. */
  tokenRetried: boolean;
  /** An earlier copy may have reached APNs. */
  possiblyDelivered: boolean;
}

export function invalidNotification(message: string): ApnsClientError {
  return new ApnsClientError('APNS_ERR_INVALID_NOTIFICATION', message);
}

function tokenHex(token: unknown): string {
  if (token instanceof Uint8Array) {
    if (token.length === 0) throw invalidNotification('token is empty: give the device token APNs gave the app');
    return Buffer.from(token.buffer, token.byteOffset, token.length).toString('hex');
  }
  if (typeof token !== 'string' || !isDeviceTokenHex(token)) throw invalidNotification(`token must be the device token in hex (pairs of 0-9a-f), got ${JSON.stringify(token)}`);
  return token.toLowerCase();
}

/** The last payload given and its bytes: a batch sends one payload to many tokens, and one copy serves them all. */
let lastPayload: unknown;
let lastBytes: { bytes: Buffer; parsed: unknown } | undefined;

function payloadBytes(payload: unknown): { bytes: Buffer; parsed: unknown } {
  if (lastBytes !== undefined && payload === lastPayload && typeof payload === 'string') return lastBytes;
  const result = freshPayloadBytes(payload);
  lastPayload = payload;
  lastBytes = result;
  return result;
}

function freshPayloadBytes(payload: unknown): { bytes: Buffer; parsed: unknown } {
  if (typeof payload === 'string') return { bytes: Buffer.from(payload), parsed: undefined };
  if (payload instanceof Uint8Array) return { bytes: Buffer.from(payload), parsed: undefined };
  if (payload !== null && typeof payload === 'object') return { bytes: Buffer.from(JSON.stringify(payload)), parsed: payload };
  throw invalidNotification('payload must be a JSON string, its bytes, or an object');
}

function parseForInference(bytes: Buffer): unknown {
  try {
    return JSON.parse(bytes.toString('utf8')) as unknown;
  } catch {
    throw invalidNotification('payload is not valid JSON: APNs takes a JSON object such as {"aps":{"alert":"Hello"}}');
  }
}

function seconds(value: number | Date | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const result = value instanceof Date ? Math.floor(value.getTime() / 1000) : value;
  if (!Number.isInteger(result) || result < 0) throw invalidNotification(`${name} must be UNIX seconds (an integer >= 0) or a Date, got ${String(value)}`);
  return result;
}

/** Checks one notification and makes its push (throws ApnsClientError APNS_ERR_INVALID_NOTIFICATION). */
export function preparePush(input: Http2Notification, defaults: PushDefaults): Push {
  if (input === null || typeof input !== 'object') throw invalidNotification('a notification must be an object with token and payload');
  const token = tokenHex(input.token);
  const { bytes, parsed } = payloadBytes(input.payload);
  const pushType = input.pushType ?? defaults.pushType ?? inferPushType(parsed ?? parseForInference(bytes));
  const rule = pushTypeRule(pushType);
  if (!rule) throw invalidNotification(`pushType ${JSON.stringify(pushType)} is not one APNs knows (alert, background, voip, liveactivity, ...)`);
  const bodyProblem = checkPushBody(bytes.length, pushType);
  if (bodyProblem) throw invalidNotification(bodyProblem === 'PayloadEmpty' ? 'payload is empty' : `payload is ${bytes.length} bytes, over the ${rule.payloadLimit} APNs takes for ${pushType}`);
  let priority: Http2Priority | undefined = input.priority;
  if (priority === undefined && !rule.priorities.includes(10)) priority = rule.priorities[0];
  if (priority !== undefined && !rule.priorities.includes(priority)) throw invalidNotification(`priority ${String(priority)} is not allowed for ${pushType} (allowed: ${rule.priorities.join(', ')})`);
  const topic = input.topic ?? (defaults.bundleId !== undefined ? topicFor(defaults.bundleId, pushType) : undefined);
  if (topic === undefined && defaults.topicRequired) throw invalidNotification('no topic: give the sender a topic (your bundle id) or each notification one');
  if (topic !== undefined && !topicMatchesPushType(topic, pushType)) throw invalidNotification(`topic ${JSON.stringify(topic)} does not fit push type ${pushType}: it needs the suffix "${rule.topicSuffix}"`);
  const expiration = seconds(input.expiration ?? input.expiry, 'expiration');
  const collapseId = input.collapseId;
  if (collapseId !== undefined && (typeof collapseId !== 'string' || Buffer.byteLength(collapseId) > COLLAPSE_ID_MAX_BYTES)) {
    throw invalidNotification(`collapseId must be a string of at most ${COLLAPSE_ID_MAX_BYTES} bytes`);
  }
  const apnsId = input.apnsId;
  if (apnsId !== undefined && !isApnsId(apnsId)) throw invalidNotification(`apnsId must be a UUID (8-4-4-4-12 hex), got ${JSON.stringify(apnsId)}`);
  const notification: Http2SentNotification = { token, payload: bytes, topic, pushType, priority, expiration, collapseId, apnsId, format: 'h2' };
  return { notification, retries: 0, refusals: 0, tokenRetried: false, possiblyDelivered: false };
}
