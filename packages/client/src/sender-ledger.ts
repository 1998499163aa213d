import type { ErrorResponse } from '@apnskit/codec';
import { FrameQueue, POSSIBLY_DELIVERED, RETRIES_MASK } from './frame-queue.js';
import { describeFrame, type SentNotification } from './frames.js';
import type { SentWindow } from './sent-window.js';
import type { Settlement } from './settlement.js';
import type { FailedNotification, ResentEvent, SenderReport, UnconfirmedNotification, UnconfirmedReason } from './sender-types.js';

/** Frames of unknown fate are queued in small chunks: they are settled in batches of about a thousand. */
const DOUBT_CHUNK_BYTES = 16 * 1024;

export interface LedgerPolicy {
  readonly maxRetries: number;
  readonly silentClose: 'resend' | 'unconfirmed';
  readonly keepDelivered: boolean;
}

/** Where resent frames go: the sender's queue, or apart while their earlier copy may have arrived. */
export interface ResendQueues {
  readonly queue: FrameQueue;
  readonly doubt: FrameQueue;
}

/** Where the sender reports what the ledger decides. */
export interface LedgerSink {
  failed(event: FailedNotification): void;
  unconfirmed(event: UnconfirmedNotification): void;
  resent(event: Omit<ResentEvent, 'notifications'>, frames: () => SentNotification[]): void;
}

/**
 * The sender's books: every notification accepted by send() ends in exactly one of delivered,
 * failed or unconfirmed; until then it is queued or in flight on a connection.
 */
export class Ledger {
  sent = 0;
  delivered = 0;
  forgotten = 0;
  resent = 0;
  possiblyDuplicated = 0;
  connections = 0;
  readonly failed: FailedNotification[] = [];
  readonly unconfirmed: UnconfirmedNotification[] = [];
  readonly deliveredNotifications: SentNotification[] = [];

  constructor(
    private readonly policy: LedgerPolicy,
    private readonly sink: LedgerSink,
  ) {}

  get unconfirmedCount(): number {
    return this.unconfirmed.length + this.forgotten;
  }

  /**
   * Books a settled connection. Frames to write again go in front of `queues.queue`, except
   * those whose earlier copy may have arrived: they go to `queues.doubt`, to be settled apart.
   */
  apply(settlement: Settlement, window: SentWindow, unwritten: FrameQueue, queues: ResendQueues, probeTimedOut: boolean): void {
    this.delivered += settlement.delivered;
    if (this.policy.keepDelivered) {
      for (let sequence = settlement.deliveredFrom; sequence < settlement.deliveredTo; sequence += 1) {
        this.deliveredNotifications.push(describeFrame(window.frame(sequence)));
      }
    }
    if (settlement.failedSequence !== undefined) {
      this.fail(describeFrame(window.frame(settlement.failedSequence)), settlement.response as ErrorResponse);
    }
    // A rejected notification the window forgot, and frames forgotten unproven: counted only.
    this.forgotten += settlement.forgotten + (settlement.failedForgotten ? 1 : 0);
    const resend = new FrameQueue();
    const doubtful = new FrameQueue(DOUBT_CHUNK_BYTES);
    const possibly = settlement.tailPossiblyDelivered;
    let duplicates = 0;
    for (let sequence = settlement.tailFrom; sequence < settlement.tailTo; sequence += 1) {
      const frame = window.frame(sequence);
      const mark = window.mark(sequence);
      const reason = this.giveUpReason(mark, possibly, probeTimedOut);
      if (reason !== undefined) {
        this.giveUp(frame, reason);
        continue;
      }
      if (possibly && (mark & POSSIBLY_DELIVERED) === 0) duplicates += 1;
      // Only a resend of unknown fate is charged: frames Apple discarded for another's failure were never processed.
      const next = possibly ? (mark | POSSIBLY_DELIVERED) + 1 : mark;
      ((next & POSSIBLY_DELIVERED) === 0 ? resend : doubtful).appendFrame(frame, next);
    }
    const count = resend.count + doubtful.count;
    if (count > 0) {
      this.resent += count;
      this.possiblyDuplicated += duplicates;
      this.sink.resent({ count, possiblyDelivered: possibly, cause: settlement.cause }, () =>
        [...doubtful.frames(), ...resend.frames()].map(({ frame }) => describeFrame(frame)),
      );
    }
    // A connection holds either doubtful frames only (it was settling them) or none.
    const first = unwritten.frames().next();
    if (!first.done && (first.value.mark & POSSIBLY_DELIVERED) !== 0) doubtful.prependAll(unwritten);
    else resend.prependAll(unwritten);
    queues.queue.prependAll(resend);
    queues.doubt.prependAll(doubtful);
  }

  /** Reports every frame of `queue` unconfirmed (the sender gave up) and empties it. */
  abandon(queue: FrameQueue, reason: UnconfirmedReason): void {
    for (const { frame } of queue.frames()) this.giveUp(frame, reason);
    queue.clear();
  }

  report(elapsedMs: number): SenderReport {
    return {
      sent: this.sent,
      delivered: this.delivered,
      ...(this.policy.keepDelivered ? { deliveredNotifications: this.deliveredNotifications } : {}),
      failed: this.failed,
      unconfirmed: this.unconfirmed,
      unconfirmedCount: this.unconfirmedCount,
      forgotten: this.forgotten,
      resent: this.resent,
      possiblyDuplicated: this.possiblyDuplicated,
      connections: this.connections,
      elapsedMs,
    };
  }

  private giveUpReason(mark: number, possibly: boolean, probeTimedOut: boolean): UnconfirmedReason | undefined {
    if (possibly && probeTimedOut) return 'probe-timeout';
    if (possibly && this.policy.silentClose === 'unconfirmed') return 'silent-close';
    if (possibly && (mark & RETRIES_MASK) >= this.policy.maxRetries) return 'retry-limit';
    return undefined;
  }

  private fail(notification: SentNotification, response: ErrorResponse): void {
    const event: FailedNotification = { notification, status: response.status, name: response.info.name, info: response.info };
    this.failed.push(event);
    this.sink.failed(event);
  }

  private giveUp(frame: Buffer, reason: UnconfirmedReason): void {
    const event: UnconfirmedNotification = { notification: describeFrame(frame), reason };
    this.unconfirmed.push(event);
    this.sink.unconfirmed(event);
  }
}
