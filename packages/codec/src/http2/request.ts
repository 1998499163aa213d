/**
 * The request side of the provider API: header names, the headers a client sends, and the checks
 * APNs makes on a request, as one pure function a server answers with and a client can check by.
 */
import { PayloadLimits, Priorities, pushTypeRule, topicMatchesPushType, type Http2Priority } from './push-types.js';
import type { Reason } from './reasons.js';

/** Header names on the wire (lower-case, as HTTP/2 requires). */
export const Headers = Object.freeze({
  Method: ':method',
  Path: ':path',
  Scheme: ':scheme',
  Authority: ':authority',
  Status: ':status',
  Authorization: 'authorization',
  ContentType: 'content-type',
  ApnsId: 'apns-id',
  ApnsUniqueId: 'apns-unique-id',
  Expiration: 'apns-expiration',
  Priority: 'apns-priority',
  Topic: 'apns-topic',
  PushType: 'apns-push-type',
  CollapseId: 'apns-collapse-id',
} as const);

export const DEVICE_PATH_PREFIX = '/3/device/';
/** Longest apns-collapse-id, in UTF-8 bytes. */
export const COLLAPSE_ID_MAX_BYTES = 64;
const BEARER = 'bearer ';

/** How a connection authenticates: a provider token (JWT) per request, or a client certificate. */
export type AuthKind = 'token' | 'certificate';

/** What a client asks to send, in the words of the API. */
export interface PushRequestFields {
  /** Device token in hex (any length: Apple says not to assume one). */
  readonly token: string;
  readonly topic?: string;
  readonly pushType?: string;
  readonly priority?: Http2Priority;
  /** UNIX seconds; 0 = one attempt, not stored. */
  readonly expiration?: number;
  readonly collapseId?: string;
  /** A canonical UUID; APNs makes one when absent. */
  readonly apnsId?: string;
  /** A signed provider token (JWT), on token connections. */
  readonly providerToken?: string;
}

export function devicePath(token: string): string {
  return DEVICE_PATH_PREFIX + token;
}

/** The request headers for a push, in the order APNs' HPACK advice suits (`:path` first, static ones after). */
export function pushRequestHeaders(fields: PushRequestFields): Record<string, string> {
  const headers: Record<string, string> = {
    [Headers.Method]: 'POST',
    [Headers.Scheme]: 'https',
    [Headers.Path]: devicePath(fields.token),
  };
  if (fields.providerToken !== undefined) headers[Headers.Authorization] = BEARER + fields.providerToken;
  if (fields.topic !== undefined) headers[Headers.Topic] = fields.topic;
  if (fields.pushType !== undefined) headers[Headers.PushType] = fields.pushType;
  if (fields.priority !== undefined) headers[Headers.Priority] = String(fields.priority);
  if (fields.expiration !== undefined) headers[Headers.Expiration] = String(fields.expiration);
  if (fields.collapseId !== undefined) headers[Headers.CollapseId] = fields.collapseId;
  if (fields.apnsId !== undefined) headers[Headers.ApnsId] = fields.apnsId;
  return headers;
}

/** The provider token in an authorization header (`bearer <JWT>`, any case), or undefined. */
export function bearerToken(authorization: string | undefined): string | undefined {
  if (authorization === undefined || authorization.length <= BEARER.length) return undefined;
  return authorization.slice(0, BEARER.length).toLowerCase() === BEARER ? authorization.slice(BEARER.length).trim() || undefined : undefined;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const HEX_PAIRS = /^(?:[0-9a-f]{2})+$/i;
const DIGITS = /^\d{1,15}$/;

export function isApnsId(value: string): boolean {
  return UUID.test(value);
}

/** A device token as APNs takes it: hex digits in pairs, of any length. */
export function isDeviceTokenHex(value: string): boolean {
  return HEX_PAIRS.test(value);
}

/** A request as a server received it. */
export interface ReceivedPushRequest {
  readonly method: string | undefined;
  readonly path: string | undefined;
  /** Every header as received, names lower-case: [name, value, name, value, ...]. */
  readonly rawHeaders: readonly string[];
  readonly auth: AuthKind;
}

/** A request that passed the checks: what a recorder keeps. */
export interface CheckedPushRequest {
  /** Lower-case hex. */
  readonly token: string;
  readonly topic: string | undefined;
  /** As sent; undefined when the request named none (APNs then treats it as alert). */
  readonly pushType: string | undefined;
  readonly priority: Http2Priority;
  readonly expiration: number | undefined;
  readonly collapseId: string | undefined;
  readonly apnsId: string | undefined;
  readonly authorization: string | undefined;
}

export type RequestCheck = { readonly ok: true; readonly request: CheckedPushRequest } | { readonly ok: false; readonly reason: Reason };

function fail(reason: Reason): RequestCheck {
  return { ok: false, reason };
}

/**
 * Checks a request's headers as APNs does, stopping at the first failure: method, path and device
 * token, repeated headers, apns-id, push type, priority, expiration, collapse id, topic. The body
 * is checked by `checkPushBody` once it is read. Authentication (the provider token itself,
 * certificate topics) is the caller's: it needs keys.
 */
export function checkPushHeaders(received: ReceivedPushRequest): RequestCheck {
  if (received.method !== 'POST') return fail('MethodNotAllowed');
  const path = received.path ?? '';
  if (path === DEVICE_PATH_PREFIX || path === DEVICE_PATH_PREFIX.slice(0, -1)) return fail('MissingDeviceToken');
  if (!path.startsWith(DEVICE_PATH_PREFIX)) return fail('BadPath');
  const token = path.slice(DEVICE_PATH_PREFIX.length);
  if (!isDeviceTokenHex(token)) return fail('BadDeviceToken');

  const values = new Map<string, string>();
  const raw = received.rawHeaders;
  for (let index = 0; index + 1 < raw.length; index += 2) {
    const name = raw[index]!.toLowerCase();
    if (values.has(name)) return fail('DuplicateHeaders');
    values.set(name, raw[index + 1]!);
  }

  const apnsId = values.get(Headers.ApnsId);
  if (apnsId !== undefined && !isApnsId(apnsId)) return fail('BadMessageId');

  const pushType = values.get(Headers.PushType);
  const rule = pushTypeRule(pushType ?? 'alert');
  if (!rule || (rule.tokenOnly && received.auth !== 'token')) return fail('InvalidPushType');

  const priorityText = values.get(Headers.Priority);
  const priority = priorityText === undefined ? Priorities.Immediate : Number(priorityText);
  if (!rule.priorities.includes(priority as Http2Priority) || (priorityText !== undefined && !DIGITS.test(priorityText))) {
    return fail('BadPriority');
  }

  const expirationText = values.get(Headers.Expiration);
  if (expirationText !== undefined && !DIGITS.test(expirationText)) return fail('BadExpirationDate');

  const collapseId = values.get(Headers.CollapseId);
  if (collapseId !== undefined && Buffer.byteLength(collapseId) > COLLAPSE_ID_MAX_BYTES) return fail('BadCollapseId');

  const topic = values.get(Headers.Topic);
  if (topic === undefined) {
    if (received.auth === 'token') return fail('MissingTopic');
  } else if (!topicMatchesPushType(topic, rule.pushType)) {
    return fail('BadTopic');
  }

  return {
    ok: true,
    request: {
      token: token.toLowerCase(),
      topic,
      pushType,
      priority: priority as Http2Priority,
      expiration: expirationText === undefined ? undefined : Number(expirationText),
      collapseId,
      apnsId,
      authorization: values.get(Headers.Authorization),
    },
  };
}

/** The largest body a push type may carry (4096, VoIP 5120). */
export function payloadLimitOf(pushType: string | undefined): number {
  return pushTypeRule(pushType ?? 'alert')?.payloadLimit ?? PayloadLimits.Default;
}

/** PayloadEmpty or PayloadTooLarge for a body of `bodyLength` bytes, or undefined when it fits. */
export function checkPushBody(bodyLength: number, pushType: string | undefined): Reason | undefined {
  if (bodyLength === 0) return 'PayloadEmpty';
  return bodyLength > payloadLimitOf(pushType) ? 'PayloadTooLarge' : undefined;
}
