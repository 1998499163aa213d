import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import type { FeedbackTupleInput } from '@apnskit/codec';
import { MockServerError } from './errors.js';
import { parseFault } from './fault-parse.js';
import { parseShallowJson } from './json-depth.js';
import type { Fault } from './fault-types.js';
import type { FeedbackServiceOptions } from './feedback-service.js';

/** A feedback tuple in a script, optionally for another topic than the server's. */
export interface ScriptFeedbackTuple {
  readonly token: string;
  /** UNIX seconds. */
  readonly timestamp: number;
  readonly topic?: string;
}

/** The JSON script file: faults to arm and feedback to queue when the server starts. */
export interface MockScript {
  readonly faults?: readonly Fault[];
  readonly feedback?: readonly ScriptFeedbackTuple[];
  readonly feedbackOptions?: FeedbackServiceOptions;
}

const SCRIPT_KEYS = ['faults', 'feedback', 'feedbackOptions'];
/** Largest script file read (about 150,000 feedback tuples); a bigger one is refused unread. */
export const MAX_SCRIPT_BYTES = 16 * 1024 * 1024;

function invalid(source: string, message: string, cause?: unknown): MockServerError {
  return new MockServerError('APNS_ERR_INVALID_SCRIPT', `script ${source}: ${message}`, { cause });
}

/** Checks a script object; faults are checked here so a bad one is reported before the server starts. */
export function parseScript(input: unknown, source = '(inline)'): MockScript {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw invalid(source, 'must be a JSON object such as {"faults":[{"type":"reject-nth","n":3,"status":8}],"feedback":[]}');
  }
  const record = input as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (!SCRIPT_KEYS.includes(key)) throw invalid(source, `unknown key "${key}"; it takes ${SCRIPT_KEYS.join(', ')}`);
  }
  const faults = record.faults ?? [];
  const feedback = record.feedback ?? [];
  if (!Array.isArray(faults)) throw invalid(source, '"faults" must be an array of fault objects');
  if (!Array.isArray(feedback)) throw invalid(source, '"feedback" must be an array of {"token","timestamp"} objects');
  const checked = faults.map((fault: unknown, index: number) => {
    try {
      return parseFault(fault);
    } catch (error) {
      throw invalid(source, `faults[${index}]: ${(error as Error).message}`, error);
    }
  });
  const options = record.feedbackOptions;
  if (options !== undefined && (options === null || typeof options !== 'object' || Array.isArray(options))) {
    throw invalid(source, '"feedbackOptions" must be an object such as {"chunkSize":16,"holdOpen":false}');
  }
  return { faults: checked, feedback: feedback as ScriptFeedbackTuple[], feedbackOptions: options as FeedbackServiceOptions | undefined };
}

/**
 * A script file's text: a regular file (not /dev/zero, a FIFO or a directory) of at most
 * MAX_SCRIPT_BYTES, read no further than that even should it grow meanwhile.
 */
function readScriptText(path: string): string {
  const fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) throw new Error('it is not a regular file');
    if (stats.size > MAX_SCRIPT_BYTES) throw new Error(`it has ${stats.size} bytes, over the limit of ${MAX_SCRIPT_BYTES}`);
    const buffer = Buffer.alloc(Math.min(stats.size + 1, MAX_SCRIPT_BYTES + 1));
    let length = 0;
    for (let read = 1; read > 0 && length < buffer.length; length += read) read = readSync(fd, buffer, length, buffer.length - length, null);
    if (length > MAX_SCRIPT_BYTES) throw new Error(`it has over ${MAX_SCRIPT_BYTES} bytes, the limit`);
    return buffer.toString('utf8', 0, length);
  } finally {
    closeSync(fd);
  }
}

/** Reads and checks a script file. */
export function loadScript(path: string): MockScript {
  let text: string;
  try {
    text = readScriptText(path);
  } catch (error) {
    throw invalid(path, `cannot be read: ${(error as Error).message}`, error);
  }
  let parsed: unknown;
  try {
    parsed = parseShallowJson(text, 'the script');
  } catch (error) {
    throw invalid(path, `is not valid JSON: ${(error as Error).message}`, error);
  }
  return parseScript(parsed, path);
}

/** The script's feedback tuples grouped by topic (tuples without one go to `defaultTopic`). */
export function feedbackByTopic(tuples: readonly ScriptFeedbackTuple[], defaultTopic: string): Map<string, FeedbackTupleInput[]> {
  const byTopic = new Map<string, FeedbackTupleInput[]>();
  for (const tuple of tuples) {
    const topic = tuple && typeof tuple === 'object' && typeof tuple.topic === 'string' ? tuple.topic : defaultTopic;
    const list = byTopic.get(topic) ?? [];
    list.push(tuple);
    byTopic.set(topic, list);
  }
  return byTopic;
}
