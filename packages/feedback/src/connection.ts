import { connect, type ConnectionOptions, type TLSSocket } from 'node:tls';
import { FeedbackDecoder, type FeedbackGarbage, type FeedbackTuple } from '@apnskit/codec';
import { describeConnectionFailure, formatAddress, type Address } from '@apnskit/tls';
import { ApnsFeedbackError } from './errors.js';

/** Why a read ended without an error. */
export type FeedbackEndReason = 'closed' | 'idle-timeout';

export interface ConnectionSettings {
  readonly idleTimeoutMs: number;
  readonly connectTimeoutMs: number;
  /** Whole-read limit, for a server that streams forever; undefined: none. */
  readonly readTimeoutMs: number | undefined;
  /** Decoded tuples held for a slow consumer before the socket is paused. */
  readonly highWaterMark: number;
  readonly maxTokenLength: number;
}

/**
 * One connection to a feedback service: decodes tuples as bytes arrive and holds them until
 * taken. Pauses the socket when `highWaterMark` tuples wait (bounded memory for any list size),
 * resumes at half of it. Failures are recorded, never thrown from socket handlers: `failure`
 * is reported once the tuples received before it are taken.
 */
export class FeedbackConnection {
  /** Set once the stream is over (closed, idle, failed); tuples may still wait in `batches`. */
  finished = false;
  endReason: FeedbackEndReason | undefined;
  failure: ApnsFeedbackError | undefined;

  private readonly socket: TLSSocket;
  private readonly decoder: FeedbackDecoder;
  private readonly batches: FeedbackTuple[][] = [];
  private cursor = 0;
  private buffered = 0;
  private paused = false;
  private secure = false;
  private timer: NodeJS.Timeout | undefined;
  private readTimer: NodeJS.Timeout | undefined;
  private wake: (() => void) | undefined;

  constructor(
    private readonly address: Address,
    connectOptions: ConnectionOptions,
    private readonly settings: ConnectionSettings,
  ) {
    this.decoder = new FeedbackDecoder({ maxTokenLength: settings.maxTokenLength });
    this.socket = connect({ ...connectOptions, host: address.host, port: address.port });
    this.timer = setTimeout(() => this.onConnectTimeout(), settings.connectTimeoutMs);
    if (settings.readTimeoutMs !== undefined) this.readTimer = setTimeout(() => this.onReadTimeout(), settings.readTimeoutMs);
    this.socket.on('secureConnect', () => this.onSecure());
    this.socket.on('data', (chunk: Buffer) => this.onData(chunk));
    this.socket.on('error', (error: Error) => this.onError(error));
    this.socket.on('close', () => this.onClose());
  }

  /** The next waiting tuple, or undefined when none waits right now. */
  take(): FeedbackTuple | undefined {
    const batch = this.batches[0];
    if (!batch) return undefined;
    const tuple = batch[this.cursor++];
    if (this.cursor === batch.length) {
      this.batches.shift();
      this.cursor = 0;
    }
    this.buffered--;
    if (this.paused && this.buffered <= this.settings.highWaterMark / 2) this.resume();
    return tuple;
  }

  /** Resolves when tuples arrive or the stream ends. */
  waitForData(): Promise<void> {
    return new Promise((resolve) => {
      this.wake = resolve;
    });
  }

  /** Ends the read now (early break, abort); idempotent. */
  close(): void {
    this.finished = true;
    this.clearTimer();
    clearTimeout(this.readTimer);
    this.socket.destroy();
    this.notify();
  }

  private onSecure(): void {
    this.secure = true;
    this.clearTimer();
    this.armIdleTimer();
  }

  private onData(chunk: Buffer): void {
    if (this.finished) return;
    const tuples: FeedbackTuple[] = [];
    let garbage: FeedbackGarbage | undefined;
    for (const result of this.decoder.push(chunk)) {
      if (result.kind === 'tuple') tuples.push(result);
      else garbage = result;
    }
    // Garbage comes after the tuples before it: those are delivered, then the failure.
    this.queue(tuples);
    if (garbage !== undefined) {
      this.fail(this.garbageError(garbage));
      return;
    }
    if (this.buffered >= this.settings.highWaterMark) this.pause();
    else this.armIdleTimer();
    this.notify();
  }

  private queue(tuples: FeedbackTuple[]): void {
    if (tuples.length === 0) return;
    this.batches.push(tuples);
    this.buffered += tuples.length;
  }

  private onError(error: Error): void {
    if (this.finished) return;
    const failure = describeConnectionFailure(error);
    const where = formatAddress(this.address);
    if (!this.secure && (failure.kind === 'refused' || failure.kind === 'unreachable')) {
      this.fail(new ApnsFeedbackError('APNS_ERR_FEEDBACK_CONNECT', `cannot connect to ${where}: ${failure.hint}`, { failure, cause: error }));
    } else if (!this.secure || failure.kind === 'client-certificate-rejected' || failure.kind === 'server-certificate') {
      this.fail(new ApnsFeedbackError('APNS_ERR_FEEDBACK_TLS', `TLS handshake with ${where} failed: ${failure.hint}`, { failure, cause: error }));
    } else {
      this.fail(
        new ApnsFeedbackError(
          'APNS_ERR_FEEDBACK_CONNECTION_LOST',
          `connection to ${where} lost while reading feedback (${failure.cause}); the list may be incomplete: read again`,
          { failure, cause: error },
        ),
      );
    }
  }

  private onClose(): void {
    if (this.finished) return;
    this.end('closed');
  }

  private onConnectTimeout(): void {
    this.timer = undefined;
    if (this.secure || this.finished) return;
    this.fail(
      new ApnsFeedbackError(
        'APNS_ERR_FEEDBACK_TIMEOUT',
        `no TLS handshake with ${formatAddress(this.address)} within ${this.settings.connectTimeoutMs} ms: check the address and port, or raise the connect timeout`,
      ),
    );
  }

  private onReadTimeout(): void {
    if (this.finished) return;
    this.fail(
      new ApnsFeedbackError(
        'APNS_ERR_FEEDBACK_TIMEOUT',
        `the feedback read from ${formatAddress(this.address)} did not end within ${this.settings.readTimeoutMs} ms (the server keeps sending); the tuples read so far were delivered`,
      ),
    );
  }

  private onIdle(): void {
    this.timer = undefined;
    if (!this.finished) this.end('idle-timeout');
  }

  /** The stream is over without a socket error: a tuple cut short is still a failure. */
  private end(reason: FeedbackEndReason): void {
    const partial = this.decoder.bufferedBytes;
    if (partial > 0) {
      const how = reason === 'closed' ? 'the server closed the connection' : `nothing more came for ${this.settings.idleTimeoutMs} ms`;
      this.fail(
        new ApnsFeedbackError(
          'APNS_ERR_FEEDBACK_TRUNCATED',
          `feedback list cut short: ${how} in the middle of a tuple (${partial} bytes of it received); the complete tuples before it were delivered`,
        ),
      );
      return;
    }
    this.endReason = reason;
    this.close();
  }

  private fail(error: ApnsFeedbackError): void {
    this.failure = error;
    this.close();
  }

  private garbageError(garbage: FeedbackGarbage): ApnsFeedbackError {
    return new ApnsFeedbackError(
      'APNS_ERR_FEEDBACK_TOKEN_LENGTH',
      `${garbage.reason}: ${formatAddress(this.address)} is not sending feedback tuples; check that the address is a feedback service`,
    );
  }

  private pause(): void {
    this.paused = true;
    this.clearTimer();
    this.socket.pause();
  }

  private resume(): void {
    this.paused = false;
    this.armIdleTimer();
    this.socket.resume();
  }

  private armIdleTimer(): void {
    if (this.finished) return;
    if (this.timer) this.timer.refresh();
    else this.timer = setTimeout(() => this.onIdle(), this.settings.idleTimeoutMs);
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}
