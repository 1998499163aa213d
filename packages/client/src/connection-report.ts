import type { ErrorResponse } from '@apnskit/codec';
import type { Connection } from './connection.js';
import type { ConnectionHandlers } from './connection-types.js';
import { ApnsClientError } from './errors.js';
import type { FrameQueue } from './frame-queue.js';
import { queuedMessages, windowMessages } from './messages.js';
import type { Settlement } from './settlement.js';

/** Tells the error handler (and the unknown-identifier handler) what an error response meant. */
export function reportError(connection: Connection, handlers: ConnectionHandlers, settlement: Settlement, response: ErrorResponse): void {
  const { window } = connection;
  if (settlement.unknownIdentifier !== undefined && handlers.onUnknownIdentifier) {
    const forgotten = settlement.forgotten + (settlement.failedForgotten ? 1 : 0);
    const error = new ApnsClientError(
      'APNS_ERR_UNKNOWN_IDENTIFIER',
      `error response (status ${response.status}, ${response.info.name}) names identifier ${response.id}, which the sent window does not hold; ` +
        'raise the window limits (window.maxAgeMs, maxCount, maxBytes) to place such answers',
    );
    connection.call(() => handlers.onUnknownIdentifier?.({ id: response.id, status: response.status, name: response.info.name, forgotten, error }));
  }
  if (!handlers.onError) return;
  const faulty = settlement.failedSequence === undefined ? [] : windowMessages(window, settlement.failedSequence, settlement.failedSequence + 1, false);
  const resent = windowMessages(window, settlement.tailFrom, settlement.tailTo, settlement.tailPossiblyDelivered);
  connection.call(() =>
    handlers.onError?.({
      status: response.status,
      name: response.info.name,
      id: response.id,
      info: response.info,
      faulty,
      resent,
      delivered: settlement.delivered,
    }),
  );
}

/** Tells the channel-inactive, disconnect and close handlers that the connection is gone. */
export function reportInactive(
  connection: Connection,
  handlers: ConnectionHandlers,
  settlement: Settlement,
  unwritten: FrameQueue,
  error: Error | undefined,
): void {
  connection.call(() => handlers.onDisconnect?.({ cause: settlement.cause, ...(error ? { error } : {}) }));
  if (handlers.onChannelInactive) {
    const resend = windowMessages(connection.window, settlement.tailFrom, settlement.tailTo, settlement.tailPossiblyDelivered).concat(queuedMessages(unwritten));
    const failed = settlement.failedSequence !== undefined || settlement.failedForgotten ? 1 : 0;
    connection.call(() =>
      handlers.onChannelInactive?.({
        cause: settlement.cause,
        resend,
        delivered: settlement.delivered,
        failed,
        forgotten: settlement.forgotten,
        ...(error ? { error } : {}),
      }),
    );
  }
  connection.call(() => handlers.onClose?.());
}
