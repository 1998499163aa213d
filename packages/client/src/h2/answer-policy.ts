/**
 * What the HTTP/2 sender does with each stream's end: Apple's answer read through the codec's
 * reason table, or the way a stream ended unanswered. Pure decisions; the sender carries them out.
 */
import { reasonInfo, type PushOutcome, type ReasonInfo } from '@apnskit/codec/http2';
import type { Unanswered } from './push-connection.js';
import type { Push } from './notification.js';
import type { Http2ResendCause, Http2UnconfirmedReason } from './types.js';

export interface RetryPolicy {
  readonly maxRetries: number;
  readonly initialMs: number;
  readonly maxMs: number;
}

export type AnswerDecision =
  | { readonly kind: 'delivered' }
  | { readonly kind: 'failed'; readonly info: ReasonInfo }
  /** 429, 500, 503...: resend after `delayMs`, on a new connection when Apple says so. */
  | { readonly kind: 'retry'; readonly info: ReasonInfo; readonly delayMs: number; readonly newConnection: boolean }
  /** ExpiredProviderToken, first time: a fresh connection (and token), one resend. */
  | { readonly kind: 'fresh-token' }
  /** ExpiredProviderToken for a push already resent with a fresh token: the clocks disagree. */
  | { readonly kind: 'clock-skew'; readonly info: ReasonInfo }
  /** About the credentials or environment: every other push would get it too. */
  | { readonly kind: 'credentials'; readonly info: ReasonInfo };

export type UnansweredDecision =
  | { readonly kind: 'unconfirmed'; readonly reason: Http2UnconfirmedReason }
  | { readonly kind: 'resend'; readonly cause: Http2ResendCause; readonly possiblyDelivered: boolean; readonly charged: boolean };

/** Answers about the credentials or the environment, not the notification. */
const CREDENTIAL_REASONS: ReadonlySet<string> = new Set([
  'BadCertificate',
  'BadCertificateEnvironment',
  'InvalidProviderToken',
  'MissingProviderToken',
  'BadEnvironmentKeyIdInToken',
  'BadEnvironmentKeyInToken',
]);
/** Refusals of one notification (unprocessed streams) before it is reported unconfirmed. */
const MAX_REFUSALS = 10;

export function decideAnswer(outcome: PushOutcome, push: Push, retry: RetryPolicy): AnswerDecision {
  if (outcome.ok) return { kind: 'delivered' };
  const info = outcome.info ?? reasonInfo(outcome.reason, outcome.status);
  if (outcome.reason === 'ExpiredProviderToken') return push.tokenRetried ? { kind: 'clock-skew', info } : { kind: 'fresh-token' };
  if (CREDENTIAL_REASONS.has(outcome.reason)) return { kind: 'credentials', info };
  if (info.action !== 'retry' || push.retries >= retry.maxRetries) return { kind: 'failed', info };
  const delayMs = Math.min(retry.maxMs, retry.initialMs * 2 ** push.retries);
  return { kind: 'retry', info, delayMs, newConnection: info.newConnection };
}

export function decideUnanswered(how: Unanswered, push: Push, maxRetries: number): UnansweredDecision {
  if (how === 'timeout') return { kind: 'unconfirmed', reason: 'timeout' };
  // Never processed: resending costs no retry, but a server that refuses everything is bounded too.
  if (how === 'refused') return push.refusals >= MAX_REFUSALS ? { kind: 'unconfirmed', reason: 'retry-limit' } : { kind: 'resend', cause: 'refused', possiblyDelivered: false, charged: false };
  if (push.retries >= maxRetries) return { kind: 'unconfirmed', reason: 'retry-limit' };
  return { kind: 'resend', cause: how === 'lost' ? 'connection-lost' : 'reset', possiblyDelivered: true, charged: true };
}
