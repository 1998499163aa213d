/** The HTTP/2 faults' decisions: what happens to a stream and to its connection. */
import type { ActiveFault, FaultSet } from '../fault-set.js';
import type { Fault } from '../fault-types.js';
import { seededRandom } from '../random.js';

/** How a stream is answered. */
export type StreamFate =
  | { readonly kind: 'answer'; readonly delayMs: number }
  | { readonly kind: 'no-answer' }
  | { readonly kind: 'rst'; readonly code: number }
  | { readonly kind: 'close' };

export interface GoawayPlan {
  readonly errorCode: number;
  readonly lastStreamId: number;
  /** JSON debug data `{"reason":...}`; none when undefined. */
  readonly reason: string | undefined;
}

/** RST_STREAM INTERNAL_ERROR: the default code of an rst-stream fault. */
const INTERNAL_ERROR = 2;
/** Tokens whose recent pushes are tracked for too-many-requests, at most. */
const TRACKED_TOKENS = 10_000;

function appliesTo(active: ActiveFault, connection: number): boolean {
  const fault = active.fault as { connection?: number };
  return fault.connection === undefined || fault.connection === connection;
}

export class StreamFaults {
  private readonly random: () => number;
  /** Push times per device token, for too-many-requests. */
  private readonly recentPushes = new Map<string, number[]>();

  constructor(
    private readonly faults: FaultSet,
    seed: number,
  ) {
    this.random = seededRandom(seed);
  }

  get any(): boolean {
    return this.faults.streaming.length > 0;
  }

  /** Counts an arriving stream for goaway-after and close-mid-stream; says what the connection does. */
  onArrival(connection: number, streamId: number): { goaway: GoawayPlan | undefined; close: boolean } {
    let goaway: GoawayPlan | undefined;
    let close = false;
    const fired: ActiveFault[] = [];
    for (const active of this.faults.streaming) {
      const { fault } = active;
      if ((fault.type !== 'goaway-after' && fault.type !== 'close-mid-stream') || !appliesTo(active, connection)) continue;
      if (++active.seen < (fault.n ?? 1)) continue;
      fired.push(active);
      if (fault.type === 'goaway-after') {
        goaway ??= { errorCode: fault.errorCode ?? 0, lastStreamId: fault.lastStreamId ?? streamId, reason: fault.reason };
      } else {
        close = true;
      }
    }
    for (const active of fired) this.faults.fire(active);
    return { goaway, close };
  }

  /** Consumes the answer faults that apply to the next answer on `connection`. */
  fate(connection: number): StreamFate {
    let fate: StreamFate = { kind: 'answer', delayMs: 0 };
    const fired: ActiveFault[] = [];
    for (const active of this.faults.streaming) {
      const { fault } = active;
      if (!appliesTo(active, connection)) continue;
      if (fault.type === 'no-answer') fate = { kind: 'no-answer' };
      else if (fault.type === 'rst-stream' && fate.kind === 'answer') fate = { kind: 'rst', code: fault.code ?? INTERNAL_ERROR };
      else if (fault.type === 'delay-answer' && fate.kind === 'answer') fate = { kind: 'answer', delayMs: fate.delayMs + this.delayOf(fault) };
      else continue;
      fired.push(active);
    }
    for (const active of fired) this.faults.fire(active);
    return fate;
  }

  /** Whether this push is over a too-many-requests fault's K pushes to `token` within its window. */
  tooManyRequests(connection: number, token: string, now: number): boolean {
    const active = this.first('too-many-requests', connection);
    if (!active) return false;
    const fault = active.fault as Extract<Fault, { type: 'too-many-requests' }>;
    let times = this.recentPushes.get(token);
    if (!times) {
      if (this.recentPushes.size >= TRACKED_TOKENS) this.recentPushes.delete(this.recentPushes.keys().next().value!);
      times = [];
      this.recentPushes.set(token, times);
    }
    while (times.length > 0 && now - times[0]! >= fault.windowMs) times.shift();
    times.push(now);
    // Keep at most K+1 times: enough to judge the window, bounded whatever the client sends.
    if (times.length > fault.k + 1) times.shift();
    if (times.length <= fault.k) return false;
    active.fired++;
    return true;
  }

  narrowsAfterRejection(connection: number): boolean {
    return this.first('narrow-after-rejection', connection) !== undefined;
  }

  /** Whether a new connection ignores PING (consumes an ignore-ping fault). */
  ignoresPing(): boolean {
    const active = this.first('ignore-ping', 0);
    if (active) this.faults.fire(active);
    return active !== undefined;
  }

  /** The idle time after which a connection gets GOAWAY IdleTimeout, if a fault says so. */
  idleTimeoutMs(): number | undefined {
    const active = this.first('idle-timeout', 0);
    return active ? (active.fault as Extract<Fault, { type: 'idle-timeout' }>).ms : undefined;
  }

  /** Counts a firing of a standing fault that the caller acted on (idle-timeout). */
  firedIdleTimeout(): void {
    const active = this.first('idle-timeout', 0);
    if (active) active.fired++;
  }

  clear(): void {
    this.recentPushes.clear();
  }

  private first(type: Fault['type'], connection: number): ActiveFault | undefined {
    for (const active of this.faults.streaming) if (active.fault.type === type && (connection === 0 || appliesTo(active, connection))) return active;
    return undefined;
  }

  private delayOf(fault: Extract<Fault, { type: 'delay-answer' }>): number {
    if (fault.maxMs === undefined) return fault.ms;
    return fault.ms + Math.floor(this.random() * (fault.maxMs - fault.ms + 1));
  }
}
