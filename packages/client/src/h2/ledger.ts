/** The HTTP/2 sender's books: every accepted notification ends delivered, failed or unconfirmed. */
import { Http2Status, type PushOutcome, type ReasonInfo } from '@apnskit/codec/http2';
import type { Push } from './notification.js';
import type {
  Http2FailedNotification,
  Http2ResendCause,
  Http2ResentEvent,
  Http2SenderReport,
  Http2SentNotification,
  Http2UnconfirmedNotification,
  Http2UnconfirmedReason,
  UnregisteredEvent,
} from './types.js';

export interface Http2LedgerSink {
  failed(event: Http2FailedNotification): void;
  unregistered(event: UnregisteredEvent): void;
  unconfirmed(event: Http2UnconfirmedNotification): void;
  resent(event: Http2ResentEvent): void;
}

export class Http2Ledger {
  sent = 0;
  delivered = 0;
  resent = 0;
  possiblyDuplicated = 0;
  connections = 0;
  readonly failed: Http2FailedNotification[] = [];
  readonly unconfirmed: Http2UnconfirmedNotification[] = [];
  private readonly deliveredNotifications: Http2SentNotification[] = [];

  constructor(
    private readonly keepDelivered: boolean,
    private readonly sink: Http2LedgerSink,
  ) {}

  deliver(push: Push): void {
    this.delivered += 1;
    if (this.keepDelivered) this.deliveredNotifications.push(push.notification);
  }

  fail(push: Push, outcome: PushOutcome, info: ReasonInfo, apnsId: string | undefined): void {
    const { notification } = push;
    const timestamp = outcome.status === Http2Status.Gone ? new Date(outcome.timestamp ?? Date.now()) : undefined;
    const event: Http2FailedNotification = {
      notification,
      status: outcome.status,
      name: outcome.reason,
      reason: outcome.reason,
      info,
      ...(timestamp ? { timestamp } : {}),
      ...(apnsId !== undefined ? { apnsId } : {}),
    };
    this.failed.push(event);
    this.sink.failed(event);
    if (timestamp) this.sink.unregistered({ token: notification.token, reason: outcome.reason, timestamp, notification });
  }

  giveUp(push: Push, reason: Http2UnconfirmedReason): void {
    const event: Http2UnconfirmedNotification = { notification: push.notification, reason };
    this.unconfirmed.push(event);
    this.sink.unconfirmed(event);
  }

  /** Counts a resend; one whose earlier copy may have arrived is counted possibly duplicated once. */
  resend(push: Push, cause: Http2ResendCause, possiblyDelivered: boolean): void {
    this.resent += 1;
    if (possiblyDelivered && !push.possiblyDelivered) {
      push.possiblyDelivered = true;
      this.possiblyDuplicated += 1;
    }
    this.sink.resent({ count: 1, possiblyDelivered: push.possiblyDelivered, cause, notifications: [push.notification] });
  }

  report(elapsedMs: number): Http2SenderReport {
    return {
      sent: this.sent,
      delivered: this.delivered,
      ...(this.keepDelivered ? { deliveredNotifications: this.deliveredNotifications } : {}),
      failed: this.failed,
      unconfirmed: this.unconfirmed,
      unconfirmedCount: this.unconfirmed.length,
      forgotten: 0,
      resent: this.resent,
      possiblyDuplicated: this.possiblyDuplicated,
      connections: this.connections,
      elapsedMs,
    };
  }
}
