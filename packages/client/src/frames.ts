import { describeFrame as describeWireFrame } from '@apnskit/codec/wire';
import type { SentNotification } from './connection-types.js';

export type { SentNotification } from './connection-types.js';

/** Reads back a frame the client encoded (so the window never holds the caller's objects). */
export function describeFrame(frame: Uint8Array): SentNotification {
  const notification = describeWireFrame(frame);
  return {
    token: notification.tokenHex(),
    payload: Buffer.from(notification.payload),
    // The simple format carries no identifier.
    id: notification.id ?? 0,
    expiry: notification.expiry,
    priority: notification.priority,
    format: notification.format,
  };
}
