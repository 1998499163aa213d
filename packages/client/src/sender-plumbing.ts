/** Pieces both managed senders (binary and HTTP/2) share: queue-room waiters, close()'s promise, reconnect delays, the closed check. */
import { ApnsClientError } from './errors.js';

/** Throws when nothing more may be queued: after close(), or once the sender gave up (its reason). */
export function checkOpen(closing: unknown, gaveUp: ApnsClientError | undefined): void {
  if (closing) throw new ApnsClientError('APNS_ERR_SENDER_CLOSED', 'sending after close(): create a new sender');
  if (gaveUp) throw gaveUp;
}

/** Callers of send()/ready() waiting for room in the queue. */
export class RoomWaiters {
  private waiters: (() => void)[] = [];

  wait(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Wakes every waiter: always when `all`, otherwise once the queue has drained to half the mark. */
  release(all: boolean, queued: number, highWaterMark: number): void {
    if (this.waiters.length === 0 || (!all && queued >= highWaterMark / 2)) return;
    const waiters = this.waiters;
    this.waiters = [];
    for (const resolve of waiters) resolve();
  }
}

/** A promise with its resolver, for close(). */
export interface Deferred<T> {
  readonly promise: Promise<T>;
  readonly resolve: (value: T) => void;
}

export function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((done) => (resolve = done));
  return { promise, resolve };
}

/** Delay before the next connection attempt after `failures` failed ones in a row: initial doubling up to max. */
export function reconnectDelay(failures: number, initialMs: number, maxMs: number): number {
  return failures === 0 ? 0 : Math.min(maxMs, initialMs * 2 ** (failures - 1));
}
