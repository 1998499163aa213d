import type { NotificationFormat, PriorityValue } from '@apnskit/codec';
import { describeFrame as describeWireFrame } from '@apnskit/codec/wire';

/** A notification as read back from the frame the client wrote (what reports and handlers carry). */
export interface SentNotification {
  /** Device token, hex. */
  readonly token: string;
  /** Payload bytes (a copy). */
  readonly payload: Buffer;
  /** Identifier on the connection that last wrote it (0 for the simple format). */
  readonly id: number;
  readonly expiry: number;
  readonly priority: PriorityValue;
  readonly format: NotificationFormat;
}

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
