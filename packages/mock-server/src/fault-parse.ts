import { Status, TOKEN_LENGTH, formatToken, isValidToken, parseToken } from '@apnskit/codec';
import { isDeviceTokenHex, isKnownReason } from '@apnskit/codec/http2';
import { MockServerError } from './errors.js';
import { FAULT_TYPES, type Fault, type FaultType } from './fault-types.js';

/** Every field each fault type takes, beyond `type`. */
const FIELDS: Readonly<Record<FaultType, readonly string[]>> = {
  'reject-token': ['token', 'status', 'reason', 'feedback', 'repeat', 'connection'],
  'reject-nth': ['n', 'status', 'reason', 'repeat', 'connection'],
  'reject-random': ['p', 'status', 'reason', 'seed', 'repeat', 'connection'],
  'shutdown-after': ['n', 'repeat', 'connection'],
  'close-after': ['n', 'repeat', 'connection'],
  'reset-after': ['n', 'repeat', 'connection'],
  'delay-error': ['ms', 'repeat', 'connection'],
  'split-error': ['gapMs', 'repeat', 'connection'],
  'zero-id': ['repeat', 'connection'],
  'stall-reads': ['ms', 'n', 'repeat', 'connection'],
  'refuse-connections': ['count', 'repeat'],
  'drop-connections': ['count', 'repeat'],
  'delay-answer': ['ms', 'maxMs', 'repeat', 'connection'],
  'no-answer': ['repeat', 'connection'],
  'rst-stream': ['code', 'repeat', 'connection'],
  'goaway-after': ['n', 'reason', 'errorCode', 'lastStreamId', 'repeat', 'connection'],
  'close-mid-stream': ['n', 'repeat', 'connection'],
  'too-many-requests': ['k', 'windowMs', 'connection'],
  'narrow-after-rejection': ['connection'],
  'idle-timeout': ['ms'],
  'ignore-ping': ['repeat'],
};

/**
 * Longest device token a fault may name. HTTP/2 tokens have no fixed length (Apple: do not assume
 * one); this bound only keeps 10,000 scripted faults small.
 */
const MAX_FAULT_TOKEN_BYTES = 1024;

/** Longest delay a fault may ask for: a stuck test is worse than a refused fault. */
const MAX_DELAY_MS = 600_000;

function invalid(message: string): MockServerError {
  return new MockServerError('APNS_ERR_INVALID_FAULT', message);
}

function integerField(record: Record<string, unknown>, name: string, min: number, max: number, type: string): void {
  const value = record[name];
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw invalid(`${type}: "${name}" must be an integer from ${min} to ${max}, got ${JSON.stringify(value)}`);
  }
}

function required(record: Record<string, unknown>, name: string, type: string): void {
  if (record[name] === undefined) throw invalid(`${type}: "${name}" is required`);
}

/**
 * The token of a reject-token fault as lower-case hex. A binary-gateway token (32 bytes) may be
 * written in any form the codec reads; an HTTP/2 token is hex digits in pairs of any length. The
 * feedback service lists 32-byte tokens only, so `feedback` needs one.
 */
function faultToken(record: Record<string, unknown>): string {
  const { token } = record;
  if (typeof token === 'string' && isValidToken(token)) return formatToken(parseToken(token));
  if (typeof token !== 'string' || !isDeviceTokenHex(token) || token.length > MAX_FAULT_TOKEN_BYTES * 2) {
    throw invalid(
      `reject-token: "token" must be hex digits in pairs: 64 for a binary-gateway token (32 bytes), any length up to ${MAX_FAULT_TOKEN_BYTES} bytes for HTTP/2, got ${JSON.stringify(token)}`,
    );
  }
  if (record.feedback === true) {
    throw invalid(`reject-token: "feedback" lists the token on the feedback service, whose tokens are ${TOKEN_LENGTH} bytes; this token has ${token.length / 2}`);
  }
  return token.toLowerCase();
}

/**
 * Checks a fault object from code, JSON or a script file; throws APNS_ERR_INVALID_FAULT naming the
 * field to fix. Returns a frozen copy with the token in lowercase.
 */
export function parseFault(input: unknown): Fault {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw invalid(`a fault must be an object such as {"type":"reject-nth","n":3,"status":8}, got ${JSON.stringify(input)}`);
  }
  const record = input as Record<string, unknown>;
  const type = record.type as FaultType;
  if (!FAULT_TYPES.includes(type)) {
    throw invalid(`unknown fault type ${JSON.stringify(record.type)}; expected one of ${FAULT_TYPES.join(', ')}`);
  }
  const allowed = FIELDS[type];
  for (const key of Object.keys(record)) {
    if (key !== 'type' && !allowed.includes(key)) throw invalid(`${type}: unknown field "${key}"; it takes ${allowed.join(', ')}`);
  }
  if (record.repeat !== undefined && typeof record.repeat !== 'boolean') throw invalid(`${type}: "repeat" must be true or false`);
  if (record.feedback !== undefined && typeof record.feedback !== 'boolean') throw invalid(`${type}: "feedback" must be true or false`);
  integerField(record, 'status', 0, 255, type);
  integerField(record, 'connection', 1, Number.MAX_SAFE_INTEGER, type);
  integerField(record, 'count', 1, Number.MAX_SAFE_INTEGER, type);
  integerField(record, 'seed', 0, 0xffffffff, type);
  integerField(record, 'gapMs', 0, MAX_DELAY_MS, type);
  integerField(record, 'errorCode', 0, 0xffffffff, type);
  // node:http2 sends the last processed stream's id in place of 0.
  integerField(record, 'lastStreamId', 1, 0x7fffffff, type);
  // RST_STREAM codes of RFC 9113 (0 NO_ERROR to 13 HTTP_1_1_REQUIRED).
  integerField(record, 'code', 0, 13, type);
  if (record.reason !== undefined && (typeof record.reason !== 'string' || (type !== 'goaway-after' && !isKnownReason(record.reason)))) {
    throw invalid(`${type}: "reason" must be one of Apple's reasons (e.g. "Unregistered", "InternalServerError"), got ${JSON.stringify(record.reason)}`);
  }
  if (record.status === Status.Shutdown) {
    throw invalid(`${type}: status 10 means "shutdown" and names the last delivered notification: use {"type":"shutdown-after","n":N}`);
  }
  switch (type) {
    case 'reject-token': {
      required(record, 'token', type);
      return Object.freeze({ ...record, token: faultToken(record) }) as Fault;
    }
    case 'reject-random': {
      required(record, 'p', type);
      if (typeof record.p !== 'number' || !(record.p >= 0 && record.p <= 1)) {
        throw invalid(`reject-random: "p" must be a probability from 0 to 1, got ${JSON.stringify(record.p)}`);
      }
      break;
    }
    case 'reject-nth':
    case 'shutdown-after':
    case 'close-after':
    case 'reset-after':
      required(record, 'n', type);
      integerField(record, 'n', 1, Number.MAX_SAFE_INTEGER, type);
      break;
    case 'goaway-after':
      required(record, 'n', type);
      integerField(record, 'n', 1, Number.MAX_SAFE_INTEGER, type);
      break;
    case 'close-mid-stream':
      integerField(record, 'n', 1, Number.MAX_SAFE_INTEGER, type);
      break;
    case 'delay-answer':
      required(record, 'ms', type);
      integerField(record, 'ms', 0, MAX_DELAY_MS, type);
      integerField(record, 'maxMs', 0, MAX_DELAY_MS, type);
      if (record.maxMs !== undefined && (record.maxMs as number) < (record.ms as number)) throw invalid(`delay-answer: "maxMs" must be at least "ms"`);
      break;
    case 'too-many-requests':
      required(record, 'k', type);
      required(record, 'windowMs', type);
      integerField(record, 'k', 0, Number.MAX_SAFE_INTEGER, type);
      integerField(record, 'windowMs', 1, 86_400_000, type);
      break;
    case 'idle-timeout':
      required(record, 'ms', type);
      integerField(record, 'ms', 1, MAX_DELAY_MS, type);
      break;
    case 'stall-reads':
      integerField(record, 'n', 1, Number.MAX_SAFE_INTEGER, type);
      required(record, 'ms', type);
      integerField(record, 'ms', 0, MAX_DELAY_MS, type);
      break;
    case 'delay-error':
      required(record, 'ms', type);
      integerField(record, 'ms', 0, MAX_DELAY_MS, type);
      break;
    default:
      break;
  }
  return Object.freeze({ ...record }) as unknown as Fault;
}
