/** The response side: the JSON body of a failure (also GOAWAY debug data) and how to read one. */
import { Http2Status, reasonInfo, type ReasonInfo } from './reasons.js';

/** The body APNs sends with a failure: `{"reason":"..."}`, and for 410 the time the token was last seen invalid. */
export interface FailureBody {
  readonly reason: string;
  /** Milliseconds since the epoch (410 answers only). */
  readonly timestamp?: number;
}

/** The JSON text of a failure body (or of GOAWAY debug data). */
export function failureBody(reason: string, timestamp?: number): string {
  return timestamp === undefined ? JSON.stringify({ reason }) : JSON.stringify({ reason, timestamp });
}

/** What an answer says, read without trusting it: any status, any (or no) body. */
export interface PushOutcome {
  readonly status: number;
  readonly ok: boolean;
  /** The reason given, '' when none could be read. */
  readonly reason: string;
  readonly timestamp: number | undefined;
  /** What the reason means and what to do about it (unknown reasons included). */
  readonly info: ReasonInfo | undefined;
}

/** Reads a failure body; undefined for anything that is not a JSON object with a string reason. */
export function parseFailureBody(text: string): FailureBody | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined;
  const { reason, timestamp } = parsed as { reason?: unknown; timestamp?: unknown };
  if (typeof reason !== 'string') return undefined;
  return typeof timestamp === 'number' && Number.isFinite(timestamp) ? { reason, timestamp } : { reason };
}

/** Interprets an answer: status and body text (empty for a success). */
export function pushOutcome(status: number, bodyText: string): PushOutcome {
  if (status === Http2Status.Ok) return { status, ok: true, reason: '', timestamp: undefined, info: undefined };
  const body = parseFailureBody(bodyText);
  const reason = body?.reason ?? '';
  return { status, ok: false, reason, timestamp: body?.timestamp, info: reasonInfo(reason, status) };
}
