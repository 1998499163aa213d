import { parseAddress, resolveCredentials, type Address, type ApnsTlsOptions, type ResolvedCredentials } from '@apnskit/tls';
import { FEEDBACK_PORT } from './addresses.js';
import type { ConnectionSettings } from './connection.js';
import { ApnsFeedbackError } from './errors.js';
import { FeedbackIterator, type FeedbackEntry, type FeedbackReadState, type MutableReadState } from './iterator.js';

export type { FeedbackEntry, FeedbackReadState } from './iterator.js';

export interface FeedbackOptions {
  /** Ends the read when no byte arrives for this long (servers were seen to hold the connection open). Default 10000. */
  readonly idleTimeoutMs?: number;
  /** Fails the read when the TLS handshake takes longer. Default 15000. */
  readonly connectTimeoutMs?: number;
  /**
   * Fails the whole read (APNS_ERR_FEEDBACK_TIMEOUT, after the tuples read so far) when it has not
   * ended after this long: a guard against a server that streams forever. Default: no limit.
   */
  readonly readTimeoutMs?: number;
  /** Cancels the read: the iteration throws APNS_ERR_FEEDBACK_ABORTED and the connection closes. */
  readonly signal?: AbortSignal;
  /** Tuples held for a slow consumer before reading pauses. Default 4096. */
  readonly highWaterMark?: number;
  /** Longest token accepted; longer ones are APNS_ERR_FEEDBACK_TOKEN_LENGTH. Default 32. */
  readonly maxTokenLength?: number;
}

/** A single-use, lazy read of the feedback list: connects on the first `next()`. */
export interface FeedbackReader extends AsyncIterable<FeedbackEntry> {
  readonly state: FeedbackReadState;
}

export const DEFAULT_IDLE_TIMEOUT_MS = 10_000;
export const DEFAULT_CONNECT_TIMEOUT_MS = 15_000;
export const DEFAULT_HIGH_WATER_MARK = 4096;
const DEFAULT_MAX_TOKEN_LENGTH = 32;
const MAX_TIMEOUT_MS = 2_147_483_647;

/**
 * Reads the feedback list as an async iterable of `{ token, timestamp }`, tuple by tuple as they
 * arrive. Ends when the server closes or after `idleTimeoutMs` without data; breaking out of the
 * loop closes the connection. Credentials are checked now (throws ApnsTlsError); connection
 * problems surface from the iteration as ApnsFeedbackError, after every complete tuple before them.
 */
export function feedback(
  address: Address | string,
  tlsOptions: ApnsTlsOptions | ResolvedCredentials,
  options: FeedbackOptions = {},
): FeedbackReader {
  const target = typeof address === 'string' ? parseAddress(address, FEEDBACK_PORT) : checkAddress(address);
  const settings = checkOptions(options);
  const credentials = resolveCredentials(tlsOptions);
  const state: MutableReadState = { received: 0, endReason: undefined };
  let started = false;
  return {
    state,
    [Symbol.asyncIterator]() {
      if (started) {
        throw new ApnsFeedbackError(
          'APNS_ERR_FEEDBACK_ALREADY_READ',
          'this feedback reader was already read; call feedback(...) again for a new read (the server clears its list once read)',
        );
      }
      started = true;
      return new FeedbackIterator(target, credentials, settings, options.signal, state);
    },
  };
}

function checkAddress(address: Address): Address {
  if (address === null || typeof address !== 'object' || typeof address.host !== 'string' || !Number.isInteger(address.port)) {
    throw invalid(`address must be "HOST:PORT" or { host, port }, e.g. feedbackAddress('sandbox')`);
  }
  return { host: address.host, port: address.port };
}

function checkOptions(options: FeedbackOptions): ConnectionSettings {
  if (options === null || typeof options !== 'object') throw invalid('options must be an object');
  if (options.signal !== undefined && !(options.signal instanceof AbortSignal)) throw invalid('signal must be an AbortSignal');
  return {
    idleTimeoutMs: positive('idleTimeoutMs', options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS, MAX_TIMEOUT_MS),
    connectTimeoutMs: positive('connectTimeoutMs', options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS, MAX_TIMEOUT_MS),
    readTimeoutMs: options.readTimeoutMs === undefined ? undefined : positive('readTimeoutMs', options.readTimeoutMs, MAX_TIMEOUT_MS),
    highWaterMark: positive('highWaterMark', options.highWaterMark ?? DEFAULT_HIGH_WATER_MARK, Number.MAX_SAFE_INTEGER),
    maxTokenLength: positive('maxTokenLength', options.maxTokenLength ?? DEFAULT_MAX_TOKEN_LENGTH, 0xffff),
  };
}

function positive(name: string, value: number, max: number): number {
  if (!Number.isInteger(value) || value < 1 || value > max) throw invalid(`${name} must be an integer from 1 to ${max}, got ${String(value)}`);
  return value;
}

function invalid(message: string): ApnsFeedbackError {
  return new ApnsFeedbackError('APNS_ERR_FEEDBACK_INVALID_OPTION', message);
}

/** Reads the whole list into an array (for lists that fit in memory). */
export async function readFeedback(
  address: Address | string,
  tlsOptions: ApnsTlsOptions | ResolvedCredentials,
  options: FeedbackOptions = {},
): Promise<FeedbackEntry[]> {
  const entries: FeedbackEntry[] = [];
  for await (const entry of feedback(address, tlsOptions, options)) entries.push(entry);
  return entries;
}
