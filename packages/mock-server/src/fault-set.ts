import { Status, TOKEN_LENGTH, type ScannedNotification } from '@apnskit/codec';
import { reasonForBinaryStatus } from '@apnskit/codec/http2';
import { MockServerError } from './errors.js';
import { parseFault } from './fault-parse.js';
import type { Fault, FaultState } from './fault-types.js';
import { seededRandom } from './random.js';

/** What to do with a notification before it is accepted. */
export interface RejectDecision {
  readonly status: number;
  readonly feedback: boolean;
  readonly reason: string;
  /** What HTTP/2 answers: the fault's `reason`, else the reason meaning `status`. */
  readonly h2Reason: string;
}

/** What to do with a connection after it accepted a notification. */
export type AfterAcceptAction =
  | { readonly kind: 'shutdown' }
  | { readonly kind: 'close' }
  | { readonly kind: 'reset' }
  | { readonly kind: 'stall'; readonly ms: number };

/** How to write the next error response. */
export interface ResponseStyle {
  readonly delayMs: number;
  /** Milliseconds between the two halves, or undefined for one write. */
  readonly splitGapMs: number | undefined;
  readonly zeroId: boolean;
}

const DEFAULT_SPLIT_GAP_MS = 20;

/** The bucket of a token: its first four bytes (all of it when shorter), read without making hex. */
function bucketKey(bytes: Buffer, offset: number, length: number): number {
  return length >= 4 ? bytes.readUInt32BE(offset) : length === 0 ? 0 : bytes.readUIntBE(offset, length);
}

/** A scripted fault and its counters (read by the HTTP/2 stream faults). */
export class ActiveFault {
  fired = 0;
  /** Notifications counted towards `n`. */
  seen = 0;
  /** For reject-token: the token bytes, compared without making hex. */
  readonly token: Buffer | undefined;
  readonly random: (() => number) | undefined;

  constructor(
    readonly id: number,
    readonly fault: Fault,
    seed: number,
  ) {
    // parseFault leaves the token as lower-case hex pairs: 32 bytes for the binary gateway, any length for HTTP/2.
    this.token = fault.type === 'reject-token' ? Buffer.from(fault.token, 'hex') : undefined;
    this.random = fault.type === 'reject-random' ? seededRandom(fault.seed ?? seed) : undefined;
  }

  appliesTo(connection: number): boolean {
    return !('connection' in this.fault) || this.fault.connection === undefined || this.fault.connection === connection;
  }
}

/**
 * The scripted faults and the decisions they make. Kept in lists by the moment they act so that
 * a notification with no fault scripted costs one length check.
 */
/** Most faults scripted at once (each is checked on every notification that could match it). */
export const MAX_FAULTS = 10_000;

export class FaultSet {
  private nextId = 1;
  private seedCounter: number;
  /** reject-token faults, also indexed by their token's first four bytes. */
  private tokenFaults: ActiveFault[] = [];
  private tokenBuckets = new Map<number, ActiveFault[]>();
  /** reject-nth and reject-random. */
  private rejecting: ActiveFault[] = [];
  private afterAccept: ActiveFault[] = [];
  private responding: ActiveFault[] = [];
  private connecting: ActiveFault[] = [];
  /** HTTP/2 stream and connection faults, read by the HTTP/2 service. */
  private streamingFaults: ActiveFault[] = [];

  constructor(private readonly seed: number) {
    this.seedCounter = seed;
  }

  get hasRejectFaults(): boolean {
    return this.rejecting.length > 0 || this.tokenFaults.length > 0;
  }

  /** The HTTP/2 faults (delay-answer ... idle-timeout), in the order added. */
  get streaming(): readonly ActiveFault[] {
    return this.streamingFaults;
  }

  get hasAfterAcceptFaults(): boolean {
    return this.afterAccept.length > 0;
  }

  /** How many faults are scripted. */
  get size(): number {
    return this.lists().reduce((total, list) => total + list.length, 0);
  }

  /** Checks and adds a fault; returns its id (for `remove`). */
  add(input: Fault): number {
    this.checkRoom(1);
    const fault = parseFault(input);
    // Each random fault gets its own generator, derived from the server's seed in the order added.
    const active = new ActiveFault(this.nextId++, fault, this.seedCounter++);
    this.listFor(fault).push(active);
    if (active.token) {
      const key = bucketKey(active.token, 0, active.token.length);
      const bucket = this.tokenBuckets.get(key);
      if (bucket) bucket.push(active);
      else this.tokenBuckets.set(key, [active]);
    }
    return active.id;
  }

  /** Checks every fault first, then adds them all (none when one is bad). */
  addAll(inputs: readonly Fault[]): number[] {
    this.checkRoom(inputs.length);
    const faults = inputs.map((input) => parseFault(input));
    return faults.map((fault) => this.add(fault));
  }

  /** Bounded memory: a script or request cannot arm more than MAX_FAULTS faults in all. */
  private checkRoom(adding: number): void {
    const scripted = this.size;
    if (scripted + adding > MAX_FAULTS) {
      throw new MockServerError('APNS_ERR_TOO_MANY_FAULTS', `at most ${MAX_FAULTS} faults may be scripted at once; ${scripted} are, ${adding} more were given`);
    }
  }

  remove(id: number): boolean {
    const active = this.lists()
      .flat()
      .find((candidate) => candidate.id === id);
    if (!active) return false;
    this.removeActive(active);
    return true;
  }

  clear(): void {
    this.tokenFaults = [];
    this.tokenBuckets.clear();
    this.rejecting = [];
    this.afterAccept = [];
    this.responding = [];
    this.connecting = [];
    this.streamingFaults = [];
    this.seedCounter = this.seed;
  }

  /** The faults still scripted, in the order added. */
  list(): FaultState[] {
    return this.lists()
      .flat()
      .sort((a, b) => a.id - b.id)
      .map(({ id, fault, fired }) => ({ id, fault, fired }));
  }

  /**
   * Whether a well-formed notification is rejected, and how. Token faults are looked up first
   * (by the token's first bytes, without making hex); a notification they reject is not counted
   * by reject-nth or reject-random.
   */
  beforeAccept(notification: Pick<ScannedNotification, 'source' | 'tokenOffset'>, connection: number): RejectDecision | undefined {
    // Binary notifications always carry 32-byte tokens: a fault naming another length never matches them.
    return this.tokenRejection(notification.source, notification.tokenOffset, TOKEN_LENGTH, connection) ?? this.countedRejection(connection);
  }

  /** The same decision for an HTTP/2 push, whose device token may have any length. */
  beforeAcceptToken(token: Buffer, connection: number): RejectDecision | undefined {
    return this.tokenRejection(token, 0, token.length, connection) ?? this.countedRejection(connection);
  }

  /** A reject-token fault naming exactly the `length` bytes at `offset` of `source`. */
  private tokenRejection(source: Buffer, offset: number, length: number, connection: number): RejectDecision | undefined {
    if (this.tokenFaults.length === 0) return undefined;
    const bucket = this.tokenBuckets.get(bucketKey(source, offset, length));
    if (!bucket) return undefined;
    for (const active of bucket) {
      const token = active.token!;
      if (token.length !== length || !active.appliesTo(connection) || source.compare(token, 0, length, offset, offset + length) !== 0) continue;
      return this.rejection(active);
    }
    return undefined;
  }

  /** reject-nth and reject-random: they count notifications no token fault rejected. */
  private countedRejection(connection: number): RejectDecision | undefined {
    for (const active of this.rejecting) {
      if (!active.appliesTo(connection)) continue;
      const { fault } = active;
      const hit = fault.type === 'reject-nth' ? ++active.seen === fault.n : active.random!() < (fault as { p: number }).p;
      if (hit) return this.rejection(active);
    }
    return undefined;
  }

  private rejection(active: ActiveFault): RejectDecision {
    const { fault } = active;
    this.fire(active);
    const status = 'status' in fault && fault.status !== undefined ? fault.status : Status.InvalidToken;
    const named = 'reason' in fault ? fault.reason : undefined;
    return {
      status,
      feedback: fault.type === 'reject-token' && fault.feedback === true,
      reason: `fault ${active.id} (${fault.type})`,
      h2Reason: named ?? reasonForBinaryStatus(status) ?? 'InternalServerError',
    };
  }

  /** What the connection does after accepting a notification, if a fault says so. */
  afterAccepted(connection: number): AfterAcceptAction | undefined {
    let action: AfterAcceptAction | undefined;
    let fired: ActiveFault | undefined;
    for (const active of this.afterAccept) {
      if (!active.appliesTo(connection)) continue;
      const { fault } = active;
      const n = 'n' in fault && fault.n !== undefined ? fault.n : 1;
      if (++active.seen < n || fired) continue;
      fired = active;
      switch (fault.type) {
        case 'shutdown-after':
          action = { kind: 'shutdown' };
          break;
        case 'close-after':
          action = { kind: 'close' };
          break;
        case 'reset-after':
          action = { kind: 'reset' };
          break;
        default:
          action = { kind: 'stall', ms: fault.type === 'stall-reads' ? fault.ms : 0 };
      }
    }
    // Fired after the loop: firing may remove it from the list being walked.
    if (fired) this.fire(fired);
    return action;
  }

  /** Consumes the response faults that apply to this error response. */
  responseStyle(connection: number): ResponseStyle {
    let delayMs = 0;
    let splitGapMs: number | undefined;
    let zeroId = false;
    for (const active of [...this.responding]) {
      if (!active.appliesTo(connection)) continue;
      const { fault } = active;
      if (fault.type === 'delay-error') delayMs = Math.max(delayMs, fault.ms);
      else if (fault.type === 'split-error') splitGapMs = fault.gapMs ?? DEFAULT_SPLIT_GAP_MS;
      else zeroId = true;
      this.fire(active);
    }
    return { delayMs, splitGapMs, zeroId };
  }

  /** 'refuse' (before the handshake) or 'drop' (after it) for a new connection, if a fault says so. */
  connectionFate(stage: 'tcp' | 'secure'): boolean {
    const type = stage === 'tcp' ? 'refuse-connections' : 'drop-connections';
    const active = this.connecting.find((candidate) => candidate.fault.type === type);
    if (!active) return false;
    const count = 'count' in active.fault && active.fault.count !== undefined ? active.fault.count : 1;
    active.fired++;
    if (!isRepeating(active.fault) && active.fired >= count) this.removeActive(active);
    return true;
  }

  /** Counts a firing; a fault without `repeat` is then removed (standing faults stay). */
  fire(active: ActiveFault): void {
    active.fired++;
    active.seen = 0;
    if (!isRepeating(active.fault)) this.removeActive(active);
  }

  private removeActive(active: ActiveFault): void {
    const list = this.listFor(active.fault);
    list.splice(list.indexOf(active), 1);
    if (active.token) {
      const key = bucketKey(active.token, 0, active.token.length);
      const bucket = this.tokenBuckets.get(key)!;
      bucket.splice(bucket.indexOf(active), 1);
      if (bucket.length === 0) this.tokenBuckets.delete(key);
    }
  }

  private listFor(fault: Fault): ActiveFault[] {
    switch (fault.type) {
      case 'reject-token':
        return this.tokenFaults;
      case 'reject-nth':
      case 'reject-random':
        return this.rejecting;
      case 'delay-error':
      case 'split-error':
      case 'zero-id':
        return this.responding;
      case 'refuse-connections':
      case 'drop-connections':
        return this.connecting;
      case 'delay-answer':
      case 'no-answer':
      case 'rst-stream':
      case 'goaway-after':
      case 'close-mid-stream':
      case 'too-many-requests':
      case 'narrow-after-rejection':
      case 'idle-timeout':
      case 'ignore-ping':
        return this.streamingFaults;
      default:
        return this.afterAccept;
    }
  }

  private lists(): ActiveFault[][] {
    return [this.tokenFaults, this.rejecting, this.afterAccept, this.responding, this.connecting, this.streamingFaults];
  }
}

/** Faults that stay until removed: `repeat`, or a standing rule (too-many-requests, narrow-after-rejection, idle-timeout). */
function isRepeating(fault: Fault): boolean {
  return STANDING.has(fault.type) || ('repeat' in fault && fault.repeat === true);
}

const STANDING: ReadonlySet<Fault['type']> = new Set(['too-many-requests', 'narrow-after-rejection', 'idle-timeout']);
