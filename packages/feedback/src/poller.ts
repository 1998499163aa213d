import { resolveCredentials, type Address, type ApnsTlsOptions, type ResolvedCredentials } from '@apnskit/tls';
import { ApnsFeedbackError } from './errors.js';
import { feedback, type FeedbackEntry, type FeedbackOptions } from './reader.js';

export interface PollInfo {
  /** When this read started. */
  readonly startedAt: Date;
  /** Reads done so far, this one included. */
  readonly read: number;
}

export interface PollErrorInfo {
  /** Failed reads in a row (0 when the batch callback threw). */
  readonly consecutiveFailures: number;
  /** When the next read starts. */
  readonly nextReadInMs: number;
}

export interface FeedbackPollerOptions extends Omit<FeedbackOptions, 'signal'> {
  readonly address: Address | string;
  readonly tls: ApnsTlsOptions | ResolvedCredentials;
  /** Time between the end of one read and the start of the next. Default one hour. */
  readonly intervalMs?: number;
  /** Called with every read's tuples (also an empty list), awaited before the next read is planned. */
  readonly onBatch: (entries: FeedbackEntry[], info: PollInfo) => void | Promise<void>;
  /** Called for each failed read (and for a throwing onBatch); the poller keeps going. */
  readonly onError?: (error: unknown, info: PollErrorInfo) => void;
  /** Waits after failed reads: initialMs doubling up to maxMs (never above intervalMs). Default 1000 and 300000. */
  readonly backoff?: { readonly initialMs?: number; readonly maxMs?: number };
  /** Read at once (default) or first wait intervalMs. */
  readonly immediate?: boolean;
  /** Stops the poller, like stop(). */
  readonly signal?: AbortSignal;
}

export interface FeedbackPoller {
  /** Stops: cancels the wait or the read in progress, and resolves when nothing runs anymore. */
  stop(): Promise<void>;
  /** Resolves once the poller has stopped (stop() or the signal). */
  readonly done: Promise<void>;
  /** Completed reads, successful or not. */
  readonly reads: number;
}

export const DEFAULT_POLL_INTERVAL_MS = 3_600_000;
const DEFAULT_BACKOFF_INITIAL_MS = 1000;
const DEFAULT_BACKOFF_MAX_MS = 300_000;

/**
 * Reads the feedback list every `intervalMs` and hands each batch to `onBatch`. Connection
 * failures are reported to `onError` and retried with exponential backoff. Tuples read before a
 * failure or a stop are still delivered (the service clears its list once read).
 */
export function pollFeedback(options: FeedbackPollerOptions): FeedbackPoller {
  const { address, tls, onBatch, onError, signal, immediate = true, backoff = {}, intervalMs = DEFAULT_POLL_INTERVAL_MS, ...readOptions } = options;
  if (typeof onBatch !== 'function') throw invalid('onBatch must be a function that receives each batch of tuples');
  const interval = whole('intervalMs', intervalMs);
  const initialBackoff = whole('backoff.initialMs', backoff.initialMs ?? DEFAULT_BACKOFF_INITIAL_MS);
  const maxBackoff = Math.min(whole('backoff.maxMs', backoff.maxMs ?? DEFAULT_BACKOFF_MAX_MS), interval);
  // Checked once, now: a credential problem is a usage error, not something to retry hourly.
  const credentials = resolveCredentials(tls);
  const stopper = new AbortController();
  let reads = 0;
  let wakeSleeper: (() => void) | undefined;
  let sleepTimer: NodeJS.Timeout | undefined;

  const stopNow = (): void => {
    stopper.abort();
    if (sleepTimer) clearTimeout(sleepTimer);
    wakeSleeper?.();
  };
  if (signal?.aborted) stopNow();
  signal?.addEventListener('abort', stopNow, { once: true });

  const sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      wakeSleeper = resolve;
      sleepTimer = setTimeout(resolve, ms);
    });

  const report = (error: unknown, info: PollErrorInfo): void => {
    try {
      onError?.(error, info);
    } catch {
      // A throwing error callback must not stop the poller.
    }
  };

  const run = async (): Promise<void> => {
    let failures = 0;
    let wait = immediate ? 0 : interval;
    while (!stopper.signal.aborted) {
      if (wait > 0) await sleep(wait);
      if (stopper.signal.aborted) break;
      const startedAt = new Date();
      const entries: FeedbackEntry[] = [];
      let failure: unknown;
      try {
        for await (const entry of feedback(address, credentials, { ...readOptions, signal: stopper.signal })) entries.push(entry);
      } catch (error) {
        failure = error;
      }
      reads++;
      const stopped = failure instanceof ApnsFeedbackError && failure.code === 'APNS_ERR_FEEDBACK_ABORTED' && stopper.signal.aborted;
      failures = failure && !stopped ? failures + 1 : 0;
      wait = failures > 0 ? Math.min(initialBackoff * 2 ** (failures - 1), maxBackoff) : interval;
      if (entries.length > 0 || failure === undefined) {
        try {
          await onBatch(entries, { startedAt, read: reads });
        } catch (error) {
          report(error, { consecutiveFailures: 0, nextReadInMs: wait });
        }
      }
      if (failures > 0) report(failure, { consecutiveFailures: failures, nextReadInMs: wait });
    }
    signal?.removeEventListener('abort', stopNow);
  };

  const done = run();
  return {
    done,
    get reads() {
      return reads;
    },
    stop() {
      stopNow();
      return done;
    },
  };
}

function whole(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1 || value > 2_147_483_647) throw invalid(`${name} must be an integer number of milliseconds from 1 to 2147483647, got ${String(value)}`);
  return value;
}

function invalid(message: string): ApnsFeedbackError {
  return new ApnsFeedbackError('APNS_ERR_FEEDBACK_INVALID_OPTION', message);
}
