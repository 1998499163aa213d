import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import {
  NotificationScanner,
  Status,
  encodeErrorResponse,
  type DecodeFailure,
  type NotificationFormat,
  type NotificationVisitor,
  type ScannedNotification,
} from '@apnskit/codec';
import type { AfterAcceptAction, FaultSet, RejectDecision } from './fault-set.js';
import type { NotificationRecorder, RejectedNotification } from './recorder.js';

/** Bytes of the error response written first when a split-error fault asks for two writes. */
const SPLIT_AT = 2;

/** Why a gateway connection ended, for logs and events. */
export type ConnectionEnd =
  | 'client'
  | 'rejected'
  | 'shutdown'
  | 'silent-close'
  | 'reset'
  | 'partial-frame-timeout'
  /** Feedback only: the whole list was written and the server closed. */
  | 'served'
  | 'server-closed'
  | 'error';

/** What every gateway connection shares with the server. */
export interface GatewayContext {
  readonly faults: FaultSet;
  readonly recorder: NotificationRecorder;
  readonly payloadLimit: number;
  /** How long a closing connection may still send (read and discarded) before it is destroyed. */
  readonly closeGraceMs: number;
  /** An idle connection holding half a notification is closed after this long. */
  readonly partialFrameTimeoutMs: number;
  readonly counters: GatewayCounters;
  accepted(count: number): void;
  rejected(rejection: RejectedNotification, feedbackToken: string | undefined, topic: string | undefined): void;
  ended(connection: GatewayConnection, reason: ConnectionEnd): void;
}

export interface GatewayCounters {
  bytesReceived: number;
  discardedBytes: number;
  shutdowns: number;
  silentCloses: number;
  resets: number;
  stalls: number;
}

/**
 * One provider connection: feeds the scanner, records what it accepts, and after the first bad
 * notification (or a scripted end) answers once, closes, and ignores whatever else arrives.
 */
export class GatewayConnection implements NotificationVisitor {
  private readonly scanner: NotificationScanner;
  /** The run of accepted packets not yet handed to the recorder: back to back in one buffer. */
  private runSource: Buffer | undefined;
  private runStart = 0;
  private runEnd = 0;
  private runCount = 0;
  /** Recorded during the current chunk, not yet announced. */
  private unannounced = 0;
  /** While no fault needs to see each notification, accepted frames are taken in whole runs. */
  private readonly keepingVisitor: NotificationVisitor = {
    notification: (notification) => {
      this.extendRun(notification.source, notification.packetOffset, notification.packetOffset + notification.byteLength, 1);
      return true;
    },
    acceptedRun: (source, start, end, count) => {
      this.extendRun(source, start, end, count);
      return true;
    },
    failure: (failure) => this.failure(failure),
  };
  /** Set once the connection is ending: later bytes are read and dropped. */
  private discarding = false;
  private endReason: ConnectionEnd = 'client';
  /** True while a stall-reads fault holds reading: the idle time is ours, not the client's. */
  private stalled = false;
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    readonly socket: TLSSocket,
    readonly number: number,
    readonly topic: string | undefined,
    private readonly context: GatewayContext,
  ) {
    this.scanner = new NotificationScanner({ payloadLimit: context.payloadLimit });
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.setTimeout(context.partialFrameTimeoutMs);
    socket.on('timeout', () => {
      // Idle is fine between notifications; idle in the middle of one is a stuck client.
      if (!this.discarding && !this.stalled && this.scanner.bufferedBytes > 0) this.close('partial-frame-timeout');
    });
    socket.on('error', () => {
      if (!this.discarding) this.endReason = 'error';
    });
    socket.on('close', () => {
      for (const timer of this.timers) clearTimeout(timer);
      this.timers.clear();
      this.context.ended(this, this.endReason);
    });
  }

  /** Ends the connection at once (server closing). */
  destroy(): void {
    if (!this.discarding) this.endReason = 'server-closed';
    this.discarding = true;
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    const { context } = this;
    context.counters.bytesReceived += chunk.length;
    if (this.discarding) {
      context.counters.discardedBytes += chunk.length;
      return;
    }
    const { faults } = context;
    try {
      this.scanner.scan(chunk, faults.hasRejectFaults || faults.hasAfterAcceptFaults ? this : this.keepingVisitor);
    } catch (error) {
      // The scanner reports bad bytes as values; should it ever throw, this connection ends, not the process.
      this.failure({ kind: 'error', status: Status.ProtocolError, id: undefined, format: undefined, reason: `scanner error: ${(error as Error).message}`, fatal: true });
    }
    this.announceAccepted();
  }

  /** The scanner found a notification Apple would accept; a fault may still reject it. */
  notification(notification: ScannedNotification): boolean {
    const { faults } = this.context;
    if (faults.hasRejectFaults) {
      const decision = faults.beforeAccept(notification, this.number);
      if (decision) {
        this.announceAccepted();
        this.reject(notification, decision);
        return false;
      }
    }
    const { source, packetOffset } = notification;
    this.extendRun(source, packetOffset, packetOffset + notification.byteLength, 1);
    if (faults.hasAfterAcceptFaults) {
      const action = faults.afterAccepted(this.number);
      if (action) {
        this.announceAccepted();
        return !this.apply(action, notification);
      }
    }
    return true;
  }

  /** A notification Apple would refuse: answered with its status, or a plain close for command 0. */
  failure(failure: DecodeFailure): boolean {
    this.announceAccepted();
    this.recordRejection(undefined, failure.id, failure.status, failure.format, failure.reason, undefined);
    if (failure.format === 'simple') this.close('rejected');
    else this.answer(failure.status, failure.id ?? 0, 'rejected');
    return false;
  }

  /** Adds accepted packets lying at `source[start, end)` to the pending run, or starts a new one. */
  private extendRun(source: Buffer, start: number, end: number, count: number): void {
    if (source !== this.runSource || start !== this.runEnd) {
      this.recordRun();
      this.runSource = source;
      this.runStart = start;
    }
    this.runEnd = end;
    this.runCount += count;
  }

  private recordRun(): void {
    if (this.runCount === 0) return;
    this.context.recorder.recordRun(this.runSource!, this.runStart, this.runEnd, this.runCount, this.number, Date.now());
    this.unannounced += this.runCount;
    this.runCount = 0;
    this.runSource = undefined;
  }

  /** Records the pending run and tells the server, before anything that depends on the count. */
  private announceAccepted(): void {
    this.recordRun();
    if (this.unannounced === 0) return;
    const count = this.unannounced;
    this.unannounced = 0;
    this.context.accepted(count);
  }

  private reject(notification: ScannedNotification, decision: RejectDecision): void {
    const token = notification.tokenHex();
    this.recordRejection(token, notification.id, decision.status, notification.format, decision.reason, decision.feedback ? token : undefined);
    if (notification.format === 'simple') this.close('rejected');
    else this.answer(decision.status, notification.id ?? 0, 'rejected');
  }

  private recordRejection(
    token: string | undefined,
    id: number | undefined,
    status: number,
    format: NotificationFormat | undefined,
    reason: string,
    feedbackToken: string | undefined,
  ): void {
    const rejection: RejectedNotification = Object.freeze({
      token,
      id,
      status,
      answered: format !== 'simple',
      format,
      connection: this.number,
      reason,
      receivedAt: Date.now(),
    });
    this.context.rejected(rejection, feedbackToken, this.topic);
  }

  /** Carries out a fault that acts after an accepted notification; true when the connection ends. */
  private apply(action: AfterAcceptAction, last: ScannedNotification): boolean {
    const { counters } = this.context;
    switch (action.kind) {
      case 'shutdown':
        counters.shutdowns++;
        // Status 10 names the last notification processed; command 0 has no identifier to name.
        if (last.format === 'simple') this.close('shutdown');
        else this.answer(Status.Shutdown, last.id ?? 0, 'shutdown');
        return true;
      case 'close':
        counters.silentCloses++;
        this.close('silent-close');
        return true;
      case 'reset':
        counters.resets++;
        this.reset();
        return true;
      default:
        counters.stalls++;
        this.stall(action.ms);
        return false;
    }
  }

  /** Writes the error response (in one write unless a fault splits it), then closes. */
  private answer(status: number, id: number, reason: ConnectionEnd): void {
    this.startDiscarding(reason);
    const style = this.context.faults.responseStyle(this.number);
    const packet = encodeErrorResponse(status, style.zeroId ? 0 : id);
    const send = (): void => {
      if (this.socket.destroyed) return;
      if (style.splitGapMs === undefined) {
        this.socket.end(packet);
        this.destroyAfterGrace();
        return;
      }
      this.socket.write(packet.subarray(0, SPLIT_AT));
      this.later(style.splitGapMs, () => {
        this.socket.end(packet.subarray(SPLIT_AT));
        this.destroyAfterGrace();
      });
    };
    if (style.delayMs > 0) this.later(style.delayMs, send);
    else send();
  }

  private close(reason: ConnectionEnd): void {
    this.startDiscarding(reason);
    this.socket.end();
    this.destroyAfterGrace();
  }

  /** A TCP reset: the raw socket under TLS is reset, so the peer reads ECONNRESET. */
  private reset(): void {
    this.startDiscarding('reset');
    const raw = (this.socket as unknown as { _parent?: Socket })._parent;
    if (raw && typeof raw.resetAndDestroy === 'function' && !raw.destroyed) raw.resetAndDestroy();
    this.socket.destroy();
  }

  /** Stops reading, so the client's writes back up, then resumes. */
  private stall(ms: number): void {
    this.stalled = true;
    this.socket.pause();
    this.later(ms, () => {
      this.stalled = false;
      this.socket.resume();
    });
  }

  private startDiscarding(reason: ConnectionEnd): void {
    this.discarding = true;
    this.endReason = reason;
    // Keep reading (and dropping) so the client can still write until we close.
    this.socket.resume();
  }

  private destroyAfterGrace(): void {
    this.later(this.context.closeGraceMs, () => this.socket.destroy());
  }

  private later(ms: number, action: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      action();
    }, ms);
    this.timers.add(timer);
  }
}
