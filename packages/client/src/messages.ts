import { identifierOf } from './identifiers.js';
import { describeFrame } from './frames.js';
import { RETRIES_MASK, POSSIBLY_DELIVERED, type FrameQueue } from './frame-queue.js';
import type { SentWindow } from './sent-window.js';
import type { SentMessage } from './connection-types.js';

/** Reads remembered frames [from, to) back as messages (only for handlers that asked). */
export function windowMessages(window: SentWindow, from: number, to: number, possiblyDelivered: boolean): SentMessage[] {
  const messages: SentMessage[] = [];
  for (let sequence = from; sequence < to; sequence += 1) {
    const frame = window.frame(sequence);
    const mark = window.mark(sequence);
    messages.push({
      id: identifierOf(sequence),
      notification: describeFrame(frame),
      frame,
      possiblyDelivered: possiblyDelivered || (mark & POSSIBLY_DELIVERED) !== 0,
      retries: mark & RETRIES_MASK,
    });
  }
  return messages;
}

/** Frames that never left the process. */
export function queuedMessages(queue: FrameQueue): SentMessage[] {
  const messages: SentMessage[] = [];
  for (const { frame, mark } of queue.frames()) {
    messages.push({
      id: 0,
      notification: describeFrame(frame),
      frame,
      possiblyDelivered: (mark & POSSIBLY_DELIVERED) !== 0,
      retries: mark & RETRIES_MASK,
    });
  }
  return messages;
}
