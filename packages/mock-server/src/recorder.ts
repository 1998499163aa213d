import { NotificationDecoder, type DecodedNotification, type NotificationFormat } from '@apnskit/codec';
import { decodeH2Record, type RecordedH2Notification } from './http2/record.js';
import { ReceivedBytes } from './received-bytes.js';

/** An accepted notification of either protocol: `format` tells them apart. */
export type RecordedNotification = RecordedBinaryNotification | RecordedH2Notification;

/** An accepted binary-protocol notification, as tests read it. */
export interface RecordedBinaryNotification {
  /** Lowercase hex. */
  readonly token: string;
  /** The payload parsed as JSON, or null when it is not valid JSON. */
  readonly payload: unknown;
  /** The payload bytes as received. */
  readonly payloadRaw: Buffer;
  /** Undefined for command 0, which carries none. */
  readonly id: number | undefined;
  /** UNIX seconds; 0 = deliver once or drop. */
  readonly expiry: number;
  readonly priority: 10 | 5;
  readonly format: NotificationFormat;
  /** Number of the gateway connection it came on (from 1). */
  readonly connection: number;
  /** Milliseconds since the epoch. */
  readonly receivedAt: number;
}

/** A rejected notification (or connection-level failure) and the status answered. */
export interface RejectedNotification {
  /** Lowercase hex, when the notification carried a readable 32-byte token. */
  readonly token: string | undefined;
  /** The identifier named in the error response (undefined for command 0). */
  readonly id: number | undefined;
  readonly status: number;
  /** Whether an error response was written (not for command 0, or a close/reset fault). */
  readonly answered: boolean;
  readonly format: NotificationFormat | 'h2' | undefined;
  readonly connection: number;
  readonly reason: string;
  readonly receivedAt: number;
}

/** One row per run of accepted notifications that arrived back to back, in typed-array columns. */
class Runs {
  length = 0;
  slab = new Uint32Array(INITIAL_RUNS);
  offset = new Uint32Array(INITIAL_RUNS);
  byteLength = new Uint32Array(INITIAL_RUNS);
  /** Row of its first notification. */
  firstRow = new Float64Array(INITIAL_RUNS);
  count = new Uint32Array(INITIAL_RUNS);
  connection = new Uint32Array(INITIAL_RUNS);
  receivedAt = new Float64Array(INITIAL_RUNS);
  /** 1 for an HTTP/2 record (one push), 0 for a run of binary packets. */
  h2 = new Uint8Array(INITIAL_RUNS);

  add(slab: number, offset: number, byteLength: number, firstRow: number, count: number, connection: number, receivedAt: number): void {
    if (this.length === this.slab.length) this.grow();
    const run = this.length++;
    this.slab[run] = slab;
    this.offset[run] = offset;
    this.byteLength[run] = byteLength;
    this.firstRow[run] = firstRow;
    this.count[run] = count;
    this.connection[run] = connection;
    this.receivedAt[run] = receivedAt;
    this.h2[run] = 0;
  }

  /** The run holding `row` (binary search: runs are in row order). */
  indexOf(row: number): number {
    let low = 0;
    let high = this.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >>> 1;
      if (this.firstRow[middle]! <= row) low = middle;
      else high = middle - 1;
    }
    return low;
  }

  private grow(): void {
    const grown = <T extends Uint32Array | Float64Array | Uint8Array>(column: T): T => {
      const next = new (column.constructor as new (length: number) => T)(column.length * 2);
      next.set(column);
      return next;
    };
    this.slab = grown(this.slab);
    this.offset = grown(this.offset);
    this.byteLength = grown(this.byteLength);
    this.firstRow = grown(this.firstRow);
    this.count = grown(this.count);
    this.connection = grown(this.connection);
    this.receivedAt = grown(this.receivedAt);
    this.h2 = grown(this.h2);
  }
}

const INITIAL_RUNS = 256;

/**
 * Accepted notifications. The gateway checks each one as it arrives and hands over whole runs of
 * accepted packets; only their bytes (copied into slabs) and one row per run are kept, since an
 * object (or even a row of offsets) per notification costs more than the checking. Reading
 * decodes the kept bytes (binary-parser, through the codec's decoder) and makes the readable view
 * (hex token, parsed payload) once per notification.
 */
export class NotificationRecorder {
  private rows = 0;
  private runs = new Runs();
  private readonly bytes = new ReceivedBytes();
  private views: RecordedNotification[] = [];

  /** `payloadLimit`: the gateway's, so that reading judges the kept bytes as receiving did. */
  constructor(private readonly payloadLimit: number) {}

  get count(): number {
    return this.rows;
  }

  /** Records `count` accepted packets lying back to back in `source[start, end)`. */
  recordRun(source: Buffer, start: number, end: number, count: number, connection: number, receivedAt: number): void {
    this.bytes.keep(source, start, end);
    this.runs.add(this.bytes.lastSlab, this.bytes.lastOffset, end - start, this.rows, count, connection, receivedAt);
    this.rows += count;
  }

  /** Records one accepted HTTP/2 push, encoded by `encodeH2Record`. */
  recordH2(record: Buffer, connection: number, receivedAt: number): void {
    this.bytes.keep(record, 0, record.length);
    this.runs.add(this.bytes.lastSlab, this.bytes.lastOffset, record.length, this.rows, 1, connection, receivedAt);
    this.runs.h2[this.runs.length - 1] = 1;
    this.rows += 1;
  }

  /** Every accepted notification in arrival order (a fresh array; views are made once). */
  all(): RecordedNotification[] {
    this.materialise();
    return this.views.slice();
  }

  /** The views of notifications [from, to), made for those only. */
  range(from: number, to = this.rows): RecordedNotification[] {
    const views: RecordedNotification[] = [];
    const end = Math.min(to, this.rows);
    let row = Math.max(0, from);
    for (; row < end && row < this.views.length; row++) views.push(this.views[row]!);
    for (let run = this.runs.indexOf(row); row < end; run++) {
      const decoded = this.decode(run);
      for (let at = row - this.runs.firstRow[run]!; at < decoded.length && row < end; at++, row++) views.push(decoded[at]!);
    }
    return views;
  }

  clear(): void {
    this.rows = 0;
    this.runs = new Runs();
    this.bytes.clear();
    this.views = [];
  }

  private materialise(): void {
    let row = this.views.length;
    for (let run = this.runs.indexOf(row); row < this.rows; run++) {
      const decoded = this.decode(run);
      for (let at = row - this.runs.firstRow[run]!; at < decoded.length; at++, row++) this.views.push(decoded[at]!);
    }
  }

  private decode(run: number): RecordedNotification[] {
    const { runs } = this;
    const bytes = this.bytes.bytes(runs.slab[run]!, runs.offset[run]!, runs.byteLength[run]!);
    const connection = runs.connection[run]!;
    const receivedAt = runs.receivedAt[run]!;
    if (runs.h2[run] === 1) return [decodeH2Record(bytes, connection, receivedAt)];
    return new NotificationDecoder({ payloadLimit: this.payloadLimit }).push(bytes).map((result) => {
      // These bytes were accepted when they arrived, and the same rules judge them now.
      if (result.kind === 'error') throw new Error(`recorded bytes no longer decode: ${result.reason}`);
      return recordedView(result, connection, receivedAt);
    });
  }
}

function recordedView(notification: DecodedNotification, connection: number, receivedAt: number): RecordedBinaryNotification {
  return Object.freeze({
    token: notification.tokenHex(),
    payload: parsePayload(notification.payloadText()),
    payloadRaw: notification.payload,
    id: notification.id,
    expiry: notification.expiry,
    priority: notification.priority,
    format: notification.format,
    connection,
    receivedAt,
  });
}

function parsePayload(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}
