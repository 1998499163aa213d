import { MockServerError } from './errors.js';

interface Waiter {
  readonly target: number;
  readonly resolve: (count: number) => void;
  readonly reject: (error: Error) => void;
  readonly timer: NodeJS.Timeout;
}

const DEFAULT_TIMEOUT_MS = 10_000;

/** Promises waiting for a count to reach a target, with a timeout each. */
export class Waiters {
  private pending: Waiter[] = [];

  wait(target: number, current: () => number, what: string, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<number> {
    if (!Number.isInteger(target) || target < 0) {
      return Promise.reject(new MockServerError('APNS_ERR_INVALID_OPTION', `the count to wait for must be an integer >= 0, got ${String(target)}`));
    }
    const now = current();
    if (now >= target) return Promise.resolve(now);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending = this.pending.filter((waiter) => waiter.timer !== timer);
        reject(new MockServerError('APNS_ERR_WAIT_TIMEOUT', `waited ${timeoutMs} ms for ${target} ${what}, got ${current()}`));
      }, timeoutMs);
      this.pending.push({ target, resolve, reject, timer });
    });
  }

  /** Settles every waiter whose target the count reached. */
  check(count: number): void {
    if (this.pending.length === 0) return;
    const waiting: Waiter[] = [];
    for (const waiter of this.pending) {
      if (count >= waiter.target) {
        clearTimeout(waiter.timer);
        waiter.resolve(count);
      } else {
        waiting.push(waiter);
      }
    }
    this.pending = waiting;
  }

  rejectAll(error: Error): void {
    for (const waiter of this.pending) {
      clearTimeout(waiter.timer);
      waiter.reject(error);
    }
    this.pending = [];
  }
}
