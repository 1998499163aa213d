import type { ErrorResponse } from '@apnskit/codec';
import type { ChannelInactiveEvent, ConnectionErrorEvent, UnknownIdentifierEvent } from './connection-types.js';
import { ApnsClientError } from './errors.js';
import type { FrameQueue } from './frame-queue.js';
import { queuedMessages, windowMessages } from './messages.js';
import type { SentWindow } from './sent-window.js';
import type { Settlement } from './settlement.js';

/*
 * The events a connection's handlers get, built from what its end proved. Each is built only for
 * a handler that asked (reading frames back costs), and the connection calls the handlers.
 */

/** An error response named an identifier the window does not hold; undefined when it named one it does. */
export function unknownIdentifierEvent(settlement: Settlement, response: ErrorResponse): UnknownIdentifierEvent | undefined {
  if (settlement.unknownIdentifier === undefined) return undefined;
  const forgotten = settlement.forgotten + (settlement.failedForgotten ? 1 : 0);
  const error = new ApnsClientError(
    'APNS_ERR_UNKNOWN_IDENTIFIER',
    `error response (status ${response.status}, ${response.info.name}) names identifier ${response.id}, which the sent window does not hold; ` +
      'raise the window limits (window.maxAgeMs, maxCount, maxBytes) to place such answers',
  );
  return { id: response.id, status: response.status, name: response.info.name, forgotten, error };
}

/** What an error response meant: the rejected message and those Apple discarded after it. */
export function errorEvent(window: SentWindow, settlement: Settlement, response: ErrorResponse): ConnectionErrorEvent {
  const faulty = settlement.failedSequence === undefined ? [] : windowMessages(window, settlement.failedSequence, settlement.failedSequence + 1, false);
  const resent = windowMessages(window, settlement.tailFrom, settlement.tailTo, settlement.tailPossiblyDelivered);
  return { status: response.status, name: response.info.name, id: response.id, info: response.info, faulty, resent, delivered: settlement.delivered };
}

/** The connection is gone: what to send again and what it proved. */
export function channelInactiveEvent(window: SentWindow, settlement: Settlement, unwritten: FrameQueue, error: Error | undefined): ChannelInactiveEvent {
  const resend = windowMessages(window, settlement.tailFrom, settlement.tailTo, settlement.tailPossiblyDelivered).concat(queuedMessages(unwritten));
  const failed = settlement.failedSequence !== undefined || settlement.failedForgotten ? 1 : 0;
  return { cause: settlement.cause, resend, delivered: settlement.delivered, failed, forgotten: settlement.forgotten, ...(error ? { error } : {}) };
}
