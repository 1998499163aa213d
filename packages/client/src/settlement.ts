import { Status, type ErrorResponse } from '@apnskit/codec';
import { sequenceOf } from './identifiers.js';
import type { SentWindow } from './sent-window.js';
import type { SettleCause } from './connection-types.js';

export type { SettleCause } from './connection-types.js';

/**
 * What a connection's end proves about every frame it wrote. Sequences name frames; the ones
 * still in the window can be read back, the others are only counted.
 */
export interface Settlement {
  readonly cause: SettleCause;
  readonly response?: ErrorResponse;
  /** Frames proven processed (including forgotten ones proven by a later answer). */
  readonly delivered: number;
  /** The proven frames still remembered: [deliveredFrom, deliveredTo). */
  readonly deliveredFrom: number;
  readonly deliveredTo: number;
  /** The remembered frame Apple rejected, if any. */
  readonly failedSequence?: number;
  /** True when Apple rejected a frame the window no longer holds. */
  readonly failedForgotten: boolean;
  /** Remembered frames after the answer or the whole unproven tail: [tailFrom, tailTo). */
  readonly tailFrom: number;
  readonly tailTo: number;
  /** False: Apple discarded the tail (resend, no duplicate). True: it may have arrived. */
  readonly tailPossiblyDelivered: boolean;
  /** Frames the window forgot and whose fate is unknown (or that Apple discarded and we cannot resend). */
  readonly forgotten: number;
  /** The identifier an error response named when it could not be placed in the window. */
  readonly unknownIdentifier?: number;
}

export interface SettleInput {
  readonly window: SentWindow;
  /** Sequence of the first frame the connection wrote. */
  readonly origin: number;
  readonly cause: SettleCause;
  readonly response?: ErrorResponse;
  /** Sequence of the probe, when one was written (always the last frame). */
  readonly probeSequence?: number;
  /** True when frames carry no identifier (simple format). */
  readonly anonymous: boolean;
  readonly now: number;
}

/** A zero-length token earns these statuses: the only ones an identifier-0 answer may prove the probe with. */
const PROBE_STATUSES: ReadonlySet<number> = new Set([Status.MissingDeviceToken, Status.InvalidTokenSize]);

/**
 * Settles on an error response. With a probe written (always the last frame), an answer naming it
 * proves everything before it; identifier 0 counts as naming it only with a status a zero-length
 * token earns, since a rejection of a real notification may also carry 0 (a gateway quirk).
 */
export function settleAnswer(window: SentWindow, origin: number, response: ErrorResponse, probeSequence: number | undefined, anonymous: boolean, now: number): Settlement {
  const probeAnswer = probeSequence !== undefined && (response.id !== 0 || PROBE_STATUSES.has(response.status));
  return settle({ window, origin, cause: 'error-response', response, ...(probeAnswer ? { probeSequence } : {}), anonymous, now });
}

/** Reads an ending: which frames were delivered, failed, discarded or are in doubt. */
export function settle(input: SettleInput): Settlement {
  const { window, origin, response, probeSequence } = input;
  window.expire(input.now);
  const kept = window.firstSequence;
  const end = window.nextSequence;
  if (response === undefined) return ambiguous(input.cause, kept, end, kept - origin);
  const named = nameOf(input, end);
  if (named === undefined || named < origin) {
    return { ...ambiguous('unknown-identifier', kept, end, kept - origin), response, unknownIdentifier: response.id };
  }
  if (named === probeSequence) {
    return {
      cause: 'probe-answered',
      response,
      delivered: named - origin,
      deliveredFrom: kept,
      deliveredTo: end,
      failedForgotten: false,
      tailFrom: end,
      tailTo: end,
      tailPossiblyDelivered: false,
      forgotten: 0,
    };
  }
  const processed = response.info.outcome !== 'failed';
  const firstDiscarded = named + 1;
  const failedForgotten = !processed && named < kept;
  return {
    cause: 'error-response',
    response,
    delivered: named - origin + (processed ? 1 : 0),
    deliveredFrom: kept,
    deliveredTo: Math.max(kept, processed ? firstDiscarded : named),
    ...(processed || named < kept ? {} : { failedSequence: named }),
    failedForgotten,
    tailFrom: Math.max(kept, firstDiscarded),
    tailTo: end,
    tailPossiblyDelivered: false,
    // Discarded by Apple but no longer held: cannot be resent.
    forgotten: Math.max(0, kept - firstDiscarded),
    ...(named < kept ? { unknownIdentifier: response.id } : {}),
  };
}

function nameOf(input: SettleInput, end: number): number | undefined {
  const { response, probeSequence } = input;
  if (response === undefined) return undefined;
  // The probe is the last frame written; the gateway was seen to answer it with identifier 0.
  if (probeSequence !== undefined && response.id === 0) return probeSequence;
  if (input.anonymous) return undefined;
  const latest = probeSequence ?? end - 1;
  return sequenceOf(response.id, latest, input.origin);
}

function ambiguous(cause: SettleCause, kept: number, end: number, forgotten: number): Settlement {
  return {
    cause,
    delivered: 0,
    deliveredFrom: kept,
    deliveredTo: kept,
    failedForgotten: false,
    tailFrom: kept,
    tailTo: end,
    tailPossiblyDelivered: cause !== 'connect-failed',
    forgotten,
  };
}
