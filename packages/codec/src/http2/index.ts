/** Apple's HTTP/2 provider API: reasons, push types, request and response rules. Pure: no I/O. */
export { Http2Status, REASON_TABLE, isKnownReason, reasonInfo, reasonForBinaryStatus, statusOfReason, type Reason, type ReasonAction, type ReasonInfo } from './reasons.js';
export {
  PUSH_TYPES,
  PayloadLimits,
  Priorities,
  bundleIdOf,
  inferPushType,
  pushTypeRule,
  topicFor,
  topicMatchesPushType,
  type Http2Priority,
  type PushTypeRule,
} from './push-types.js';
export {
  COLLAPSE_ID_MAX_BYTES,
  DEVICE_PATH_PREFIX,
  Headers,
  bearerToken,
  checkPushBody,
  checkPushHeaders,
  devicePath,
  isApnsId,
  isDeviceTokenHex,
  payloadLimitOf,
  pushRequestHeaders,
  type AuthKind,
  type CheckedPushRequest,
  type PushRequestFields,
  type ReceivedPushRequest,
  type RequestCheck,
} from './request.js';
export { failureBody, parseFailureBody, pushOutcome, type FailureBody, type PushOutcome } from './response.js';
export { ProviderTokenRules, checkProviderTokenClaims, providerTokenParts, type ProviderTokenClaims, type ProviderTokenHeader } from './provider-token.js';
