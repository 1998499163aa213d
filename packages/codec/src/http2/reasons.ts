/**
 * Apple's HTTP/2 failure reasons: the `reason` of a response body (and of GOAWAY debug data), its
 * status and what a provider should do about it.
 */

/** What to do after a failure. */
export type ReasonAction =
  /** Resend unchanged (after a delay or on a new connection, as `meaning` says). */
  | 'retry'
  /** Resend only after fixing the request, the credentials or the setup. */
  | 'fix'
  /** Stop sending to that device token. */
  | 'drop';

export interface ReasonInfo {
  readonly reason: string;
  readonly status: number;
  readonly meaning: string;
  readonly action: ReasonAction;
  /** Resend on a new connection rather than this one. */
  readonly newConnection: boolean;
  /** False for a reason outside Apple's table: decoded as data, never an error. */
  readonly known: boolean;
}

/** HTTP statuses of APNs answers. */
export const Http2Status = Object.freeze({
  Ok: 200,
  BadRequest: 400,
  Forbidden: 403,
  NotFound: 404,
  MethodNotAllowed: 405,
  Gone: 410,
  PayloadTooLarge: 413,
  TooManyRequests: 429,
  InternalServerError: 500,
  ServiceUnavailable: 503,
} as const);

type Row = readonly [reason: string, status: number, action: ReasonAction, meaning: string, newConnection?: boolean];

const S = Http2Status;
const ROWS = [
  ['BadCollapseId', S.BadRequest, 'fix', 'apns-collapse-id is over 64 bytes'],
  ['BadDeviceToken', S.BadRequest, 'drop', 'the device token is malformed or from the other environment'],
  ['BadExpirationDate', S.BadRequest, 'fix', 'apns-expiration is not a UNIX time in seconds'],
  ['BadMessageId', S.BadRequest, 'fix', 'apns-id is not a lower-case canonical UUID'],
  ['BadPriority', S.BadRequest, 'fix', 'apns-priority is not 10, 5 or 1, or not allowed for the push type'],
  ['BadTopic', S.BadRequest, 'fix', 'apns-topic is invalid or lacks the push type suffix'],
  ['DeviceTokenNotForTopic', S.BadRequest, 'drop', 'the device token belongs to another topic'],
  ['DuplicateHeaders', S.BadRequest, 'fix', 'a header was sent twice'],
  ['IdleTimeout', S.BadRequest, 'retry', 'idle time out: resend on a new connection', true],
  ['InvalidPushType', S.BadRequest, 'fix', 'apns-push-type is not a known type, or not allowed with this authentication'],
  ['MissingDeviceToken', S.BadRequest, 'fix', 'no device token in :path'],
  ['MissingTopic', S.BadRequest, 'fix', 'apns-topic is required but absent'],
  ['PayloadEmpty', S.BadRequest, 'fix', 'the body is empty'],
  ['TopicDisallowed', S.BadRequest, 'fix', 'pushing to this topic is not allowed'],
  ['BadCertificate', S.Forbidden, 'fix', 'the client certificate is bad'],
  ['BadCertificateEnvironment', S.Forbidden, 'fix', 'the client certificate is for the other environment'],
  ['ExpiredProviderToken', S.Forbidden, 'retry', 'the provider token is over an hour old: sign a new one (check the clock)'],
  ['Forbidden', S.Forbidden, 'fix', 'the action is not allowed; never resend it as is'],
  ['InvalidProviderToken', S.Forbidden, 'fix', 'the provider token is invalid or its signature does not verify'],
  ['MissingProviderToken', S.Forbidden, 'fix', 'no client certificate and no bearer token'],
  ['UnrelatedKeyIdInToken', S.Forbidden, 'retry', "the token's key is unrelated to the key of this connection's first push", true],
  ['BadEnvironmentKeyIdInToken', S.Forbidden, 'fix', "the token's key is restricted to the other environment"],
  // The spelling seen in field logs beside Apple's documented one.
  ['BadEnvironmentKeyInToken', S.Forbidden, 'fix', "the token's key is restricted to the other environment"],
  ['BadPath', S.NotFound, 'fix', ':path is not /3/device/<token>'],
  ['MethodNotAllowed', S.MethodNotAllowed, 'fix', 'the method is not POST'],
  ['ExpiredToken', S.Gone, 'drop', 'the device token expired'],
  ['Unregistered', S.Gone, 'drop', 'the device token is no longer active for the topic'],
  ['PayloadTooLarge', S.PayloadTooLarge, 'fix', 'the body is over 4096 bytes (5120 for VoIP); never resend it as is'],
  ['TooManyProviderTokenUpdates', S.TooManyRequests, 'retry', 'a new provider token within 20 minutes of the last on this connection', true],
  ['TooManyRequests', S.TooManyRequests, 'retry', 'too many requests in a row to one device token: resend after a delay'],
  ['InternalServerError', S.InternalServerError, 'retry', 'APNs internal error: resend with back-off'],
  ['ServiceUnavailable', S.ServiceUnavailable, 'retry', 'the service is unavailable: resend with back-off on a new connection', true],
  ['Shutdown', S.ServiceUnavailable, 'retry', 'this server is shutting down: resend on a new connection', true],
] as const satisfies readonly Row[];

/** Every reason Apple documents (32), plus the field spelling BadEnvironmentKeyInToken. */
export const REASON_TABLE: readonly ReasonInfo[] = Object.freeze(
  (ROWS as readonly Row[]).map(([reason, status, action, meaning, newConnection]) =>
    Object.freeze({ reason, status, meaning, action, newConnection: newConnection ?? false, known: true }),
  ),
);

const BY_REASON: ReadonlyMap<string, ReasonInfo> = new Map(REASON_TABLE.map((info) => [info.reason, info]));

/** The names of the reasons in the table, as a type. */
export type Reason = (typeof ROWS)[number][0];

export function isKnownReason(reason: string): boolean {
  return BY_REASON.has(reason);
}

/**
 * What a reason means. An unknown reason (or none) is data: `known` false, the answer's status kept,
 * and the action taken from the status class (5xx and 429 retry, other codes fix).
 */
export function reasonInfo(reason: string, status?: number): ReasonInfo {
  const known = BY_REASON.get(reason);
  if (known) return known;
  const observed = status ?? 0;
  const retry = observed >= 500 || observed === Http2Status.TooManyRequests;
  return Object.freeze({ reason, status: observed, meaning: 'not in Apple\'s table', action: retry ? 'retry' : 'fix', newConnection: false, known: false });
}

/** The status Apple answers with a reason, or undefined for a reason outside the table. */
export function statusOfReason(reason: string): number | undefined {
  return BY_REASON.get(reason)?.status;
}

/** Status bytes of the binary protocol's error response, and the HTTP/2 reason meaning the same. */
const BINARY_STATUS_REASONS: ReadonlyMap<number, Reason> = new Map<number, Reason>([
  [1, 'InternalServerError'],
  [2, 'MissingDeviceToken'],
  [3, 'MissingTopic'],
  [4, 'PayloadEmpty'],
  [5, 'BadDeviceToken'],
  [6, 'BadTopic'],
  [7, 'PayloadTooLarge'],
  [8, 'Unregistered'],
  [10, 'Shutdown'],
  [255, 'InternalServerError'],
]);

/** The HTTP/2 reason for a binary status byte (8, invalid token, is Unregistered); undefined when none fits. */
export function reasonForBinaryStatus(status: number): Reason | undefined {
  return BINARY_STATUS_REASONS.get(status);
}
