import type { TLSSocket } from 'node:tls';
import { TOKEN_LENGTH, formatToken, parseToken, type FeedbackTupleInput } from '@apnskit/codec';
import { FEEDBACK_HEADER_LENGTH, MAX_U32 } from '@apnskit/codec/wire';
import { MockServerError } from './errors.js';

/** How the feedback service writes its list. */
export interface FeedbackServiceOptions {
  /** Write the tuples in chunks of this many bytes (a tuple may straddle two), 0 = in one write. Default 0. */
  readonly chunkSize?: number;
  /** Milliseconds between chunks. Default 10. */
  readonly chunkDelayMs?: number;
  /** Keep the connection open after the last tuple instead of closing (Apple was seen to). Default false. */
  readonly holdOpen?: boolean;
}

/** A queued tuple as listed by the server. */
export interface QueuedFeedback {
  /** Lowercase hex. */
  readonly token: string;
  /** UNIX seconds. */
  readonly timestamp: number;
}

const DEFAULT_CHUNK_DELAY_MS = 10;
/** Upper bounds of the numeric options: a delay past Node's timer range would silently become 1 ms. */
const OPTION_LIMITS = Object.freeze({ chunkSize: 16 * 1024 * 1024, chunkDelayMs: 600_000 });

function invalidOption(message: string): MockServerError {
  return new MockServerError('APNS_ERR_INVALID_OPTION', message);
}
const PLAIN_HEX_TOKEN = /^[0-9a-fA-F]{64}$/;

/**
 * The feedback list per topic (the UID of the client certificate), and how one connection gets
 * it: every queued tuple for its topic, then the list for that topic is empty.
 */
/** A checked tuple as held in the queue (plain strings: a million small Buffers would cost seconds). */
type StoredTuple = QueuedFeedback;

export class FeedbackLists {
  private readonly queues = new Map<string, StoredTuple[]>();
  private settings: Required<FeedbackServiceOptions> = { chunkSize: 0, chunkDelayMs: DEFAULT_CHUNK_DELAY_MS, holdOpen: false };

  constructor(options: FeedbackServiceOptions = {}) {
    this.configure(options);
  }

  get options(): Required<FeedbackServiceOptions> {
    return this.settings;
  }

  /** Checks every field before changing anything; unknown keys and out-of-range values are refused. */
  configure(options: FeedbackServiceOptions): void {
    if (options === null || typeof options !== 'object' || Array.isArray(options)) {
      throw invalidOption(`feedback options must be an object such as {"chunkSize":16,"chunkDelayMs":10,"holdOpen":false}, got ${JSON.stringify(options)}`);
    }
    for (const key of Object.keys(options)) {
      if (!(key in OPTION_LIMITS) && key !== 'holdOpen') {
        throw invalidOption(`unknown feedback option "${key}"; it takes ${[...Object.keys(OPTION_LIMITS), 'holdOpen'].join(', ')}`);
      }
    }
    const next = { ...this.settings, ...options };
    for (const [name, max] of Object.entries(OPTION_LIMITS) as Array<[keyof typeof OPTION_LIMITS, number]>) {
      const value = next[name];
      if (!Number.isInteger(value) || value < 0 || value > max) {
        throw invalidOption(`feedback ${name} must be an integer from 0 to ${max}, got ${JSON.stringify(value)}`);
      }
    }
    if (typeof next.holdOpen !== 'boolean') throw invalidOption('feedback holdOpen must be true or false');
    this.settings = next;
  }

  /** Checks and queues tuples for a topic; throws APNS_ERR_INVALID_FEEDBACK naming the bad one. */
  add(tuples: readonly FeedbackTupleInput[], topic: string): void {
    if (!Array.isArray(tuples)) {
      throw new MockServerError('APNS_ERR_INVALID_FEEDBACK', 'feedback must be an array such as [{"token":"<64 hex digits>","timestamp":1700000000}]');
    }
    const checked = tuples.map((tuple, index) => checkTuple(tuple, index));
    let queue = this.queues.get(topic);
    if (!queue) {
      queue = [];
      this.queues.set(topic, queue);
    }
    for (const tuple of checked) queue.push(tuple);
  }

  /** The tuples still queued for a topic. */
  list(topic: string): QueuedFeedback[] {
    return [...(this.queues.get(topic) ?? [])];
  }

  get queued(): number {
    let count = 0;
    for (const queue of this.queues.values()) count += queue.length;
    return count;
  }

  /** Takes the topic's list (it is cleared once read) as the bytes to write. */
  take(topic: string): { bytes: Buffer; count: number } {
    const queue = this.queues.get(topic) ?? [];
    this.queues.delete(topic);
    // One buffer for the whole list: `timestamp u32 | token length u16 | token`, back to back.
    const tupleLength = FEEDBACK_HEADER_LENGTH + TOKEN_LENGTH;
    const bytes = Buffer.allocUnsafe(queue.length * tupleLength);
    let offset = 0;
    for (const tuple of queue) {
      bytes.writeUInt32BE(tuple.timestamp, offset);
      bytes.writeUInt16BE(TOKEN_LENGTH, offset + 4);
      bytes.write(tuple.token, offset + FEEDBACK_HEADER_LENGTH, TOKEN_LENGTH, 'hex');
      offset += tupleLength;
    }
    return { bytes, count: queue.length };
  }

  clear(): void {
    this.queues.clear();
  }
}

function checkTuple(tuple: FeedbackTupleInput, index: number): StoredTuple {
  try {
    if (tuple === null || typeof tuple !== 'object') throw new Error('not an object');
    // Plain 64-digit hex (the usual case, and a million of them in big lists) skips the general parser.
    const token =
      typeof tuple.token === 'string' && PLAIN_HEX_TOKEN.test(tuple.token) ? tuple.token.toLowerCase() : formatToken(parseToken(tuple.token));
    const timestamp = tuple.timestamp instanceof Date ? Math.floor(tuple.timestamp.getTime() / 1000) : tuple.timestamp;
    if (!Number.isInteger(timestamp) || timestamp < 0 || timestamp > MAX_U32) {
      throw new Error(`timestamp must be UNIX seconds from 0 to ${MAX_U32} or a Date, got ${JSON.stringify(tuple.timestamp)}`);
    }
    return { token, timestamp };
  } catch (error) {
    throw new MockServerError(
      'APNS_ERR_INVALID_FEEDBACK',
      `feedback tuple ${index} must be {"token":"<64 hex digits>","timestamp":<UNIX seconds>}: ${(error as Error).message}`,
    );
  }
}

/** Writes the list to one connection, in chunks if asked, then closes unless told to hold it open. */
export function serveFeedback(
  socket: TLSSocket,
  bytes: Buffer,
  options: Required<FeedbackServiceOptions>,
  closeGraceMs: number,
  /** Called once the whole list was written and the connection ended. */
  onServed: () => void,
): void {
  const timers = new Set<NodeJS.Timeout>();
  socket.on('close', () => {
    for (const timer of timers) clearTimeout(timer);
  });
  const later = (ms: number, action: () => void): void => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      if (!socket.destroyed) action();
    }, ms);
    timers.add(timer);
  };
  const finish = (): void => {
    if (options.holdOpen) return;
    onServed();
    socket.end();
    later(closeGraceMs, () => socket.destroy());
  };
  if (options.chunkSize === 0 || bytes.length <= options.chunkSize) {
    if (bytes.length > 0) socket.write(bytes);
    finish();
    return;
  }
  const writeFrom = (offset: number): void => {
    socket.write(bytes.subarray(offset, offset + options.chunkSize));
    const next = offset + options.chunkSize;
    if (next < bytes.length) later(options.chunkDelayMs, () => writeFrom(next));
    else finish();
  };
  writeFrom(0);
}
