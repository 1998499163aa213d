import { PayloadLimit, type FeedbackTupleInput } from '@apnskit/codec';
import type { ApnsEnvironment } from '@apnskit/tls';
import { MockServerError } from './errors.js';
import { DEFAULT_LISTENER_LIMITS } from './listener-limits.js';
import type { FeedbackServiceOptions } from './feedback-service.js';
import type { Fault } from './fault-types.js';
import type { MockScript } from './script.js';

export interface MockServerOptions {
  /** Loopback address to listen on. Default '127.0.0.1' (use '::1' for IPv6). */
  readonly host?: string;
  /** Default 0: a free port. The CLI defaults to 2195. */
  readonly gatewayPort?: number;
  /** Default 0: a free port. The CLI defaults to 2196. */
  readonly feedbackPort?: number;
  /** HTTP/2 provider API port. Default 0: a free port. The CLI defaults to 2197. */
  readonly http2Port?: number;
  /** SETTINGS_MAX_CONCURRENT_STREAMS of an HTTP/2 connection once authenticated (a token connection has 1 before). Default 1000. */
  readonly http2MaxConcurrentStreams?: number;
  /** Reason answered for a provider token whose key is restricted to the other environment. Default Apple's spelling. */
  readonly environmentKeyReason?: 'BadEnvironmentKeyIdInToken' | 'BadEnvironmentKeyInToken';
  /** The mock's clock in milliseconds since the epoch (token ages, 410 timestamps). Default Date.now; `POST /clock` shifts it. */
  readonly clock?: () => number;
  /** Start the HTTP control API on this port (0: a free one). Default: no control API. */
  readonly controlPort?: number;
  /** Topic (bundle id) of the client certificates: their subject UID. Default 'com.example.app'. */
  readonly topic?: string;
  /** Directory for the certificate files, reused while valid. Default: a temporary directory. */
  readonly certsDir?: string;
  /** Passphrase of the .p12 files. Default 'apnskit-mock'. */
  readonly p12Passphrase?: string;
  /** Seed of the generator behind reject-random faults. Default 1. */
  readonly seed?: number;
  /** Largest payload accepted; larger ones get status 7. Default 2048. */
  readonly payloadLimit?: number;
  /** Which environment this server plays. Default 'sandbox'. */
  readonly environment?: ApnsEnvironment;
  /**
   * Apple's quirk: a client certificate without this environment's push OID completes the handshake
   * and is closed at once, with no error packet. Default false (any certificate of the CA is served).
   */
  readonly enforceEnvironment?: boolean;
  /** How long a connection being closed may still send (read and dropped) before it is destroyed. Default 1000 ms. */
  readonly closeGraceMs?: number;
  /** A connection idle for this long with half a notification buffered is closed. Default 10000 ms. */
  readonly partialFrameTimeoutMs?: number;
  /**
   * Most simultaneous connections per listener (gateway, feedback, control API). At the cap a new
   * connection evicts the oldest one still in its TLS handshake, else it is refused. Default 256.
   */
  readonly maxConnections?: number;
  /** A connection that has not completed its TLS handshake (or sent its HTTP request headers) in this long is closed. Default 10000 ms. */
  readonly handshakeTimeoutMs?: number;
  /** A connection with no bytes either way for this long is closed. Default 300000 ms. */
  readonly idleTimeoutMs?: number;
  /** Control API: requests must carry `Authorization: Bearer <token>`. Default: no token needed. */
  readonly controlToken?: string;
  /** Control API: largest request body, in bytes; larger ones get 413. Default 16 MiB. */
  readonly maxBodyBytes?: number;
  /** Feedback service behaviour. */
  readonly feedback?: FeedbackServiceOptions;
  /** Faults scripted from the start. */
  readonly faults?: readonly Fault[];
  /** Feedback tuples queued from the start (for the server's topic). */
  readonly feedbackTuples?: readonly FeedbackTupleInput[];
  /** A script (file path or object, see the README) applied at start, after `faults` and `feedbackTuples`. */
  readonly script?: string | MockScript;
}

type OptionalOptions = 'controlPort' | 'certsDir' | 'faults' | 'feedbackTuples' | 'feedback' | 'script' | 'controlToken' | 'clock';
export type ResolvedOptions = Required<Omit<MockServerOptions, OptionalOptions>> & Pick<MockServerOptions, OptionalOptions>;

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);
/** Control API body limit: about 150,000 feedback tuples; send bigger lists in several requests. */
export const DEFAULT_MAX_BODY_BYTES = 16 * 1024 * 1024;
const MAX_BODY_BYTES_LIMIT = 1024 * 1024 * 1024;
/** A bearer token is sent in a header: visible ASCII, and long enough not to be guessed. */
const TOKEN_PATTERN = /^[\x21-\x7e]{16,512}$/;

function checkToken(token: string | undefined): string | undefined {
  if (token === undefined) return undefined;
  if (typeof token !== 'string' || !TOKEN_PATTERN.test(token)) throw bad('controlToken must be 16 to 512 visible ASCII characters (no spaces)');
  return token;
}

function bad(message: string): MockServerError {
  return new MockServerError('APNS_ERR_INVALID_OPTION', message);
}

function integer(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) throw bad(`${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(value)}`);
  return value;
}

export function resolveOptions(options: MockServerOptions): ResolvedOptions {
  if (options === null || typeof options !== 'object') throw bad('options must be an object');
  const host = options.host ?? '127.0.0.1';
  if (!LOOPBACK.has(host)) throw bad(`host must be a loopback address (127.0.0.1, ::1 or localhost), got ${JSON.stringify(host)}`);
  const environment = options.environment ?? 'sandbox';
  if (environment !== 'sandbox' && environment !== 'production') throw bad(`environment must be 'sandbox' or 'production'`);
  if (options.controlPort !== undefined) integer('controlPort', options.controlPort, 0, 65535);
  const environmentKeyReason = options.environmentKeyReason ?? 'BadEnvironmentKeyIdInToken';
  if (environmentKeyReason !== 'BadEnvironmentKeyIdInToken' && environmentKeyReason !== 'BadEnvironmentKeyInToken') {
    throw bad(`environmentKeyReason must be 'BadEnvironmentKeyIdInToken' or 'BadEnvironmentKeyInToken'`);
  }
  if (options.clock !== undefined && typeof options.clock !== 'function') throw bad('clock must be a function returning milliseconds since the epoch');
  return {
    ...options,
    host,
    gatewayPort: integer('gatewayPort', options.gatewayPort ?? 0, 0, 65535),
    feedbackPort: integer('feedbackPort', options.feedbackPort ?? 0, 0, 65535),
    http2Port: integer('http2Port', options.http2Port ?? 0, 0, 65535),
    http2MaxConcurrentStreams: integer('http2MaxConcurrentStreams', options.http2MaxConcurrentStreams ?? 1000, 1, 0x7fffffff),
    environmentKeyReason,
    topic: options.topic ?? 'com.example.app',
    p12Passphrase: options.p12Passphrase ?? 'apnskit-mock',
    seed: integer('seed', options.seed ?? 1, 0, 0xffffffff),
    payloadLimit: integer('payloadLimit', options.payloadLimit ?? PayloadLimit.Default, 1, 0xffff),
    environment,
    enforceEnvironment: options.enforceEnvironment ?? false,
    closeGraceMs: integer('closeGraceMs', options.closeGraceMs ?? 1000, 0, 600_000),
    partialFrameTimeoutMs: integer('partialFrameTimeoutMs', options.partialFrameTimeoutMs ?? 10_000, 1, 3_600_000),
    maxConnections: integer('maxConnections', options.maxConnections ?? DEFAULT_LISTENER_LIMITS.maxConnections, 1, 100_000),
    handshakeTimeoutMs: integer('handshakeTimeoutMs', options.handshakeTimeoutMs ?? DEFAULT_LISTENER_LIMITS.handshakeTimeoutMs, 1, 3_600_000),
    idleTimeoutMs: integer('idleTimeoutMs', options.idleTimeoutMs ?? DEFAULT_LISTENER_LIMITS.idleTimeoutMs, 1, 86_400_000),
    maxBodyBytes: integer('maxBodyBytes', options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES, 1, MAX_BODY_BYTES_LIMIT),
    controlToken: checkToken(options.controlToken),
  };
}
